"""Real Chromium with axe-core: register for a meeting with access needs; an organiser marks
attendance (paying time credits) and records an action."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts.testing import sign_in
from coproduce.coproduction.models import Action, Attendance, Registration
from coproduce.coproduction.tests.helpers import (
    collaborative,
    meeting,
    organiser_of,
    participant,
    resident,
)
from coproduce.core.testing import assert_accessible
from coproduce.timebank.models import Account

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, site_url, user):
    client = sign_in(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}])


def test_register_for_a_meeting_with_access_needs(watched_page, site_url):
    page = watched_page
    collab = collaborative()
    m = meeting(collab, title="Crisis café: the plan so far", capacity=12,
                online_url="https://meet.example.org/living-well")
    person = resident(accessibility_needs="I use a wheelchair.")
    _sign_in(page, site_url, person)
    page.goto(f"{site_url}/co-production/")
    assert_accessible(page)
    page.get_by_role("link", name=collab.name).click()
    assert_accessible(page)
    page.get_by_role("link", name="Crisis café: the plan so far").click()
    assert "The link is shown here once you register." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Register for this meeting").click()
    assert page.get_by_label("Access needs (optional)").input_value() == "I use a wheelchair."
    assert_accessible(page)
    page.get_by_label("Access needs (optional)").fill("I use a wheelchair, and a hearing loop helps.")
    page.get_by_role("button", name="Register").click()
    assert "You are registered for Crisis café: the plan so far." in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_role("link", name="Join the meeting online")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my place")).to_be_visible()
    assert_accessible(page)
    registration = Registration.objects.get(meeting=m, person=person)
    assert registration.access_needs == "I use a wheelchair, and a hearing loop helps."
    # Registering again from the form: a clear message, and nothing changes.
    page.goto(f"{site_url}/co-production/meetings/{m.pk}/register/")
    page.get_by_role("button", name="Register").click()
    assert "You are already registered for this meeting." in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert Registration.objects.filter(meeting=m).count() == 1


def test_an_organiser_marks_attendance_and_records_an_action(watched_page, site_url):
    page = watched_page
    collab = collaborative()
    m = meeting(collab, days=-1, hours=2, title="Carers' voices")
    carer = participant(collab, who=resident(full_name="Cara Carer"), participant_type="carer")
    _sign_in(page, site_url, organiser_of(collab))
    page.goto(f"{site_url}/co-production/meetings/{m.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Mark attendance").click()
    assert_accessible(page)
    page.get_by_label("Cara Carer").check()
    page.get_by_role("button", name="Save attendance").click()
    assert "1 marked and paid" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert Attendance.objects.get().person == carer and Account.objects.get(user=carer).balance == 200
    page.goto(f"{site_url}/co-production/meetings/{m.pk}/actions/add/")
    assert_accessible(page)
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    due = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("What will be done").fill("Ask the trust about a carers' breakfast")
    page.get_by_label("Who will do it").select_option(label="Cara Carer (Carer)")
    page.get_by_label("Day").fill(str(due.day))
    page.get_by_label("Month").fill(str(due.month))
    page.get_by_label("Year").fill(str(due.year))
    page.get_by_role("button", name="Record the action").click()
    assert "stays on the open actions list" in page.locator(".govuk-notification-banner").inner_text()
    assert Action.objects.get().owner == carer
    page.goto(f"{site_url}/co-production/actions/")
    assert "Ask the trust about a carers' breakfast" in page.locator("main").inner_text()
    assert "Cara Carer" not in page.locator("main").inner_text()
    assert_accessible(page)
