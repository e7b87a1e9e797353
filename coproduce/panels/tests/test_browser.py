"""Real Chromium with axe-core: a resident volunteers for a panel; anyone reads a published result."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.core.testing import assert_accessible
from coproduce.panels.models import Volunteer

from .factories import open_panel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, site_url, user):
    client = sign_in(Client(), user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}])


def test_a_resident_volunteers_for_a_panel(watched_page, site_url):
    page = watched_page
    person = ResidentFactory()
    panel = open_panel(title="Youth Services Panel", questions=("ward", "gender", "disability"))
    _sign_in(page, site_url, person)
    page.goto(f"{site_url}/panels/")
    assert_accessible(page)
    page.get_by_role("link", name="Youth Services Panel").click()
    assert_accessible(page)
    page.get_by_role("button", name="Volunteer for this panel").click()
    assert_accessible(page)

    page.get_by_role("button", name="Volunteer").click()  # nothing answered, no consent
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Tick the box to agree to how we use your answers" in summary.inner_text()
    assert "Answer the question: What is your gender?" in summary.inner_text()
    assert_accessible(page)
    assert not Volunteer.objects.exists()

    page.get_by_label("Woman or girl").check()
    page.get_by_role("group", name=re.compile("disability")).get_by_label("No", exact=True).check()
    page.get_by_label("I agree that the council uses my answers").check()
    page.get_by_role("button", name="Volunteer").click()
    assert "Your volunteer number is 1." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    volunteer = Volunteer.objects.get(panel=panel)
    assert volunteer.user == person
    assert volunteer.answers == {"ward": person.neighbourhood.ward.slug, "gender": "woman", "disability": "no"}


def test_anyone_reads_a_published_result(watched_page, site_url, chosen_panel):
    page = watched_page
    outcome = chosen_panel.selection
    page.goto(f"{site_url}/panels/{chosen_panel.slug}/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("See how the panel was chosen")).click()
    assert page.get_by_role("heading", name="How the panel was chosen").is_visible()
    assert page.get_by_test_id("seed").inner_text() == outcome.seed
    assert page.get_by_text("Matches the commitment").is_visible()
    assert page.get_by_role("img", name=re.compile("Chances of the 10 volunteers")).is_visible()
    assert page.get_by_test_id("chances-table").locator("tbody tr").count() == 10
    assert page.get_by_test_id("min-probability").inner_text() == f"{outcome.min_probability * 100:.2f}%"
    assert_accessible(page)


def test_officer_pages_are_accessible(watched_page, site_url, chosen_panel):
    from coproduce.accounts.tests.factories import OfficerFactory

    page = watched_page
    _sign_in(page, site_url, OfficerFactory())
    page.goto(f"{site_url}/panels/new/")
    page.get_by_role("button", name="Open the recruitment").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.goto(f"{site_url}/panels/{chosen_panel.slug}/manage/")
    assert page.get_by_test_id("places").inner_text() == "0 accepted, 4 waiting to reply, 0 declined, 0 places empty."
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"Declined \(volunteer")).first.click()
    assert "1 declined" in page.get_by_test_id("places").inner_text()
    assert_accessible(page)
    page.goto(f"{site_url}/panels/{chosen_panel.slug}/quotas/")
    assert page.get_by_label("Fewest: Gender, Woman or girl").is_disabled()
    assert_accessible(page)


def test_quota_errors_are_accessible(watched_page, site_url):
    from coproduce.accounts.tests.factories import OfficerFactory

    page = watched_page
    officer = OfficerFactory()
    panel = open_panel(title="Open panel", questions=("gender",), officer=officer)
    _sign_in(page, site_url, officer)
    page.goto(f"{site_url}/panels/{panel.slug}/quotas/")
    page.get_by_label("Fewest: Gender, Woman or girl").fill("five")
    page.get_by_role("button", name="Save the size and quotas").click()
    summary = page.locator(".govuk-error-summary")
    assert "Fewest people for Woman or girl must be a whole number" in summary.inner_text()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == page.get_by_label("Fewest: Gender, Woman or girl").get_attribute("id")
