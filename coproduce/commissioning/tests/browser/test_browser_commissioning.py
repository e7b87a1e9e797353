"""Real Chromium with axe-core: publish an opportunity, bid, declare and score, moderate, award."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from coproduce.accounts.testing import sign_in
from coproduce.commissioning import services
from coproduce.commissioning.models import Bid, Contract, EvaluatorScore, LotEvaluation, Opportunity
from coproduce.commissioning.tests.builders import (
    CriterionKind,
    D,
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
from coproduce.core.testing import assert_accessible

# serialized_rollback: the thresholds and bank holidays seeded by migration 0002 survive the flush
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _sign_in(page, site_url, user):
    client = sign_in(Client(), user)  # staff also pass the second factor, as after entering a TOTP code
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site_url}])


def test_officer_publishes_after_fixing_the_weights(watched_page, site_url):
    page = watched_page
    boss = officer()
    criteria = ((CriterionKind.QUALITY, D(30), None), (CriterionKind.QUALITY, D(30), None))
    opportunity = draft_opportunity(project_in_do(boss), boss, criteria=criteria)
    _sign_in(page, site_url, boss)
    page.goto(f"{site_url}/commissioning/opportunities/{opportunity.reference}/setup/")
    assert "The weights must add up to 100 points: price 30.00 + questions 60.00 = 90.00." in page.content()
    assert "Social value must weigh at least 10 points" in page.content()
    assert page.get_by_role("button", name="Publish the opportunity").count() == 0
    assert_accessible(page)
    # Add the social value question, first with a weight that is not a number.
    page.get_by_label("Social value").check()
    page.get_by_label("Question", exact=True).fill("What will you do for the area?")
    page.get_by_label("Weight (points out of 100)").fill("ten")
    page.get_by_role("button", name="Add the question").click()
    assert "must be a number" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Weight (points out of 100)").fill("10")
    page.get_by_role("button", name="Add the question").click()
    page.get_by_role("button", name="Publish the opportunity").click()
    assert page.locator("h1").inner_text() == opportunity.title
    assert "Open for bids" in page.content()
    assert_accessible(page)
    assert Opportunity.objects.get(pk=opportunity.pk).status == "published"


def test_provider_bids_and_sees_what_is_missing(watched_page, site_url):
    page = watched_page
    opportunity = published_opportunity()
    user, organisation = bidder(name="Riverside Youth Co-operative")
    _sign_in(page, site_url, user)
    page.goto(f"{site_url}/commissioning/opportunities/{opportunity.reference}/")
    assert_accessible(page)
    page.get_by_role("button", name="Bid for this opportunity").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start the bid").click()
    assert "sealed" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Submit the bid").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter your price." in summary and "Answer question Q1." in summary
    assert_accessible(page)
    bid = Bid.objects.get()
    assert bid.status == "draft" and bid.price_pence is None  # nothing saved by the refused submission
    page.get_by_label("Your price for the whole term, before VAT").fill("150,000")
    for criterion in opportunity.criteria.all():
        page.locator(f"textarea[name='answer_{criterion.pk}']").fill(f"Our answer to {criterion.code}")
    page.get_by_role("button", name="Submit the bid").click()
    assert page.locator("h1").inner_text() == "Your organisation's bids"
    assert_accessible(page)
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.price_pence == 15_000_000


def test_evaluator_declares_then_scores(watched_page, site_url):
    page = watched_page
    ev = opened_evaluation(evaluators=1)
    person = ev.evaluators[0]
    # a fresh seat: not declared yet
    from coproduce.accounts.tests.factories import EvaluatorFactory
    from coproduce.commissioning.models import PanelAssignment

    newcomer = EvaluatorFactory()
    services.panel_member_add(opportunity=ev.opportunity, actor=ev.officer, user=newcomer, lots=[ev.lot])
    seat = PanelAssignment.objects.get(member__user=newcomer)
    assert person != newcomer
    _sign_in(page, site_url, newcomer)
    page.goto(f"{site_url}/commissioning/evaluations/")
    assert_accessible(page)
    page.get_by_role("link", name=f"{ev.opportunity.title}, {ev.lot}").click()
    assert "Beta CIC" in page.content()  # who bid, to declare against
    assert "Beta CIC answers" not in page.content()  # but not what they wrote
    page.get_by_role("button", name="Record my declaration").click()
    assert "Select whether you have a conflict of interest" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Record my declaration").click()
    assert_accessible(page)
    page.get_by_role("link", name="Beta CIC").click()
    assert "Beta CIC answers Q1" in page.content()
    assert_accessible(page)
    q1, q2, sv = (ev.criterion(code).pk for code in ("Q1", "Q2", "SV1"))
    page.check(f"input[name='score_{q1}'][value='4']")
    page.get_by_role("button", name="Save my scores").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Select a score for Q2" in summary and "Give the reason for your Q1 score" in summary
    assert_accessible(page)
    assert not EvaluatorScore.objects.filter(assignment=seat).exists()
    for pk, value in ((q1, 4), (q2, 3), (sv, 3)):
        page.check(f"input[name='score_{pk}'][value='{value}']")
        page.locator(f"textarea[name='rationale_{pk}']").fill("Evidence from their youth club work.")
    page.get_by_role("button", name="Save my scores").click()
    assert "Your scores for this bid are saved." in page.content()
    assert EvaluatorScore.objects.filter(assignment=seat).count() == 3


def test_moderator_agrees_scores_and_ranks(watched_page, site_url):
    page = watched_page
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, {k: v for k, v in CONSENSUS.items() if k != "Beta CIC"})
    beta = ev.bids["Beta CIC"]
    _sign_in(page, site_url, ev.moderator)
    page.goto(f"{site_url}/commissioning/opportunities/{ev.opportunity.reference}/lots/1/moderate/")
    assert "Discuss" in page.content()  # Beta's Q2 scores are 2 and 4
    assert_accessible(page)
    form = page.locator("form", has=page.locator(f"input[name='bid'][value='{beta.pk}']"))
    form.get_by_role("button").click()
    assert "Select the agreed score for Q1" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    form = page.locator("form", has=page.locator(f"input[name='bid'][value='{beta.pk}']"))
    for code, score in CONSENSUS["Beta CIC"].items():
        pk = ev.criterion(code).pk
        form.locator(f"input[name='bid{beta.pk}-score_{pk}'][value='{score}']").check()
        form.locator(f"textarea[name='bid{beta.pk}-reason_{pk}']").fill("Agreed after discussion.")
    pf = ev.criterion("PF1").pk
    form.locator(f"input[name='bid{beta.pk}-passed_{pf}'][value='pass']").check()
    form.locator(f"textarea[name='bid{beta.pk}-reason_{pf}']").fill("Certificate seen.")
    form.get_by_role("button").click()
    assert "Agreed results saved for Beta CIC." in page.content()
    page.get_by_role("button", name="Finish moderation and rank the bids").click()
    assert page.locator("h1").inner_text().startswith("Results")
    assert "75.0000" in page.content() and "Failed a gate" in page.content()
    assert_accessible(page)
    assert LotEvaluation.objects.get(lot=ev.lot).status == "moderated"


def test_officer_awards_and_enters_into_the_contract(watched_page, site_url):
    page = watched_page
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    _sign_in(page, site_url, ev.officer)
    page.goto(f"{site_url}/commissioning/opportunities/{ev.opportunity.reference}/lots/1/results/")
    assert_accessible(page)
    page.get_by_role("button", name="Award this lot").click()
    assert "Alpha Co-op" in page.content()
    page.get_by_role("button", name="Record the award decision").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the reasons for the award" in summary and "Enter the notice date" in summary
    assert_accessible(page)
    page.get_by_label("Reasons for the award decision").fill("Highest total and the strongest plan with young people.")
    today = dt.date.today()
    page.get_by_label("Day", exact=True).fill(str(today.day))
    page.get_by_label("Month", exact=True).fill(str(today.month))
    page.get_by_label("Year", exact=True).fill(str(today.year))
    page.get_by_role("button", name="Record the award decision").click()
    assert "The standstill ends on" in page.content()
    assert_accessible(page)
    award = ev.lot.award.__class__.objects.get(lot=ev.lot)
    assert award.bid == ev.bids["Alpha Co-op"]
    # the contract waits for the standstill: the form says so and creates nothing
    page.get_by_role("button", name="Enter into the contract").click()
    assert_accessible(page)
    page.get_by_label("KPI 1: what is measured").fill("Young people attending each week")
    page.get_by_label("KPI 1: unit").fill("people")
    page.get_by_label("KPI 1: target").fill("120")
    page.get_by_role("button", name="Create the contract").click()
    assert "The standstill period ends on" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    assert not Contract.objects.exists()
