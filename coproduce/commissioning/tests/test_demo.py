"""The demo borough's commissioning and support: every stage, every role's view, deterministic."""

from __future__ import annotations

import random

import pytest
from django.db import transaction
from django.urls import reverse

from coproduce.accounts import demo as accounts_demo
from coproduce.accounts.models import User
from coproduce.accounts.testing import sign_in
from coproduce.commissioning import demo
from coproduce.commissioning.models import (
    CommissioningProject,
    Contract,
    ModeratedScore,
    Opportunity,
    PanelAssignment,
    PanelMember,
)
from coproduce.organisations import demo as organisations_demo
from coproduce.places import demo as places_demo
from coproduce.support import demo as support_demo
from coproduce.support.models import SupportRequest, SupportService
from coproduce.trusts import demo as trusts_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
DEMO = "demo.coproduce.org.uk"


def seed_borough():
    for n, module in enumerate([places_demo, accounts_demo, organisations_demo, trusts_demo]):
        module.seed(rng=random.Random(n), log=lambda _: None)
    demo.seed(rng=random.Random(10), log=lambda _: None)
    support_demo.seed(rng=random.Random(11), log=lambda _: None)


def snapshot():
    return (
        list(CommissioningProject.objects.order_by("title").values_list("title", "stage", "trust__slug", "estimated_value_pence")),
        list(Opportunity.objects.order_by("title").values_list("title", "status", "regime", "route")),
        sorted(ModeratedScore.objects.values_list("bid__organisation__name", "criterion__code", "score", "passed")),
        sorted(PanelAssignment.objects.values_list("member__user__email", "lot__opportunity__title", "declaration")),
        list(Contract.objects.order_by("title").values_list("title", "organisation__name", "value_pence", "start_date")),
        sorted(SupportRequest.objects.values_list("service__name", "organisation__name", "quantity", "status", "due_by")),
    )


def test_demo_covers_the_cycle_and_every_role_can_see_their_part(client):
    seed_borough()
    stages = set(CommissioningProject.objects.values_list("stage", flat=True))
    assert CommissioningProject.objects.count() >= 6 and stages == {"analyse", "plan", "do", "review"}

    youth = CommissioningProject.objects.get(title="Youth services for the estates")
    assert youth.trust is not None and youth.trust.slug == "young-riverside"
    youth_opportunity = youth.opportunities.get()
    assert youth_opportunity.status == "evaluation"
    assert PanelMember.objects.filter(opportunity=youth_opportunity, kind="resident").count() >= 2

    awarded = Contract.objects.get(project__title="Estate grounds and community growing")
    assert awarded.kpis.count() == 3 and awarded.project.stage == "review"
    assert ModeratedScore.objects.filter(bid__lot=awarded.award.lot).exists()
    assert awarded.award.standstill_mandatory and awarded.award.standstill_last_day is not None

    reserved = Contract.objects.get(reserved_for_mutuals=True)
    assert reserved.organisation.legal_form == "public-service-mutual"

    assert SupportService.objects.count() == 8
    assert SupportRequest.objects.filter(organisation__memberships__user__email=f"provider@{DEMO}").exists()
    assert set(SupportRequest.objects.values_list("status", flat=True)) >= {"requested", "accepted", "fulfilled"}

    # Each demo login sees its part.
    for url in [reverse("commissioning:index"), youth.get_absolute_url(), reverse("commissioning:contract_list"),
                awarded.get_absolute_url(), reverse("support:catalogue")]:
        assert client.get(url).status_code == 200, url
    open_now = Opportunity.objects.get(status="published")
    sign_in(client, User.objects.get(email=f"provider@{DEMO}"))
    assert client.get(reverse("commissioning:bid_start", args=[open_now.reference])).status_code == 200
    assert "Youth services for the estates" in client.get(reverse("commissioning:bid_list")).content.decode()
    client.logout()
    grace = User.objects.get(email=f"evaluator@{DEMO}")
    seat = PanelAssignment.objects.get(member__user=grace, lot__opportunity=youth_opportunity)
    assert seat.declaration == "pending"
    sign_in(client, grace)
    page = client.get(reverse("commissioning:evaluation_lot", args=[seat.pk])).content.decode()
    assert "Declare your interests" in page and "Riverside Youth Co-operative" in page
    client.logout()
    sign_in(client, User.objects.get(email=f"officer@{DEMO}"))
    lot = awarded.award.lot
    assert client.get(reverse("commissioning:lot_results", args=[lot.opportunity.reference, lot.number])).status_code == 200
    assert client.get(reverse("support:queue")).status_code == 200


class _Rollback(Exception):
    pass


def _seeded_snapshot():
    try:
        with transaction.atomic():
            seed_borough()
            result = snapshot()
            raise _Rollback
    except _Rollback:
        return result


def test_demo_is_deterministic():
    first = _seeded_snapshot()
    assert first[0]  # it did seed something
    assert _seeded_snapshot() == first
