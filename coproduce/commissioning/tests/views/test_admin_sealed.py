"""Sealed bids stay sealed in the Django admin, even for a superuser, until they are opened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.accounts.testing import sign_in
from coproduce.commissioning import services
from coproduce.commissioning.tests.builders import (
    after_deadline,
    bidder,
    officer,
    published_opportunity,
    submit_bid,
)

pytestmark = pytest.mark.django_db


def test_admin_cannot_read_a_bid_before_opening_but_can_after(client):
    boss = officer()
    opportunity = published_opportunity(boss)
    user, organisation = bidder(name="Sealed Co-op")
    bid = submit_bid(opportunity, user=user, organisation=organisation, price_pounds=123_457)
    secret_answer = "Sealed Co-op answers Q1"
    superuser = User.objects.create_superuser("root@example.org", "a long password")
    sign_in(client, superuser)

    change = reverse("admin:commissioning_bid_change", args=[bid.pk])
    listing = reverse("admin:commissioning_bid_changelist")
    for url in (change, listing):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "12345700" not in page and "123,457" not in page and "123457" not in page
        assert secret_answer not in page
        assert "Two local apprentices" not in page
    # there is no admin page for answers at all
    assert client.get("/django-admin/commissioning/bidanswer/").status_code == 404

    services.opportunity_open_bids(opportunity=opportunity, actor=boss, now=after_deadline(opportunity))
    page = client.get(change).content.decode()
    assert "12345700" in page or "12,345,700" in page
    assert secret_answer in page


def test_admin_cannot_change_or_delete_bids(client):
    opportunity = published_opportunity()
    user, organisation = bidder()
    bid = submit_bid(opportunity, user=user, organisation=organisation, price_pounds=1000)
    sign_in(client, User.objects.create_superuser("root@example.org", "a long password"))
    response = client.post(reverse("admin:commissioning_bid_change", args=[bid.pk]), {"price_pence": 1})
    assert response.status_code == 403
    assert client.get(reverse("admin:commissioning_bid_delete", args=[bid.pk])).status_code == 403
    bid.refresh_from_db()
    assert bid.price_pence == 100_000
