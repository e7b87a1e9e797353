"""Every page renders for the person it is for, and forms give messages without changing anything."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.commissioning import services
from coproduce.commissioning.models import Bid, Opportunity
from coproduce.commissioning.tests.builders import (
    bidder,
    draft_opportunity,
    moderate_all,
    officer,
    opened_evaluation,
    project_in_do,
    published_opportunity,
    score_all,
)
from coproduce.commissioning.tests.services.test_evaluation import CONSENSUS, SCORES

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded():
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    award = services.lot_award(lot=ev.lot, actor=ev.officer, reasons="Highest total", notice_published_on=dt.date(2026, 3, 2))
    contract = services.contract_create(award=award, actor=ev.officer, start_date=dt.date(2026, 4, 1),
                                        kpis=[{"name": "Sessions a week", "unit": "sessions", "target": 3}],
                                        today=dt.date(2026, 3, 12))
    ev.award, ev.contract = award, contract
    return ev


def test_public_pages(client, awarded):
    ev = awarded
    opportunity = ev.opportunity
    for url in [
        reverse("commissioning:index"),
        reverse("commissioning:index") + "?stage=do",
        reverse("commissioning:index") + "?stage=nonsense",
        ev.opportunity.project.get_absolute_url(),
        reverse("commissioning:opportunity_list"),
        opportunity.get_absolute_url(),
        reverse("commissioning:contract_list"),
        ev.contract.get_absolute_url(),
        reverse("commissioning:thresholds"),
        reverse("commissioning:thresholds") + "?value=210000&service_type=services&on_date-day=1&on_date-month=2&on_date-year=2026",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Alpha Co-op" in page  # awarded to
    assert "Highest total" in page
    assert "180,000" not in page  # bid prices are never on the public page
    calc = client.get(reverse("commissioning:thresholds") + "?value=210000&service_type=services"
                      "&on_date-day=1&on_date-month=2&on_date-year=2026").content.decode()
    assert "Above threshold (public contract)" in calc


def test_threshold_calculator_bad_input_gets_a_message(client):
    page = client.get(reverse("commissioning:thresholds") + "?value=lots&service_type=services").content.decode()
    assert "There is a problem" in page
    assert "must be an amount of money" in page


def test_officer_pages(client, awarded):
    ev = awarded
    sign_in(client, ev.officer)
    ref, n = ev.opportunity.reference, ev.lot.number
    project = ev.opportunity.project
    for url in [
        reverse("commissioning:project_create"),
        reverse("commissioning:opportunity_panel", args=[ref]),
        reverse("commissioning:lot_results", args=[ref, n]),
        reverse("commissioning:lot_tender_file", args=[ref, n]),
        project.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
    results = client.get(reverse("commissioning:lot_results", args=[ref, n])).content.decode()
    assert "75.0000" in results and "Failed a gate" in results


def test_tender_file_download_is_the_cli_format(client, awarded):
    from coproduce.commissioning.scoring import evaluate, tender_from_json

    sign_in(client, awarded.officer)
    body = client.get(reverse("commissioning:lot_tender_file", args=[awarded.opportunity.reference, 1])).content.decode()
    ranking = evaluate(tender_from_json(body)).ranking
    assert [r.bidder for r in ranking] == ["Alpha Co-op", "Beta CIC", "Gamma Trust"]


def test_project_pages_for_officers(client):
    boss = officer()
    project = project_in_do(boss)
    sign_in(client, boss)
    for name in ["project_stage", "co_designer_add"]:
        assert client.get(reverse(f"commissioning:{name}", args=[project.slug])).status_code == 200
    assert client.get(reverse("commissioning:opportunity_create", args=[project.slug])).status_code == 200
    page = client.get(project.get_absolute_url()).content.decode()
    assert "A provider making VAT-exempt supplies" in page and "£104,000.00" in page


def test_plan_pages_in_plan_stage(client):
    from coproduce.commissioning.tests.builders import project_in_plan

    boss = officer()
    project = project_in_plan(boss)
    sign_in(client, boss)
    for name in ["project_analysis", "project_plan", "project_route", "outcome_add", "option_add"]:
        assert client.get(reverse(f"commissioning:{name}", args=[project.slug])).status_code == 200, name


def test_project_create_through_the_form(client):
    boss = officer()
    sign_in(client, boss)
    response = client.post(reverse("commissioning:project_create"), {
        "title": "Lunch club", "summary": "Hot meals", "service_area": "care", "service_type": "light-touch", "ward": ""})
    assert response.status_code == 302
    response = client.post(reverse("commissioning:project_create"), {"title": "", "service_area": "care"})
    assert "Enter a title" in response.content.decode()


def test_setup_page_shows_why_it_cannot_be_published_and_publish_refuses(client):
    from decimal import Decimal

    boss = officer()
    opportunity = draft_opportunity(project_in_do(boss), boss, price_weight=Decimal(40))
    sign_in(client, boss)
    page = client.get(reverse("commissioning:opportunity_setup", args=[opportunity.reference])).content.decode()
    assert "The weights must add up to 100 points" in page
    response = client.post(reverse("commissioning:opportunity_publish", args=[opportunity.reference]), follow=True)
    assert "The weights must add up to 100 points" in response.content.decode()
    assert Opportunity.objects.get(pk=opportunity.pk).status == "draft"
    assert client.get(reverse("commissioning:opportunity_edit", args=[opportunity.reference])).status_code == 200


def test_criterion_form_error_is_shown_and_nothing_added(client):
    boss = officer()
    opportunity = draft_opportunity(project_in_do(boss), boss, criteria=())
    sign_in(client, boss)
    response = client.post(reverse("commissioning:criterion_add", args=[opportunity.reference]),
                           {"kind": "quality", "question": "Q", "weight": "150"})
    assert response.status_code == 200
    assert "must be 100 or less" in response.content.decode()
    assert not opportunity.criteria.exists()


def test_bidder_pages_and_late_bid_message(client):
    opportunity = published_opportunity()
    user, organisation = bidder()
    sign_in(client, user)
    assert client.get(reverse("commissioning:bid_start", args=[opportunity.reference])).status_code == 200
    response = client.post(reverse("commissioning:bid_start", args=[opportunity.reference]),
                           {"organisation": organisation.pk, "lot": opportunity.lots.first().pk})
    bid = Bid.objects.get()
    assert response.url == reverse("commissioning:bid_edit", args=[bid.pk])
    assert client.get(response.url).status_code == 200
    data = {"price": "150,000", "social_value_commitment": "Two apprentices", "local_jobs_fte": "2",
            **{f"answer_{c.pk}": "Our answer" for c in opportunity.criteria.all()}, "submit": "1"}
    Opportunity.objects.filter(pk=opportunity.pk).update(deadline=opportunity.deadline.replace(year=2000))
    page = client.post(reverse("commissioning:bid_edit", args=[bid.pk]), data).content.decode()
    assert "Late bids cannot be accepted" in page
    bid.refresh_from_db()
    assert bid.status == "draft" and bid.price_pence is None
    assert client.get(reverse("commissioning:bid_list")).status_code == 200


def test_evaluator_and_moderator_pages(client):
    ev = opened_evaluation(evaluators=1)
    person = ev.evaluators[0]
    assignment = ev.assignments[person.pk]
    sign_in(client, person)
    assert client.get(reverse("commissioning:evaluation_list")).status_code == 200
    assert client.get(reverse("commissioning:evaluation_lot", args=[assignment.pk])).status_code == 200
    bid = ev.bids["Beta CIC"]
    page = client.get(reverse("commissioning:evaluation_score", args=[assignment.pk, bid.pk])).content.decode()
    assert "Beta CIC answers Q1" in page and "150,000" not in page  # evaluators are blind to price
    client.logout()
    sign_in(client, ev.moderator)
    assert client.get(reverse("commissioning:moderation", args=[ev.opportunity.reference, 1])).status_code == 200


def test_assessment_summary_for_a_losing_bidder(client, awarded):
    beta = awarded.bids["Beta CIC"]
    writer = beta.organisation.memberships.first().user
    sign_in(client, writer)
    page = client.get(reverse("commissioning:assessment_summary", args=[beta.pk])).content.decode()
    assert "was not successful" in page and "72.0000" in page and "Panel agreed 3 for Q1" in page
