"""The permission ladder for every protected page: anonymous → sign in, no permission → 403, permission → 200."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import (
    EvaluatorFactory,
    ProviderUserFactory,
    ResidentFactory,
)
from coproduce.commissioning import services
from coproduce.commissioning.models import Clarification, LotEvaluation
from coproduce.commissioning.tests.builders import (
    bidder,
    moderate_all,
    opened_evaluation,
    project_in_plan,
    score_all,
)
from coproduce.commissioning.tests.services.test_evaluation import CONSENSUS, SCORES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    award = services.lot_award(lot=ev.lot, actor=ev.officer, reasons="Highest total", notice_published_on=dt.date(2026, 3, 2))
    plan = project_in_plan(ev.officer, title="Lunch club")
    option = services.option_add(project=plan, actor=ev.officer, kind="grant", summary="Grant")
    question = Clarification.objects.create(opportunity=ev.opportunity, question="Can we sub-contract?")
    alpha = ev.bids["Alpha Co-op"]
    writer = alpha.organisation.memberships.first().user
    other_writer, _org = bidder(name="Someone Else")
    evaluator_person = ev.evaluators[0]
    assignment = ev.assignments[evaluator_person.pk]
    return {
        "ev": ev, "award": award, "plan": plan, "option": option, "question": question, "alpha": alpha,
        "writer": writer, "other_writer": other_writer, "evaluator": evaluator_person, "assignment": assignment,
        "outsider_evaluator": EvaluatorFactory(), "resident": ResidentFactory(),
    }


def cases(w):
    ev = w["ev"]
    ref = ev.opportunity.reference
    plan = w["plan"].slug
    boss, resident = ev.officer, w["resident"]
    a = w["assignment"]
    return [
        # (url, someone without permission, someone with it)
        (reverse("commissioning:project_create"), resident, boss),
        (reverse("commissioning:project_analysis", args=[plan]), resident, boss),
        (reverse("commissioning:project_plan", args=[plan]), w["writer"], boss),
        (reverse("commissioning:project_route", args=[plan]), resident, boss),
        (reverse("commissioning:outcome_add", args=[plan]), resident, boss),
        (reverse("commissioning:option_add", args=[plan]), resident, boss),
        (reverse("commissioning:option_prefer", args=[plan, w["option"].pk]), resident, boss),
        (reverse("commissioning:co_designer_add", args=[plan]), resident, boss),
        (reverse("commissioning:project_stage", args=[plan]), w["evaluator"], boss),
        (reverse("commissioning:opportunity_create", args=[plan]), resident, boss),
        (reverse("commissioning:opportunity_setup", args=[ref]), w["writer"], boss),
        (reverse("commissioning:opportunity_edit", args=[ref]), resident, boss),
        (reverse("commissioning:opportunity_panel", args=[ref]), w["evaluator"], boss),
        (reverse("commissioning:clarification_answer", args=[ref, w["question"].pk]), w["writer"], boss),
        (reverse("commissioning:lot_results", args=[ref, 1]), w["evaluator"], boss),
        (reverse("commissioning:lot_tender_file", args=[ref, 1]), w["writer"], boss),
        (reverse("commissioning:lot_award", args=[ref, 1]), ev.evaluators[1], boss),
        (reverse("commissioning:contract_create", args=[w["award"].pk]), resident, boss),
        (reverse("commissioning:clarification_ask", args=[ref]), resident, w["writer"]),
        (reverse("commissioning:bid_start", args=[ref]), ProviderUserFactory(), w["writer"]),
        (reverse("commissioning:bid_list"), resident, w["writer"]),
        (reverse("commissioning:bid_edit", args=[w["alpha"].pk]), w["other_writer"], w["writer"]),
        (reverse("commissioning:assessment_summary", args=[w["alpha"].pk]), w["other_writer"], w["writer"]),
        (reverse("commissioning:evaluation_list"), w["outsider_evaluator"], w["evaluator"]),
        (reverse("commissioning:evaluation_lot", args=[a.pk]), w["outsider_evaluator"], w["evaluator"]),
        (reverse("commissioning:evaluation_score", args=[a.pk, w["alpha"].pk]), w["outsider_evaluator"], w["evaluator"]),
        (reverse("commissioning:moderation", args=[ref, 1]), w["evaluator"], ev.moderator),
    ]


def test_permission_ladder(client, world):
    for url, without, with_permission in cases(world):
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL)), url
        sign_in(client, without)
        assert client.get(url).status_code == 403, url
        client.logout()
        sign_in(client, with_permission)
        assert client.get(url).status_code == 200, url


def test_an_officer_does_not_see_another_evaluators_seat(client, world):
    """Evaluators see only their own lots: another person's seat is not found, even by an officer on the panel."""
    ev = world["ev"]
    other = ev.assignments[ev.evaluators[1].pk]
    sign_in(client, ev.evaluators[0])
    assert client.get(reverse("commissioning:evaluation_lot", args=[other.pk])).status_code == 404


def test_post_only_actions_need_permission(client, world):
    ev = world["ev"]
    ref = ev.opportunity.reference
    for url in [reverse("commissioning:opportunity_publish", args=[ref]), reverse("commissioning:opportunity_open", args=[ref]),
                reverse("commissioning:moderation_complete", args=[ref, 1])]:
        client.logout()
        assert client.post(url).status_code == 302
        sign_in(client, world["resident"])
        assert client.post(url).status_code == 403
    ev.opportunity.refresh_from_db()
    assert ev.opportunity.status == "awarded"
    assert LotEvaluation.objects.get(lot=ev.lot).status == "awarded"
