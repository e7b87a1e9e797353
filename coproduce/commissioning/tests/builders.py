"""Build commissioning situations for tests, always through the services (as people would)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from coproduce.accounts.tests.factories import EvaluatorFactory, OfficerFactory, ProviderUserFactory
from coproduce.commissioning import services
from coproduce.commissioning.models import (
    CommissioningProject,
    Criterion,
    CriterionKind,
    Lot,
    Opportunity,
    PanelAssignment,
)
from coproduce.organisations.models import LegalForm, Membership, VatStatus
from coproduce.organisations.tests.factories import MembershipFactory, OrganisationFactory

D = Decimal


def officer(**kw):
    return OfficerFactory(**kw)


def evaluator(**kw):
    return EvaluatorFactory(**kw)


def bidder(*, name: str | None = None, legal_form: str = LegalForm.COOPERATIVE_SOCIETY,
           vat_status: str = VatStatus.NOT_REGISTERED, role: str = Membership.MemberRole.BID_WRITER):
    """A provider user who writes bids for a new organisation: returns (user, organisation)."""
    extra = {"name": name} if name else {}
    if vat_status == VatStatus.REGISTERED:
        extra["vat_number"] = "GB980780684"
    organisation = OrganisationFactory(legal_form=legal_form, vat_status=vat_status, **extra)
    user = ProviderUserFactory()
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user, organisation


def project_in_plan(actor, *, title: str = "Evening youth sessions", service_type: str = "services",
                    value_pence: int = 24_000_000, term_months: int = 24) -> CommissioningProject:
    project = services.project_create(actor=actor, title=title, summary="Somewhere safe for teenagers in the evening.",
                                      service_area="youth")
    services.project_update_analysis(project=project, actor=actor,
                                     needs_assessment="Residents and youth workers report nowhere to go after 6pm.")
    services.project_advance(project=project, actor=actor, to_stage="plan", decision="Need and mandate agreed by cabinet member.")
    services.project_update_plan(
        project=project, actor=actor, service_type=service_type, estimated_value_pence=value_pence, term_months=term_months,
        procurement_start=None, specification="Three evening sessions a week in each ward.",
        procurement_plan="One lot, open competition.", conflicts_assessment="Panel members declare interests per lot.",
    )
    services.outcome_add(project=project, actor=actor, statement="Young people feel safer", measure="Survey: feel safe (%)",
                         target="70%")
    project.refresh_from_db()
    return project


def project_in_do(actor, *, option: str = "contract", route: str = "open", **kw) -> CommissioningProject:
    project = project_in_plan(actor, **kw)
    chosen = services.option_add(project=project, actor=actor, kind=option, summary="Contract a provider after competition.",
                                 staff_cost_pence=8_000_000, vatable_cost_pence=2_000_000)
    services.option_prefer(option=chosen, actor=actor, reasons="Best value and residents preferred it.")
    services.project_choose_route(project=project, actor=actor, route=route)
    project.refresh_from_db()
    services.project_advance(project=project, actor=actor, to_stage="do", decision="Plan agreed; procure.")
    project.refresh_from_db()
    return project


#: (kind, weight, gate_min): price 30 + Q1 30 + Q2 30 + SV1 10 = 100, SV1 must score at least 2.
STANDARD_CRITERIA = (
    (CriterionKind.QUALITY, D(30), None),
    (CriterionKind.QUALITY, D(30), None),
    (CriterionKind.SOCIAL_VALUE, D(10), 2),
    (CriterionKind.PASS_FAIL, D(0), None),
)


def draft_opportunity(project, actor, *, criteria=STANDARD_CRITERIA, lots: int = 1, deadline=None, **fields) -> Opportunity:
    fields.setdefault("estimate_pence", 17_000_000)
    fields.setdefault("price_weight", D(30))
    opportunity = services.opportunity_create(project=project, actor=actor, title="Evening youth sessions",
                                              summary="We want evening sessions for 13 to 19 year olds.")
    services.opportunity_update(opportunity=opportunity, actor=actor,
                                deadline=deadline or timezone.now() + dt.timedelta(days=14), **fields)
    for n in range(lots):
        services.lot_add(opportunity=opportunity, actor=actor, title=f"Area {n + 1}")
    for kind, weight, gate in criteria:
        services.criterion_add(opportunity=opportunity, actor=actor, kind=kind, question=f"A {kind} question",
                               weight=weight, gate_min=gate)
    opportunity.refresh_from_db()
    return opportunity


def published_opportunity(actor=None, **kw) -> Opportunity:
    actor = actor or officer()
    project_kw = {k: kw.pop(k) for k in ("service_type", "value_pence", "term_months", "route", "option") if k in kw}
    opportunity = draft_opportunity(project_in_do(actor, **project_kw), actor, **kw)
    services.opportunity_publish(opportunity=opportunity, actor=actor)
    opportunity.refresh_from_db()
    return opportunity


def submit_bid(opportunity, *, user, organisation, price_pounds, lot=None, charges_vat=False, now=None):
    lot = lot or opportunity.lots.first()
    bid = services.bid_start(opportunity=opportunity, lot=lot, organisation=organisation, actor=user, now=now)
    answers = {c.pk: f"{organisation.name} answers {c.code}" for c in opportunity.criteria.all()}
    services.bid_save(bid=bid, actor=user, price_pence=int(price_pounds * 100), charges_vat=charges_vat,
                      social_value_commitment="Two local apprentices", local_jobs_fte=D("2.5"), answers=answers, now=now)
    services.bid_submit(bid=bid, actor=user, now=now)
    bid.refresh_from_db()
    return bid


def after_deadline(opportunity) -> dt.datetime:
    return opportunity.deadline + dt.timedelta(minutes=1)


@dataclass
class Evaluation:
    opportunity: Opportunity
    lot: Lot
    officer: object
    moderator: object
    evaluators: list
    bids: dict = field(default_factory=dict)
    assignments: dict = field(default_factory=dict)

    def criterion(self, code: str) -> Criterion:
        return self.opportunity.criteria.get(code=code)


def opened_evaluation(*, prices=None, aggregation: str = "consensus", evaluators: int = 2, **kw) -> Evaluation:
    """Published, three bids (A 180k, B 150k, C 200k by default), opened, panel set up and declared clear."""
    boss = officer()
    opportunity = published_opportunity(boss, aggregation=aggregation, **kw)
    lot = opportunity.lots.first()
    prices = prices or {"Alpha Co-op": 180_000, "Beta CIC": 150_000, "Gamma Trust": 200_000}
    bids = {}
    for name, price in prices.items():
        user, organisation = bidder(name=name)
        bids[name] = submit_bid(opportunity, user=user, organisation=organisation, price_pounds=price)
    services.opportunity_open_bids(opportunity=opportunity, actor=boss, now=after_deadline(opportunity))
    opportunity.refresh_from_db()
    moderator = officer()
    services.panel_member_add(opportunity=opportunity, actor=boss, user=moderator, lots=[lot], is_moderator=True)
    people = [evaluator() for _ in range(evaluators)]
    result = Evaluation(opportunity, lot, boss, moderator, people, bids)
    for person in [moderator, *people]:
        services.panel_member_add(opportunity=opportunity, actor=boss, user=person, lots=[lot])
        assignment = PanelAssignment.objects.get(member__user=person, lot=lot)
        services.conflict_declare(assignment=assignment, actor=person, has_conflict=False)
        result.assignments[person.pk] = assignment
    for bid in bids.values():
        bid.refresh_from_db()
    return result


def score_all(ev: Evaluation, table: dict[str, dict[str, list[int]]]) -> None:
    """table: bidder → criterion code → one score per evaluator (in ev.evaluators order); then submit."""
    for index, person in enumerate(ev.evaluators):
        assignment = ev.assignments[person.pk]
        for name, by_code in table.items():
            scores = {ev.criterion(code).pk: (values[index], f"Evidence for {code}") for code, values in by_code.items()}
            services.evaluator_score_bid(assignment=assignment, bid=ev.bids[name], actor=person, scores=scores)
        services.evaluator_submit_scores(assignment=assignment, actor=person)


def moderate_all(ev: Evaluation, consensus: dict[str, dict[str, int]], passed: dict[str, bool] | None = None) -> None:
    passed = passed or {}
    for name, by_code in consensus.items():
        for code, score in by_code.items():
            services.moderation_record(bid=ev.bids[name], criterion=ev.criterion(code), actor=ev.moderator, score=score,
                                       reason=f"Panel agreed {score} for {code}")
    for name in ev.bids:
        for criterion in ev.opportunity.criteria.filter(kind=CriterionKind.PASS_FAIL):
            services.moderation_record(bid=ev.bids[name], criterion=criterion, actor=ev.moderator,
                                       passed=passed.get(name, True), reason="Insurance certificate checked")
