import re

import pytest
from django.core import mail

from coproduce.accounts.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_the_whole_password_reset_flow(client):
    person = ResidentFactory(email="tunde@example.org", full_name="Tunde O'Brien")
    assert client.get("/accounts/password-reset/").status_code == 200
    response = client.post("/accounts/password-reset/", {"email": "Tunde@example.org"})
    assert response.status_code == 302 and response.url == "/accounts/password-reset/sent/"
    assert "Check your email" in client.get(response.url).content.decode()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Dear Tunde O'Brien," in body  # plain text: no HTML escaping
    link = re.search(r"http://testserver(/accounts/password-reset/[^/\s]+/[^/\s]+/)", body).group(1)

    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]

    weak = client.post(set_url, {"new_password1": "password123", "new_password2": "password123"})
    assert "<title>Error:" in weak.content.decode() and "too common" in weak.content.decode()
    mismatch = client.post(set_url, {"new_password1": "violet-harbour-kettle-7", "new_password2": "violet-harbour-kettle-8"})
    assert "The passwords do not match" in mismatch.content.decode()

    done = client.post(set_url, {"new_password1": "violet-harbour-kettle-7", "new_password2": "violet-harbour-kettle-7"})
    assert done.status_code == 302 and done.url == "/accounts/password-reset/done/"
    person.refresh_from_db()
    assert person.check_password("violet-harbour-kettle-7")

    used = client.get(link, follow=True)
    assert "This link does not work" in used.content.decode()


def test_an_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == "/accounts/password-reset/sent/"
    assert mail.outbox == []


def test_a_malformed_email_gets_a_govuk_message(client):
    response = client.post("/accounts/password-reset/", {"email": "nope"})
    html = response.content.decode()
    assert "<title>Error:" in html and "Enter an email address in the correct format" in html
