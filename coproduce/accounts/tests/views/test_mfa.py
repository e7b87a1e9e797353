import re

import pyotp
import pytest
from django.conf import settings
from django.urls import reverse

from coproduce.accounts import totp
from coproduce.accounts.middleware import MFA_SESSION_KEY
from coproduce.accounts.models import TotpDevice
from coproduce.accounts.tests.factories import (
    DEFAULT_PASSWORD,
    TEST_TOTP_SECRET,
    CouncillorFactory,
    OfficerFactory,
    ResidentFactory,
)

pytestmark = pytest.mark.django_db

SETUP, VERIFY = "/accounts/mfa/set-up/", "/accounts/mfa/verify/"


def password_sign_in(client, user):
    return client.post("/accounts/sign-in/", {"email": user.email, "password": DEFAULT_PASSWORD})


def a_wrong_code(secret):
    step = totp.current_step()
    accepted = {totp.code_at_step(secret, s) for s in range(step - 1, step + 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def test_staff_without_an_authenticator_are_sent_to_set_one_up_and_blocked_elsewhere(client):
    officer = OfficerFactory()
    response = password_sign_in(client, officer)
    assert response.status_code == 302 and response.url.startswith(SETUP)
    for page in ("/accounts/profile/", "/accounts/residents/", "/"):
        blocked = client.get(page)
        assert blocked.status_code == 302 and blocked.url.startswith(SETUP), page
    assert client.get("/healthz").status_code == 200


def test_setting_up_shows_the_key_in_groups_and_an_otpauth_link_then_lets_you_in(client):
    officer = CouncillorFactory(email="cllr@example.org")
    password_sign_in(client, officer)
    page = client.get(SETUP).content.decode()
    grouped = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in grouped.split())
    secret = grouped.replace(" ", "")
    assert "otpauth://totp/" in page and f"secret={secret}" in page
    assert client.get(SETUP).content.decode().count(grouped) == 1  # the same key until it is confirmed

    wrong = client.post(SETUP, {"code": a_wrong_code(secret)})
    assert wrong.status_code == 200 and "The code is not right" in wrong.content.decode()
    assert not TotpDevice.objects.filter(user=officer).exists()

    done = client.post(SETUP, {"code": pyotp.TOTP(secret).now(), "next": "/accounts/profile/"})
    assert done.status_code == 302 and done.url == "/accounts/profile/"
    assert TotpDevice.objects.get(user=officer).confirmed
    assert client.session[MFA_SESSION_KEY] == officer.pk
    assert client.get("/accounts/profile/").status_code == 200


def test_staff_with_an_authenticator_enter_a_code_every_session(client):
    officer = OfficerFactory(with_device=True)
    response = password_sign_in(client, officer)
    assert response.url.startswith(VERIFY)
    assert client.get("/accounts/residents/").url.startswith(VERIFY)
    assert client.get(SETUP).url.startswith(VERIFY)  # cannot replace the device without the code

    wrong = client.post(VERIFY, {"code": a_wrong_code(TEST_TOTP_SECRET)})
    assert "The code is not right" in wrong.content.decode()
    assert "<title>Error:" in wrong.content.decode()
    code = pyotp.TOTP(TEST_TOTP_SECRET).now()
    ok = client.post(VERIFY, {"code": code, "next": "/accounts/residents/"})
    assert ok.status_code == 302 and ok.url == "/accounts/residents/"
    assert client.get("/accounts/residents/").status_code == 200

    # next session: the same code is refused (already used), a fresh step's code works
    client.post(reverse("accounts:logout"))
    password_sign_in(client, officer)
    reused = client.post(VERIFY, {"code": code})
    assert reused.status_code == 200 and "already been used" in reused.content.decode()
    assert client.get("/accounts/profile/").url.startswith(VERIFY)
    later = totp.code_at_step(TEST_TOTP_SECRET, totp.current_step() + 1)
    assert client.post(VERIFY, {"code": later}).status_code == 302


def test_too_many_wrong_codes_block_the_code_check(client):
    officer = OfficerFactory(with_device=True)
    password_sign_in(client, officer)
    wrong = a_wrong_code(TEST_TOTP_SECRET)
    for _ in range(settings.COPRODUCE_LOGIN_MAX_FAILURES):
        client.post(VERIFY, {"code": wrong})
    blocked = client.post(VERIFY, {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert "too many wrong codes" in blocked.content.decode()
    assert MFA_SESSION_KEY not in client.session


def test_badly_shaped_codes_get_a_clear_message(client):
    officer = OfficerFactory(with_device=True)
    password_sign_in(client, officer)
    response = client.post(VERIFY, {"code": "12ab"})
    assert "The code must be 6 digits" in response.content.decode()
    response = client.post(VERIFY, {"code": ""})
    assert "Enter the 6-digit code" in response.content.decode()


def test_residents_never_see_the_mfa_pages(client):
    resident = ResidentFactory()
    password_sign_in(client, resident)
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get(SETUP).url == reverse("accounts:profile")
    assert client.get(VERIFY).status_code == 302


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for page in (SETUP, VERIFY):
        response = client.get(page)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_new_staff_role_means_mfa_from_the_next_request(client):
    from coproduce.accounts import services
    from coproduce.accounts.tests.factories import AdministratorFactory

    person = ResidentFactory()
    password_sign_in(client, person)
    assert client.get("/accounts/profile/").status_code == 200
    services.role_grant(user=person, role="officer", actor=AdministratorFactory())
    assert client.get("/accounts/profile/").url.startswith(SETUP)


def test_the_page_asked_for_survives_the_mfa_detour(client):
    officer = OfficerFactory(with_device=True)
    response = client.post("/accounts/sign-in/", {"email": officer.email, "password": DEFAULT_PASSWORD,
                                                  "next": "/accounts/residents/?status=pending&page=2"})
    assert response.url == "/accounts/mfa/verify/?next=%2Faccounts%2Fresidents%2F%3Fstatus%3Dpending%26page%3D2"
    done = client.post(VERIFY, {"code": pyotp.TOTP(TEST_TOTP_SECRET).now(), "next": "/accounts/residents/?status=pending&page=2"})
    assert done.url == "/accounts/residents/?status=pending&page=2"


def test_the_middleware_keeps_the_whole_address_asked_for(client):
    from coproduce.accounts.testing import sign_in as force_sign_in

    force_sign_in(client, OfficerFactory(with_device=True), mfa_passed=False)
    response = client.get("/accounts/residents/?status=pending&page=2")
    assert response.url == "/accounts/mfa/verify/?next=%2Faccounts%2Fresidents%2F%3Fstatus%3Dpending%26page%3D2"
