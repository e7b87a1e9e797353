import pytest
from django.conf import settings
from django.urls import reverse

from coproduce.accounts.tests.factories import DEFAULT_PASSWORD, ResidentFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/sign-in/"
WRONG = "Enter a correct email address and password"
BLOCKED = "You have tried to sign in too many times"


def sign_in(client, email, password, address="10.0.0.1", **extra):
    return client.post(URL, {"email": email, "password": password, **extra}, REMOTE_ADDR=address)


def test_the_sign_in_page_renders(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'id="email"' in response.content.decode() and 'autocomplete="current-password"' in response.content.decode()


def test_signing_in_with_the_right_password(client):
    person = ResidentFactory(email="rosa@example.org")
    response = sign_in(client, "ROSA@example.org ", DEFAULT_PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:profile")
    assert client.session["_auth_user_id"] == str(person.pk)


def test_next_is_followed_only_within_the_site(client):
    ResidentFactory(email="rosa@example.org")
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, next="/places/").url == "/places/"
    client.post(reverse("accounts:logout"))
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, next="https://evil.example/").url == reverse("accounts:profile")


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(client):
    ResidentFactory(email="rosa@example.org")
    wrong_password = sign_in(client, "rosa@example.org", "nope-nope-nope").content.decode()
    unknown = sign_in(client, "nobody@example.org", "nope-nope-nope").content.decode()
    assert WRONG in wrong_password and WRONG in unknown
    assert "<title>Error: Sign in" in unknown
    assert "_auth_user_id" not in client.session


def test_an_account_is_blocked_after_too_many_failures_even_from_other_addresses(client):
    ResidentFactory(email="rosa@example.org")
    limit = settings.COPRODUCE_LOGIN_MAX_FAILURES
    for n in range(limit):
        assert WRONG in sign_in(client, "rosa@example.org", f"guess-{n}", address=f"10.0.1.{n}").content.decode()
    response = sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.2.1")
    assert response.status_code == 200 and BLOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_an_address_is_blocked_after_too_many_failures_across_accounts(client):
    ResidentFactory(email="rosa@example.org")
    for n in range(settings.COPRODUCE_LOGIN_MAX_FAILURES):
        sign_in(client, f"someone{n}@example.org", "guess", address="10.0.3.3")
    assert BLOCKED in sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.3.3").content.decode()
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.3.4").status_code == 302


def test_unknown_emails_are_blocked_the_same_way_so_blocking_reveals_nothing(client):
    for n in range(settings.COPRODUCE_LOGIN_MAX_FAILURES):
        sign_in(client, "nobody@example.org", "guess", address=f"10.0.4.{n}")
    assert BLOCKED in sign_in(client, "nobody@example.org", "guess", address="10.0.4.99").content.decode()


def test_the_block_ends_after_the_window(client, settings):
    from django.core.cache import cache

    ResidentFactory(email="rosa@example.org")
    for n in range(settings.COPRODUCE_LOGIN_MAX_FAILURES):
        sign_in(client, "rosa@example.org", "guess", address=f"10.0.5.{n}")
    assert BLOCKED in sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.5.50").content.decode()
    cache.clear()  # what the window's expiry does
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.5.50").status_code == 302


def test_a_success_clears_the_accounts_failures(client, settings):
    ResidentFactory(email="rosa@example.org")
    for n in range(settings.COPRODUCE_LOGIN_MAX_FAILURES - 1):
        sign_in(client, "rosa@example.org", "guess", address=f"10.0.6.{n}")
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.6.90").status_code == 302
    client.post(reverse("accounts:logout"))
    sign_in(client, "rosa@example.org", "guess", address="10.0.6.91")
    assert sign_in(client, "rosa@example.org", DEFAULT_PASSWORD, address="10.0.6.92").status_code == 302


def test_signing_in_switches_to_the_preferred_language(client):
    ResidentFactory(email="ana@example.org", preferred_language="pt")
    response = sign_in(client, "ana@example.org", DEFAULT_PASSWORD)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"


def test_sign_out_needs_a_post(client):
    person = ResidentFactory()
    client.force_login(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_inactive_accounts_cannot_sign_in(client):
    ResidentFactory(email="gone@example.org", is_active=False)
    assert WRONG in sign_in(client, "gone@example.org", DEFAULT_PASSWORD).content.decode()
