import re

import pytest
from playwright.sync_api import expect

from coproduce.core.testing import assert_accessible
from coproduce.organisations.tests.factories import OrganisationFactory
from coproduce.places.tests.factories import NeighbourhoodFactory, PostcodeFactory, WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def borough():
    ward = WardFactory(name="Northbank", slug="northbank", gss_code="E05099019")
    WardFactory(name="Southbank", slug="southbank")
    estate = NeighbourhoodFactory(ward=ward, name="Tideway Estate", slug="tideway-estate", kind="estate",
                                  description="A council-built estate by the river.")
    NeighbourhoodFactory(ward=ward, name="Northbank Village", slug="northbank-village")
    PostcodeFactory(postcode="RV19 2AB", neighbourhood=estate)
    OrganisationFactory(name="Tideway Tenants Co-op", ward=ward)
    return ward


def test_ward_list_to_ward_to_neighbourhood(watched_page, site_url, borough):
    page = watched_page
    page.goto(site_url + "/places/")
    assert page.locator("h1").inner_text() == "Wards and neighbourhoods"
    assert_accessible(page)
    page.get_by_role("link", name="Northbank", exact=True).click()
    expect(page.locator("h1")).to_have_text("Northbank ward")
    expect(page.get_by_role("link", name="Tideway Tenants Co-op")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Tideway Estate").click()
    assert page.locator("h1").inner_text() == "Tideway Estate"
    assert "A council-built estate by the river." in page.content()
    assert_accessible(page)


def test_postcode_lookup_bad_then_good(watched_page, site_url, borough):
    page = watched_page
    page.goto(site_url + "/places/")
    page.get_by_role("link", name="Find your neighbourhood from your postcode").click()
    assert_accessible(page)
    page.get_by_label("Postcode").fill("RV19")
    page.get_by_role("button", name="Find neighbourhood").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter a full UK postcode" in summary.inner_text()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert_accessible(page)
    page.get_by_label("Postcode").fill("SW1A 1AA")
    page.get_by_role("button", name="Find neighbourhood").click()
    assert "SW1A 1AA is not in the area of" in page.locator(".govuk-error-summary").inner_text()
    # The error summary link moves focus to the field.
    page.locator(".govuk-error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "postcode"
    page.get_by_label("Postcode").fill("rv192ab")
    page.get_by_role("button", name="Find neighbourhood").click()
    assert "RV19 2AB is in Tideway Estate, in Northbank ward" in page.locator(".govuk-panel").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="See what is happening in Tideway Estate").click()
    assert page.locator("h1").inner_text() == "Tideway Estate"
