import re

import pytest
from django.urls import reverse

from coproduce.accounts.models import LetterCode, User
from coproduce.accounts.tests.factories import UserFactory
from coproduce.audit.models import AuditEntry
from coproduce.places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db

URL = "/accounts/register/"


@pytest.fixture
def postcode():
    return PostcodeFactory()


def good_data(row, **overrides):
    data = {
        "full_name": "Chidi Okonkwo", "email": "chidi@example.org",
        "date_of_birth-day": "4", "date_of_birth-month": "11", "date_of_birth-year": "1986",
        "postcode": row.postcode.replace(" ", "").lower(), "address_line": "7 Canal Street",
        "password": "river-lantern-orchard-42", "password_confirm": "river-lantern-orchard-42",
    }
    data.update(overrides)
    return data


def summary_links(html: str) -> list[str]:
    summary = html[html.index("govuk-error-summary"):html.index("</div>", html.index("govuk-error-summary__list"))]
    return re.findall(r'href="(#[^"]+)"', summary)


def counts():
    return (User.objects.count(), LetterCode.objects.count(), AuditEntry.objects.count())


def test_the_form_shows_every_field(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for field_id in ("full-name", "email", "date-of-birth-day", "date-of-birth-month", "date-of-birth-year",
                     "postcode", "address-line", "password", "password-confirm"):
        assert f'id="{field_id}"' in html
    assert "<title>Register" in html


def test_registering_signs_you_in_and_asks_for_the_letter_code(client, postcode):
    response = client.post(URL, good_data(postcode))
    assert response.status_code == 302 and response.url == reverse("accounts:verify")
    user = User.objects.get(email="chidi@example.org")
    assert user.neighbourhood == postcode.neighbourhood and user.postcode == postcode.postcode
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(reverse("accounts:verify")).content.decode()
    assert "We posted a letter to 7 Canal Street" in page


@pytest.mark.parametrize(
    "overrides, anchor, message",
    [
        ({"full_name": ""}, "#full-name", "Enter your full name"),
        ({"email": "not-an-email"}, "#email", "Enter an email address in the correct format"),
        ({"postcode": "XYZ"}, "#postcode", "Enter a real postcode"),
        ({"postcode": "SW1A 1AA"}, "#postcode", "SW1A 1AA is not a postcode in"),
        ({"date_of_birth-month": ""}, "#date-of-birth-month", "Date of birth must include a month"),
        ({"date_of_birth-day": "31", "date_of_birth-month": "2"}, "#date-of-birth-day", "Date of birth must be a real date"),
        ({"date_of_birth-year": "1899"}, "#date-of-birth-year", "Date of birth must be a real date"),
        ({"date_of_birth-year": "2999"}, "#date-of-birth-day", "Date of birth must be in the past"),
        ({"date_of_birth-year": "86"}, "#date-of-birth-year", "Year must include 4 numbers"),
        ({"address_line": ""}, "#address-line", "Enter the first line of your address"),
        ({"password": "password123", "password_confirm": "password123"}, "#password", "This password is too common"),
        ({"password": "short", "password_confirm": "short"}, "#password", "too short"),
        ({"password_confirm": "something-else-entirely"}, "#password-confirm", "The passwords do not match"),
    ],
)
def test_bad_input_shows_an_error_summary_and_creates_nothing(client, postcode, overrides, anchor, message):
    before = counts()
    response = client.post(URL, good_data(postcode, **overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Register" in html
    assert summary_links(html)[0] == anchor
    assert message in html
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_several_errors_are_all_listed_in_page_order(client, postcode):
    response = client.post(URL, good_data(postcode, full_name="", postcode="XYZ", **{"date_of_birth-day": ""}))
    assert summary_links(response.content.decode()) == ["#full-name", "#date-of-birth-day", "#postcode"]


def test_a_duplicate_email_gets_a_message_and_creates_nothing(client, postcode):
    UserFactory(email="chidi@example.org")
    before = counts()
    response = client.post(URL, good_data(postcode, email="Chidi@Example.org"))
    assert response.status_code == 200
    assert "An account already uses this email address" in response.content.decode()
    assert counts() == before


def test_signed_in_people_are_sent_to_their_profile(client):
    client.force_login(UserFactory())
    assert client.get(URL).url == reverse("accounts:profile")
