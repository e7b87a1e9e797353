"""Panel, declarations, independent scores, moderation, results, award, standstill and contract.

The numbers are worked by hand (criteria: price 30, Q1 30, Q2 30, SV1 10 with a minimum of 2,
PF1 pass/fail; estimate £170,000, abnormally low more than 15% below it):

  Alpha £180,000: Q1 4, Q2 3, SV1 4 → 24 + 18 + 8 = 50; price 30 × 150,000/180,000 = 25 → 75
  Beta  £150,000: Q1 3, Q2 3, SV1 3 → 18 + 18 + 6 = 42; price 30                          → 72
  Gamma £200,000: Q1 5, Q2 4, SV1 1 → fails the SV1 minimum of 2, ranked last (56 + 22.5 = 78.5)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.commissioning import scoring, services
from coproduce.commissioning.models import (
    BidResult,
    Contract,
    EvaluatorScore,
    LotEvaluation,
    ModeratedScore,
    PanelAssignment,
)
from coproduce.commissioning.selectors import bid_list_for_lot, may_see_bids
from coproduce.commissioning.tests.builders import (
    evaluator,
    moderate_all,
    officer,
    opened_evaluation,
    score_all,
)

pytestmark = pytest.mark.django_db
D = Decimal

SCORES = {  # two evaluators each
    "Alpha Co-op": {"Q1": [4, 3], "Q2": [3, 3], "SV1": [4, 4]},
    "Beta CIC": {"Q1": [3, 3], "Q2": [2, 4], "SV1": [3, 3]},
    "Gamma Trust": {"Q1": [5, 5], "Q2": [4, 4], "SV1": [1, 2]},
}
CONSENSUS = {
    "Alpha Co-op": {"Q1": 4, "Q2": 3, "SV1": 4},
    "Beta CIC": {"Q1": 3, "Q2": 3, "SV1": 3},
    "Gamma Trust": {"Q1": 5, "Q2": 4, "SV1": 1},
}


def moderated():
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator, notes="Met on 3 March")
    return ev


def test_results_match_the_hand_worked_example():
    ev = moderated()
    rows = {r.bid.organisation.name: r for r in BidResult.objects.select_related("bid__organisation")}
    assert (rows["Alpha Co-op"].rank, rows["Alpha Co-op"].total) == (1, D("75.0000"))
    assert rows["Alpha Co-op"].price_score == D("25.0000")
    assert (rows["Beta CIC"].rank, rows["Beta CIC"].total, rows["Beta CIC"].quality_score) == (2, D("72.0000"), D("42.0000"))
    assert rows["Gamma Trust"].rank == 3 and rows["Gamma Trust"].passed_gates is False
    assert rows["Gamma Trust"].total == D("78.5000")
    assert "failed-gate:SV1" in rows["Gamma Trust"].flags
    # Beta's Q2 evaluators gave 2 and 4: a spread of 2 points is flagged for the moderation record.
    assert "spread:Q2" in rows["Beta CIC"].flags
    assert rows["Alpha Co-op"].criteria["Q1"] == {"score": "4.0000", "weighted": "24.0000"}
    evaluation = LotEvaluation.objects.get(lot=ev.lot)
    assert evaluation.status == "moderated" and len(evaluation.inputs_hash) == 64
    entry = AuditEntry.objects.get(action="commissioning.lot.moderated")
    assert entry.public and entry.data["inputs_sha256"] == evaluation.inputs_hash


def test_web_results_equal_the_command_line_on_the_exported_file():
    ev = moderated()
    tender = services.lot_tender(ev.lot)
    file_result = scoring.evaluate(scoring.tender_from_json(scoring.dumps(scoring.tender_as_dict(tender))))
    stored = {r.bid.organisation.name: r for r in BidResult.objects.select_related("bid__organisation")}
    for row in file_result.ranking:
        assert stored[row.bidder].total == scoring.four_places(row.total)
        assert stored[row.bidder].rank == row.rank


def test_evaluator_must_declare_before_scoring_and_seeing_bids():
    ev = opened_evaluation(evaluators=1)
    late = evaluator()
    services.panel_member_add(opportunity=ev.opportunity, actor=ev.officer, user=late, lots=[ev.lot])
    assignment = PanelAssignment.objects.get(member__user=late)
    assert may_see_bids(user=late, lot=ev.lot) is False
    bid = ev.bids["Alpha Co-op"]
    with pytest.raises(ValidationError, match="Declare whether you have a conflict"):
        services.evaluator_score_bid(assignment=assignment, bid=bid, actor=late, scores={})
    with pytest.raises(ValidationError) as error:
        services.conflict_declare(assignment=assignment, actor=late, has_conflict=None)
    assert error.value.message_dict == {"has_conflict": ["Select whether you have a conflict of interest"]}


def test_declared_conflict_removes_the_evaluator_from_the_lot():
    ev = opened_evaluation(evaluators=1)
    conflicted = evaluator()
    services.panel_member_add(opportunity=ev.opportunity, actor=ev.officer, user=conflicted, lots=[ev.lot])
    assignment = PanelAssignment.objects.get(member__user=conflicted)
    with pytest.raises(ValidationError, match="Describe the conflict"):
        services.conflict_declare(assignment=assignment, actor=conflicted, has_conflict=True, details="")
    services.conflict_declare(assignment=assignment, actor=conflicted, has_conflict=True, details="My sister runs Beta CIC")
    assert may_see_bids(user=conflicted, lot=ev.lot) is False
    with pytest.raises(Exception, match="cannot see the bids"):
        bid_list_for_lot(lot=ev.lot, user=conflicted)
    with pytest.raises(ValidationError, match="declared a conflict"):
        services.evaluator_score_bid(assignment=assignment, bid=ev.bids["Beta CIC"], actor=conflicted, scores={})
    with pytest.raises(ValidationError, match="removed from it"):
        services.conflict_declare(assignment=assignment, actor=conflicted, has_conflict=False)
    # the conflicted evaluator does not hold up moderation
    score_all(ev, {k: {c: v[:1] for c, v in s.items()} for k, s in SCORES.items()})
    assert services.moderation_problems(ev.lot) == []


def test_someone_else_cannot_declare_or_score_for_an_evaluator():
    ev = opened_evaluation(evaluators=1)
    person = ev.evaluators[0]
    intruder = evaluator()
    assignment = ev.assignments[person.pk]
    with pytest.raises(ValidationError, match="Only the evaluator"):
        services.evaluator_score_bid(assignment=assignment, bid=ev.bids["Beta CIC"], actor=intruder, scores={})


def test_evaluators_see_only_their_lots():
    ev = opened_evaluation(lots=2)
    lot2 = ev.opportunity.lots.get(number=2)
    person = ev.evaluators[0]
    assert may_see_bids(user=person, lot=ev.lot) is True
    assert may_see_bids(user=person, lot=lot2) is False
    with pytest.raises(Exception, match="cannot see the bids"):
        bid_list_for_lot(lot=lot2, user=person)


def test_score_outside_the_scale_or_without_reason_is_refused_and_nothing_saved():
    ev = opened_evaluation(evaluators=1)
    person = ev.evaluators[0]
    assignment = ev.assignments[person.pk]
    q1, q2, sv = (ev.criterion(c).pk for c in ("Q1", "Q2", "SV1"))
    with pytest.raises(ValidationError) as error:
        services.evaluator_score_bid(assignment=assignment, bid=ev.bids["Beta CIC"], actor=person,
                                     scores={q1: (6, "great"), q2: (3, ""), sv: (None, "")})
    assert error.value.message_dict == {
        f"score_{q1}": ["The score for Q1 must be on the scale 0 to 5"],
        f"rationale_{q2}": ["Give the reason for your Q2 score, with evidence from the bid"],
        f"score_{sv}": ["Enter a score for SV1"],
    }
    assert not EvaluatorScore.objects.exists()


def test_scores_are_final_once_submitted_and_submission_needs_every_score():
    ev = opened_evaluation(evaluators=1)
    person = ev.evaluators[0]
    assignment = ev.assignments[person.pk]
    with pytest.raises(ValidationError, match=r"Score every question of every bid before you submit \(0 of 9 done\)"):
        services.evaluator_submit_scores(assignment=assignment, actor=person)
    score_all(ev, {k: {c: v[:1] for c, v in s.items()} for k, s in SCORES.items()})
    with pytest.raises(ValidationError, match="can no longer change"):
        services.evaluator_score_bid(assignment=assignment, bid=ev.bids["Beta CIC"], actor=person,
                                     scores={ev.criterion("Q1").pk: (1, "changed my mind")})


def test_moderation_waits_for_every_evaluator_and_only_the_moderator_moderates():
    ev = opened_evaluation(evaluators=2)
    bid, q1 = ev.bids["Beta CIC"], ev.criterion("Q1")
    with pytest.raises(ValidationError, match="has not submitted their scores yet"):
        services.moderation_record(bid=bid, criterion=q1, actor=ev.moderator, score=3, reason="Agreed")
    score_all(ev, SCORES)
    with pytest.raises(ValidationError, match="Only the panel's moderator"):
        services.moderation_record(bid=bid, criterion=q1, actor=ev.evaluators[0], score=3, reason="Agreed")
    with pytest.raises(ValidationError, match="scale 0 to 5"):
        services.moderation_record(bid=bid, criterion=q1, actor=ev.moderator, score=7, reason="Agreed")
    with pytest.raises(ValidationError, match="Give the reason"):
        services.moderation_record(bid=bid, criterion=q1, actor=ev.moderator, score=3, reason=" ")
    assert not ModeratedScore.objects.exists()


def test_moderation_cannot_complete_with_a_missing_consensus_score():
    ev = opened_evaluation()
    score_all(ev, SCORES)
    partial = {k: dict(v) for k, v in CONSENSUS.items()}
    del partial["Beta CIC"]["Q2"]
    moderate_all(ev, partial)
    with pytest.raises(ValidationError) as error:
        services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    assert error.value.messages == ["Agree the Q2 result for Beta CIC."]
    assert not BidResult.objects.exists()
    assert LotEvaluation.objects.get(lot=ev.lot).status == "scoring"


def test_mean_aggregation_uses_the_evaluators_scores():
    ev = opened_evaluation(aggregation="mean")
    score_all(ev, SCORES)
    with pytest.raises(ValidationError, match="uses the mean"):
        services.moderation_record(bid=ev.bids["Beta CIC"], criterion=ev.criterion("Q1"), actor=ev.moderator, score=3, reason="x")
    moderate_all(ev, {})  # pass/fail results only
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    alpha = BidResult.objects.get(bid=ev.bids["Alpha Co-op"])
    # Alpha: Q1 mean (4+3)/2 = 3.5 → 3.5/5 × 30 = 21; Q2 3 → 18; SV1 4 → 8; quality 47; price 25 → 72
    assert alpha.quality_score == D("47.0000") and alpha.total == D("72.0000")
    gamma = BidResult.objects.get(bid=ev.bids["Gamma Trust"])
    # Gamma: SV1 mean (1+2)/2 = 1.5 < 2 → still fails the gate
    assert gamma.passed_gates is False


def test_failed_pass_fail_question_ranks_the_bid_last():
    ev = opened_evaluation()
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS, passed={"Alpha Co-op": False})
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    alpha = BidResult.objects.get(bid=ev.bids["Alpha Co-op"])
    assert alpha.passed_gates is False and "failed-gate:PF1" in alpha.flags
    assert BidResult.objects.get(rank=1).bid == ev.bids["Beta CIC"]


def test_award_computes_the_standstill_and_the_contract_waits_for_it():
    ev = moderated()
    award = services.lot_award(lot=ev.lot, actor=ev.officer, reasons="Highest total; strong youth work plan.",
                               notice_published_on=dt.date(2026, 12, 24))
    assert award.bid == ev.bids["Alpha Co-op"]
    assert award.standstill_mandatory and award.standstill_last_day == dt.date(2027, 1, 7)
    assert award.contract_from == dt.date(2027, 1, 8)
    ev.opportunity.refresh_from_db()
    assert ev.opportunity.status == "awarded"
    kpis = [{"name": "Young people attending each week", "unit": "people", "target": 120}]
    with pytest.raises(ValidationError, match="standstill period ends on 7 January 2027"):
        services.contract_create(award=award, actor=ev.officer, start_date=dt.date(2027, 2, 1), kpis=kpis,
                                 today=dt.date(2027, 1, 7))
    assert not Contract.objects.exists()
    with pytest.raises(ValidationError, match="at least 1 KPI"):
        services.contract_create(award=award, actor=ev.officer, start_date=dt.date(2027, 2, 1), kpis=[], today=dt.date(2027, 1, 8))
    contract = services.contract_create(award=award, actor=ev.officer, start_date=dt.date(2027, 2, 1), kpis=kpis,
                                        today=dt.date(2027, 1, 8))
    assert contract.value_pence == 18_000_000 and contract.cost_to_council_pence == 18_000_000
    assert contract.end_date == dt.date(2029, 1, 31)  # 24 months from 1 February 2027
    assert [k.name for k in contract.kpis.all()] == ["Young people attending each week"]
    assert AuditEntry.objects.filter(action="commissioning.contract.created", public=True).exists()


def test_award_needs_reasons_and_moderation():
    ev = opened_evaluation()
    with pytest.raises(ValidationError, match="Finish moderation"):
        services.lot_award(lot=ev.lot, actor=ev.officer, reasons="x", notice_published_on=dt.date(2026, 3, 2))
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    with pytest.raises(ValidationError) as error:
        services.lot_award(lot=ev.lot, actor=ev.officer, reasons="", notice_published_on=dt.date(2026, 3, 2))
    assert error.value.message_dict == {"reasons": ["Enter the reasons for the award decision"]}


def test_abnormally_low_winner_needs_a_recorded_explanation():
    ev = opened_evaluation(prices={"Alpha Co-op": 180_000, "Beta CIC": 120_000, "Gamma Trust": 200_000})
    score_all(ev, SCORES)
    moderate_all(ev, CONSENSUS)
    services.lot_moderation_complete(lot=ev.lot, actor=ev.moderator)
    # Beta: 120,000 < 144,500 → abnormally low; 42 + 30 = 72 vs Alpha 50 + 30 × 120/180 = 70 → Beta wins
    beta = BidResult.objects.get(bid=ev.bids["Beta CIC"])
    assert beta.rank == 1 and "abnormally-low" in beta.flags
    with pytest.raises(ValidationError, match="s.34"):
        services.lot_award(lot=ev.lot, actor=ev.officer, reasons="Best", notice_published_on=dt.date(2026, 3, 2))
    award = services.lot_award(lot=ev.lot, actor=ev.officer, reasons="Best", notice_published_on=dt.date(2026, 3, 2),
                               abnormally_low_explanation="Volunteers deliver a third of the sessions; costed plan seen.")
    assert award.standstill_last_day == dt.date(2026, 3, 11)


def test_vat_charged_by_a_registered_bidder_counts_when_the_council_cannot_recover_it():
    from coproduce.commissioning.tests.builders import bidder, published_opportunity, submit_bid
    from coproduce.organisations.models import VatStatus

    boss = officer()
    opportunity = published_opportunity(boss, vat_recovery_percent=D(0))
    user, organisation = bidder(vat_status=VatStatus.REGISTERED)
    bid = submit_bid(opportunity, user=user, organisation=organisation, price_pounds=100_000, charges_vat=True)
    # price 100,000 + VAT 20,000, none recovered → the council pays 120,000
    assert services._evaluated_price(bid, opportunity) == 12_000_000


def test_residents_need_the_evaluator_role_and_bidders_cannot_sit():
    from coproduce.accounts.tests.factories import ResidentFactory

    ev = opened_evaluation(evaluators=1)
    with pytest.raises(ValidationError, match="is not an evaluator"):
        services.panel_member_add(opportunity=ev.opportunity, actor=ev.officer, user=ResidentFactory(), lots=[ev.lot])
    from coproduce.commissioning.models import Bid

    writer = Bid.objects.first().organisation.memberships.first().user
    from coproduce.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=writer, role=Role.EVALUATOR)
    writer.__dict__.pop("_role_cache", None)
    with pytest.raises(ValidationError, match="belongs to a bidding organisation"):
        services.panel_member_add(opportunity=ev.opportunity, actor=ev.officer, user=writer, lots=[ev.lot])
