import re

import pytest
from playwright.sync_api import expect

from coproduce.core.testing import assert_accessible
from coproduce.organisations.models import LegalForm, VatStatus
from coproduce.organisations.tests.factories import OrganisationFactory
from coproduce.places.tests.factories import WardFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organisation_list_filter_and_detail(watched_page, site_url):
    ward = WardFactory(name="Northbank", slug="northbank")
    OrganisationFactory(name="Riverside Youth Co-operative", ward=ward, vat_status=VatStatus.REGISTERED,
                        vat_number="GB980780684", description="Youth clubs run with young people.")
    OrganisationFactory(name="Northbank Care Mutual CIC", legal_form=LegalForm.CIC, scheme="GB-COH",
                        identifier="09506232", ward=ward)
    for n in range(25):
        OrganisationFactory(name=f"Zeta Charity {n:02d}", legal_form=LegalForm.CHARITY, scheme="GB-CHC",
                            identifier=f"{1100000 + n}")
    page = watched_page
    page.goto(site_url + "/organisations/")
    assert page.locator("h1").inner_text() == "Organisations"
    assert "27 organisations" in page.locator("#results").inner_text()
    assert_accessible(page)
    page.get_by_label("Legal form").select_option(LegalForm.CIC.value)
    page.get_by_role("button", name="Apply filters").click()
    assert "1 organisation" in page.locator("#results").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    page.get_by_role("link", name="Page 1", exact=True).click()
    page.get_by_role("link", name="Riverside Youth Co-operative").click()
    assert page.locator("h1").inner_text() == "Riverside Youth Co-operative"
    body = page.locator("main").inner_text()
    assert "Co-operative society" in body and "VAT registered (GB980780684)" in body and "GB-MPR-" in body
    assert "Members" not in body
    assert_accessible(page)
