"""Real Chromium with axe-core: raise a need, support it as another resident, filter the list
(also with JavaScript off)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from coproduce.accounts.testing import sign_in
from coproduce.core.testing import assert_accessible
from coproduce.needs.models import Need
from coproduce.needs.tests.people import need, resident
from coproduce.places.tests.factories import NeighbourhoodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, site_url, user):
    client = sign_in(Client(), user)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}])


def test_raise_a_need_then_another_resident_supports_it(watched_page, site_url):
    page = watched_page
    place = NeighbourhoodFactory(name="Cooperage Estate")
    _sign_in(page, site_url, resident(neighbourhood=place))
    page.goto(f"{site_url}/needs/")
    assert_accessible(page)
    page.get_by_role("link", name="Raise a need").click()
    assert_accessible(page)
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Publish the need").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    assert "Enter a title" in summary.inner_text() and "Enter a description of the need" in summary.inner_text()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert_accessible(page)
    assert not Need.objects.exists()
    page.get_by_label("Title").fill("Somewhere safe for teenagers in the evening")
    page.get_by_label("Tell us more").fill("The youth club closed last year and there is nowhere to go.")
    page.get_by_label("Category").select_option(label="Young people")
    assert page.get_by_label("Which place is it about?").input_value() == f"neighbourhood:{place.slug}"
    page.get_by_role("button", name="Publish the need").click()
    expect(page.locator("h1")).to_have_text("Somewhere safe for teenagers in the evening")
    assert "Your need has been published" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    _sign_in(page, site_url, resident())
    page.reload()
    page.get_by_role("button", name="Support this need").click()
    assert "You support this need. 2 residents now support it." in page.locator(".govuk-notification-banner").inner_text()
    expect(page.get_by_role("button", name="Withdraw my support")).to_be_visible()
    assert_accessible(page)
    assert Need.objects.get().support_count == 2


def test_filtering_the_list_works_without_javascript(browser, site_url):
    place = NeighbourhoodFactory()
    need(title="A youth need", category="youth", neighbourhood=place)
    need(title="A parks need", category="parks", neighbourhood=place)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/needs/")
        page.get_by_label("Category").select_option(label="Parks and open spaces")
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"category=parks"))
        expect(page.locator("main")).to_contain_text("A parks need")
        expect(page.locator("main")).not_to_contain_text("A youth need")
        page.get_by_label("Ward").select_option(label=place.ward.name)
        page.get_by_role("button", name="Apply filters").click()
        expect(page).to_have_url(re.compile(r"ward="))
        expect(page.get_by_label("Neighbourhood or estate")).to_be_visible()  # shown once a ward is chosen
    finally:
        context.close()
