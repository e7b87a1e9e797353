import re

import pyotp
import pytest
from playwright.sync_api import expect

from coproduce.accounts import totp
from coproduce.accounts.models import LetterCode, User
from coproduce.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    OfficerFactory,
    PendingResidentFactory,
)
from coproduce.core.testing import assert_accessible
from coproduce.places.tests.factories import PostcodeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "kestrel-lantern-harbour-58"


def sign_in(page, site_url, email, password):
    page.goto(site_url + "/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_register_confirm_the_address_sign_out_and_back_in(watched_page, site_url):
    page = watched_page
    row = PostcodeFactory()
    hood = row.neighbourhood

    page.goto(site_url + "/accounts/register/")
    assert_accessible(page)

    # wrong input first: the error summary lists it and nothing is created
    page.get_by_label("Full name").fill("Ama Boateng")
    page.get_by_label("Email address").fill("ama@example.org")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("First line of your address").fill("4 Rope Walk")
    page.get_by_label("Postcode").fill("SW1A 1AA")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Date of birth must be a real date").get_attribute("href") == "#date-of-birth-day"
    assert "SW1A 1AA is not a postcode in" in summary.inner_text()
    assert_accessible(page)
    assert not User.objects.filter(email="ama@example.org").exists()

    page.get_by_label("Day").fill("28")
    page.get_by_label("Postcode").fill(row.postcode.lower())
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm your password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/accounts/verify/")
    assert "We posted a letter to 4 Rope Walk" in page.content()
    assert_accessible(page)

    # the letter arrives: an officer printed it from "Letters to post"
    code = LetterCode.objects.get(user__email="ama@example.org").print_code
    page.get_by_label("Code from your letter").fill(f"{code[:4]}-{code[4:]}".lower())
    page.get_by_role("button", name="Confirm my address").click()
    page.wait_for_url("**/accounts/profile/")
    assert "You are now a verified resident" in page.content()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(site_url + "/")
    assert page.get_by_role("link", name="Sign in").first.is_visible()

    sign_in(page, site_url, "AMA@example.org", PASSWORD)
    page.wait_for_url("**/accounts/profile/")
    link = page.get_by_role("link", name=hood.name)
    assert link.get_attribute("href") == f"/places/neighbourhoods/{hood.slug}/"
    assert "Verified resident" in page.content()
    assert_accessible(page)

    page.goto(site_url + "/")
    assert page.locator(".govuk-inset-text").get_by_role("link", name=hood.name).is_visible()
    assert_accessible(page)


def test_a_wrong_letter_code_and_the_profile_form(watched_page, site_url):
    page = watched_page
    person = PendingResidentFactory(email="pending@example.org")
    from coproduce.accounts import services

    services.letter_code_issue(user=person, actor=person, code="HJKM2345")
    sign_in(page, site_url, "pending@example.org", DEFAULT_PASSWORD)
    page.goto(site_url + "/accounts/verify/")
    page.get_by_label("Code from your letter").fill("ZZZZ-9999")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert "You have 4 tries left" in page.content()
    assert_accessible(page)

    page.goto(site_url + "/accounts/profile/edit/")
    page.get_by_label("Full name").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert_accessible(page)
    page.get_by_label("Full name").fill("Pat Pending")
    page.get_by_label("Accessibility needs").fill("A hearing loop, please")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/accounts/profile/")
    assert "A hearing loop, please" in page.content()
    assert_accessible(page)


def test_staff_set_up_an_authenticator_then_need_a_code_each_session(watched_page, site_url):
    page = watched_page
    officer = OfficerFactory(email="officer@example.org")
    PendingResidentFactory(full_name="Imran Khan")

    sign_in(page, site_url, "officer@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/mfa/set-up/**")
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    assert page.get_by_role("link", name="open this key in your authenticator app").get_attribute("href").startswith("otpauth://totp/")
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/profile/")
    assert_accessible(page)

    page.get_by_role("link", name="Residents and residency checks").click()
    page.wait_for_url("**/accounts/residents/")
    assert "Imran Khan" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Imran Khan").click()
    assert_accessible(page)
    page.get_by_label("Approve: this person lives at this address in the borough").check()
    page.get_by_label("Reason").fill("On the electoral register at this address")
    page.get_by_role("button", name="Record decision").click()
    assert "Imran Khan is now a verified resident" in page.content()
    assert_accessible(page)
    page.goto(site_url + "/accounts/letters/")
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, site_url, "officer@example.org", DEFAULT_PASSWORD)
    page.wait_for_url("**/accounts/mfa/verify/**")
    assert_accessible(page)
    page.goto(site_url + "/accounts/residents/")
    assert "/accounts/mfa/verify/" in page.url  # nothing else until the code is entered
    next_code = totp.code_at_step(secret, totp.current_step() + 1)  # the set-up code is used up
    page.get_by_label("Enter the code from your authenticator app").fill(next_code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/residents/")
    assert officer.totp_device.confirmed
