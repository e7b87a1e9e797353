"""Support pages: public catalogue, permission ladder, forms that explain what is wrong."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.commissioning.tests.builders import bidder, officer
from coproduce.support import services
from coproduce.support.models import SupportRequest
from coproduce.support.tests.builders import service

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    boss = officer()
    payroll = service(boss)
    user, organisation = bidder(name="Alpha")
    other_user, _other = bidder(name="Beta")
    row = services.support_request_create(service=payroll, organisation=organisation, actor=user, quantity=2)
    return {"boss": boss, "service": payroll, "user": user, "organisation": organisation, "other": other_user, "row": row,
            "resident": ResidentFactory()}


def test_public_catalogue(client, world):
    page = client.get(reverse("support:catalogue")).content.decode()
    assert "Payroll" in page and "£15.00" in page
    assert client.get(world["service"].get_absolute_url()).status_code == 200


def test_permission_ladder(client, world):
    w = world
    cases = [
        (reverse("support:request_create", args=[w["service"].slug]), w["resident"], w["user"]),
        (reverse("support:my_requests"), w["resident"], w["user"]),
        (reverse("support:request_detail", args=[w["row"].pk]), w["other"], w["user"]),
        (reverse("support:request_detail", args=[w["row"].pk]), w["resident"], w["boss"]),
        (reverse("support:queue"), w["user"], w["boss"]),
        (reverse("support:usage"), w["user"], w["boss"]),
        (reverse("support:organisation_usage", args=[w["organisation"].slug]), w["other"], w["user"]),
        (reverse("support:service_create"), w["user"], w["boss"]),
    ]
    for url, without, allowed in cases:
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL)), url
        sign_in(client, without)
        assert client.get(url).status_code == 403, url
        client.logout()
        sign_in(client, allowed)
        assert client.get(url).status_code == 200, url


def test_request_form_bad_quantity_changes_nothing(client, world):
    sign_in(client, world["user"])
    response = client.post(reverse("support:request_create", args=[world["service"].slug]),
                           {"organisation": world["organisation"].pk, "quantity": "0"})
    assert "How many must be at least 1" in response.content.decode()
    assert SupportRequest.objects.count() == 1
    response = client.post(reverse("support:request_create", args=[world["service"].slug]),
                           {"organisation": world["organisation"].pk, "quantity": "3"})
    assert response.status_code == 302 and SupportRequest.objects.count() == 2


def test_officer_fulfils_from_the_request_page(client, world):
    sign_in(client, world["boss"])
    url = reverse("support:request_detail", args=[world["row"].pk])
    page = client.post(url, {"to_status": "declined", "note": ""}).content.decode()
    assert "Explain why the request is declined" in page
    client.post(url, {"to_status": "accepted"})
    client.post(url, {"to_status": "fulfilled", "note": "Payroll live"})
    world["row"].refresh_from_db()
    assert world["row"].status == "fulfilled"
    usage = client.get(reverse("support:usage")).content.decode()
    assert "Alpha" in usage and "£30.00" in usage


def test_organisation_cancels_its_request(client, world):
    sign_in(client, world["user"])
    client.post(reverse("support:request_cancel", args=[world["row"].pk]))
    world["row"].refresh_from_db()
    assert world["row"].status == "cancelled"
