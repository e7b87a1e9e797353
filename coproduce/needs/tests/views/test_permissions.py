"""The permission ladder for every protected needs page: anonymous → sign-in, no permission → 403,
permission → 200 (or the redirect a successful POST gives)."""

import pytest
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.needs.models import Need
from coproduce.needs.services import need_respond
from coproduce.needs.tests.people import need, officer, person, resident, sign_in

pytestmark = pytest.mark.django_db


def _ladder(client, url, *, without, allowed, method="get", data=None, ok=200):
    send = getattr(client, method)
    response = send(url, data or {})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    sign_in(client, without)
    assert send(url, data or {}).status_code == 403
    client.logout()
    sign_in(client, allowed)
    response = send(url, data or {})
    assert response.status_code == ok, response.content[:500]
    return response


def test_raise_a_need_needs_a_verified_resident(client):
    unverified = person(roles=(Role.RESIDENT,), verified=False)
    _ladder(client, reverse("needs:need_raise"), without=unverified, allowed=resident())


def test_an_officer_who_is_not_a_resident_cannot_raise_a_need(client):
    sign_in(client, officer())
    assert client.get(reverse("needs:need_raise")).status_code == 403


def test_support_needs_a_verified_resident(client):
    raised = need()
    _ladder(client, reverse("needs:need_support", kwargs={"pk": raised.pk}), method="post",
            without=person(roles=(Role.SERVICE_USER,), verified=False), allowed=resident(), ok=302)
    raised.refresh_from_db()
    assert raised.support_count == 2


def test_respond_needs_an_officer(client):
    raised = need()
    _ladder(client, reverse("needs:need_respond", kwargs={"pk": raised.pk}), without=resident(), allowed=officer())


def test_add_indicator_needs_an_officer(client):
    raised = need()
    need_respond(need=raised, officer=officer(), status=Need.Status.ACCEPTED_BUDGET, reasons="Budget.")
    _ladder(client, reverse("needs:indicator_add", kwargs={"pk": raised.pk}), without=resident(), allowed=officer())


def test_public_pages_are_open_to_everyone(client):
    raised = need()
    assert client.get(reverse("needs:need_list")).status_code == 200
    assert client.get(reverse("needs:need_detail", kwargs={"pk": raised.pk})).status_code == 200
    assert client.get(reverse("needs:need_detail", kwargs={"pk": raised.pk + 1000})).status_code == 404
