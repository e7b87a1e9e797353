import re

import pytest
from playwright.sync_api import expect

from coproduce.core.testing import assert_accessible
from coproduce.places.tests.factories import NeighbourhoodFactory
from coproduce.timebank.tests.browser.signin import sign_in_through_the_page
from coproduce.timebank.tests.people import person
from coproduce.trusts.models import Membership, Trust
from coproduce.trusts.tests.factories import MemberClassFactory, TrustFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_finds_and_joins_a_tenants_trust(watched_page, site_url):
    estate = NeighbourhoodFactory(name="Marsh Estate", kind="estate")
    trust = TrustFactory(name="Marsh Tenants", slug="marsh-tenants", council=estate.ward.council,
                         area_kind=Trust.AreaKind.NEIGHBOURHOODS, summary="Tenants running their estate.")
    trust.neighbourhoods.set([estate])
    MemberClassFactory(trust=trust, slug="tenant", name="Tenant")
    MemberClassFactory(trust=trust, slug="leaseholder", name="Leaseholder", position=1)
    member = person(neighbourhood=estate, email="tenant@example.org")
    page = watched_page

    page.goto(site_url + "/")
    page.get_by_role("link", name="Community trusts", exact=True).first.click()
    assert page.locator("h1").inner_text() == "Community trusts"
    assert_accessible(page)
    page.get_by_role("link", name="Marsh Tenants").click()
    assert_accessible(page)
    page.get_by_role("button", name="Join Marsh Tenants").click()
    expect(page).to_have_url(re.compile(r"/accounts/sign-in/"))
    sign_in_through_the_page(page, site_url, "tenant@example.org")
    page.goto(site_url + "/trusts/marsh-tenants/join/")
    assert_accessible(page)
    page.get_by_role("button", name="Join the trust").click()  # no class chosen: the error summary says so
    assert page.locator(".govuk-error-summary").inner_text().count("Choose the kind of member you are") == 1
    assert_accessible(page)
    page.get_by_label("Tenant", exact=True).check()
    page.get_by_role("button", name="Join the trust").click()
    assert "You are now a member of Marsh Tenants" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    assert Membership.objects.current().filter(trust=trust, user=member, member_class__slug="tenant").exists()


def test_an_ineligible_resident_reads_why_on_an_accessible_page(watched_page, site_url):
    estate = NeighbourhoodFactory(name="Marsh Estate", kind="estate")
    trust = TrustFactory(name="Young Riverside", slug="young-riverside", council=estate.ward.council)
    MemberClassFactory(trust=trust, slug="user", name="Young member", min_age=11, max_age=25)
    person(neighbourhood=estate, email="older@example.org", age=40)
    page = watched_page
    sign_in_through_the_page(page, site_url, "older@example.org")
    page.goto(site_url + "/trusts/young-riverside/join/")
    assert "Members in the Young member class must be aged 11 to 25. You are 40." in page.locator("main").inner_text()
    assert_accessible(page)
    assert not Membership.objects.exists()
