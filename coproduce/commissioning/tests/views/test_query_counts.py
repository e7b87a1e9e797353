"""List pages run a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.commissioning import services
from coproduce.commissioning.tests.builders import (
    bidder,
    officer,
    published_opportunity,
    submit_bid,
)
from coproduce.support.tests.builders import service

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_public_lists_do_not_grow_with_rows(client):
    boss = officer()
    published_opportunity(boss)
    services.project_create(actor=boss, title="One", summary="s", service_area="care")
    pages = [reverse("commissioning:index"), reverse("commissioning:opportunity_list"), reverse("commissioning:contract_list"),
             reverse("support:catalogue")]
    service(boss)
    before = {url: queries(client, url) for url in pages}
    for n in range(4):
        published_opportunity(boss)
        services.project_create(actor=boss, title=f"More {n}", summary="s", service_area="youth")
        service(boss, name=f"Service {n}")
    after = {url: queries(client, url) for url in pages}
    assert after == before


def test_bid_list_does_not_grow_with_bids(client):
    from coproduce.accounts.testing import sign_in
    from coproduce.organisations.models import Membership

    user, organisation = bidder()
    submit_bid(published_opportunity(), user=user, organisation=organisation, price_pounds=1000)
    sign_in(client, user)
    url = reverse("commissioning:bid_list")
    before = queries(client, url)
    for _ in range(3):
        other_user, other = bidder()
        Membership.objects.create(organisation=other, user=user, role=Membership.MemberRole.BID_WRITER)
        submit_bid(published_opportunity(), user=user, organisation=other, price_pounds=1000)
    assert queries(client, url) == before
