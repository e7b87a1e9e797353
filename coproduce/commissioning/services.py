"""Writes for commissioning. Keyword-only, atomic, validated, audited.

Bad input raises `django.core.exceptions.ValidationError` with a message a person can act on,
and nothing changes. Status changes follow the explicit transition maps below and leave an
append-only history row as well as an audit entry.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role
from coproduce.audit.services import audit_record
from coproduce.core.money import format_pence
from coproduce.organisations.models import LegalForm, Membership

from . import scoring, vat
from .models import (
    COMPETITIVE_ROUTES,
    Award,
    Bid,
    BidAnswer,
    BidResult,
    BidStatus,
    BidStatusChange,
    Clarification,
    CoDesigner,
    CommissioningProject,
    Contract,
    ContractKpi,
    Criterion,
    CriterionKind,
    DeliveryOption,
    EvaluatorScore,
    Lot,
    LotEvaluation,
    ModeratedScore,
    Opportunity,
    OpportunityStatus,
    OpportunityStatusChange,
    PanelAssignment,
    PanelMember,
    ProjectOption,
    ProjectOutcome,
    Regime,
    Route,
    ServiceType,
    Stage,
    StageDecision,
)
from .selectors import is_opened, procurement_classify, standstill_compute

# ---------------------------------------------------------------------------------------------
# Transition maps

STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Stage.ANALYSE: frozenset({Stage.PLAN}),
    Stage.PLAN: frozenset({Stage.DO, Stage.ANALYSE}),
    Stage.DO: frozenset({Stage.REVIEW}),
    Stage.REVIEW: frozenset({Stage.ANALYSE}),  # recommission: the cycle starts again
}

OS = OpportunityStatus
OPPORTUNITY_TRANSITIONS: dict[str, frozenset[str]] = {
    OS.DRAFT: frozenset({OS.PUBLISHED, OS.CANCELLED}),
    OS.PUBLISHED: frozenset({OS.CLOSED, OS.CANCELLED}),
    OS.CLOSED: frozenset({OS.EVALUATION, OS.CANCELLED}),
    OS.EVALUATION: frozenset({OS.AWARDED, OS.CANCELLED}),
    OS.AWARDED: frozenset(),
    OS.CANCELLED: frozenset(),
}

BID_TRANSITIONS: dict[str, frozenset[str]] = {
    BidStatus.DRAFT: frozenset({BidStatus.SUBMITTED}),
    BidStatus.SUBMITTED: frozenset({BidStatus.DRAFT, BidStatus.OPENED}),  # withdraw to change it, or opened
    BidStatus.OPENED: frozenset(),
}

#: Artefacts are edited in Analyse and Plan; from Do the specification is what was published.
EDITABLE_STAGES = frozenset({Stage.ANALYSE, Stage.PLAN})
SOCIAL_VALUE_MINIMUM = Decimal(10)


def _label(user) -> str:
    return getattr(user, "public_label", None) or str(user)


def _text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _stage_editable(project: CommissioningProject) -> None:
    if project.stage not in EDITABLE_STAGES:
        raise ValidationError(
            _("This project is in the %(stage)s stage: its plans are fixed. Move it back to Analyse to change them.")
            % {"stage": project.get_stage_display()},
            code="locked",
        )


def _opportunity_to(opportunity: Opportunity, to: str, actor, note: str = "") -> None:
    if to not in OPPORTUNITY_TRANSITIONS[opportunity.status]:
        raise ValidationError(
            _("An opportunity that is “%(current)s” cannot become “%(new)s”.")
            % {"current": opportunity.get_status_display(), "new": OS(to).label},
            code="transition",
        )
    OpportunityStatusChange.objects.create(
        opportunity=opportunity, from_status=opportunity.status, to_status=to, note=note, changed_by=actor
    )
    opportunity.status = to


def _bid_to(bid: Bid, to: str, actor) -> None:
    if to not in BID_TRANSITIONS[bid.status]:
        raise ValidationError(_("This bid cannot change from %(current)s to %(new)s.")
                              % {"current": bid.get_status_display(), "new": BidStatus(to).label}, code="transition")
    BidStatusChange.objects.create(bid=bid, from_status=bid.status, to_status=to, changed_by=actor)
    bid.status = to


def _unique_slug(model, base: str, field: str = "slug", max_length: int = 200) -> str:
    base = (slugify(base) or "item")[:max_length]
    candidate, n = base, 2
    while model.objects.filter(**{field: candidate}).exists():
        candidate = f"{base[: max_length - 5]}-{n}"
        n += 1
    return candidate


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ---------------------------------------------------------------------------------------------
# Projects


@transaction.atomic
def project_create(*, actor, title: str, summary: str, service_area: str, ward=None, neighbourhood=None,
                   lead_officer=None, service_type: str = ServiceType.SERVICES, trust=None) -> CommissioningProject:
    title = _text(title, "title", _("Enter a title for the project"))
    project = CommissioningProject(
        title=title, slug=_unique_slug(CommissioningProject, title), summary=(summary or "").strip(),
        service_area=service_area, ward=ward, neighbourhood=neighbourhood, lead_officer=lead_officer or actor,
        service_type=service_type, created_by=actor,
    )
    project.trust = trust
    if neighbourhood is not None and ward is None:
        project.ward = neighbourhood.ward
    project.full_clean()
    project.save()
    audit_record(action="commissioning.project.created", summary=f"Commissioning project started: “{project.title}” ({project.place_name})",
                 actor=actor, target=project, data={"service_area": service_area}, public=True)
    return project


@transaction.atomic
def project_update_analysis(*, project: CommissioningProject, actor, needs_assessment: str, needs: Iterable = ()) -> None:
    project = CommissioningProject.objects.select_for_update().get(pk=project.pk)
    _stage_editable(project)
    needs = list(needs)
    not_accepted = [n for n in needs if n.status not in type(n).ACCEPTED]
    if not_accepted:
        raise ValidationError(
            {"needs": _("Only accepted needs can be linked: “%(title)s” is %(status)s.")
             % {"title": not_accepted[0].title, "status": not_accepted[0].get_status_display().lower()}},
            code="not_accepted",
        )
    project.needs_assessment = (needs_assessment or "").strip()
    project.full_clean()
    project.save(update_fields=["needs_assessment"])
    project.needs.set(needs)
    audit_record(action="commissioning.project.analysis_updated", summary=f"Needs assessment updated for “{project.title}”",
                 actor=actor, target=project, data={"needs": [n.pk for n in needs]}, public=True)


@transaction.atomic
def project_update_plan(*, project: CommissioningProject, actor, service_type: str, estimated_value_pence: int | None,
                        term_months: int | None, procurement_start: dt.date | None, specification: str,
                        procurement_plan: str, conflicts_assessment: str) -> None:
    project = CommissioningProject.objects.select_for_update().get(pk=project.pk)
    _stage_editable(project)
    if estimated_value_pence is not None and estimated_value_pence <= 0:
        raise ValidationError({"estimated_value": _("The estimated value must be more than £0")}, code="value")
    if term_months is not None and term_months < 1:
        raise ValidationError({"term_months": _("The term must be at least 1 month")}, code="term")
    project.service_type = service_type
    project.estimated_value_pence = estimated_value_pence
    project.term_months = term_months
    project.procurement_start = procurement_start
    project.specification = (specification or "").strip()
    project.procurement_plan = (procurement_plan or "").strip()
    project.conflicts_assessment = (conflicts_assessment or "").strip()
    if project.route and not _route_allowed(project, project.route):
        project.route = ""  # the new value or type no longer allows the chosen route
    project.full_clean()
    project.save()
    audit_record(action="commissioning.project.plan_updated", summary=f"Plan updated for “{project.title}”",
                 actor=actor, target=project, data={"value_pence": estimated_value_pence, "term_months": term_months,
                                                    "service_type": service_type}, public=True)


def project_classification(project: CommissioningProject):
    if not project.estimated_value_pence:
        return None
    return procurement_classify(
        value_pence=project.estimated_value_pence, on_date=project.procurement_start or timezone.localdate(),
        service_type=project.service_type, term_months=project.term_months,
    )


def _route_allowed(project: CommissioningProject, route: str) -> bool:
    classification = project_classification(project)
    return classification is not None and route in [r.value for r in classification.routes]


@transaction.atomic
def project_choose_route(*, project: CommissioningProject, actor, route: str) -> None:
    project = CommissioningProject.objects.select_for_update().get(pk=project.pk)
    _stage_editable(project)
    classification = project_classification(project)
    if classification is None:
        raise ValidationError({"route": _("Enter the estimated value first: the route depends on it.")}, code="no_value")
    allowed = [r.value for r in classification.routes]
    if route not in allowed:
        raise ValidationError(
            {"route": _("“%(route)s” is not allowed for this contract (%(regime)s). Choose one of: %(allowed)s.")
             % {"route": Route(route).label if route in Route.values else route,
                "regime": Regime(classification.regime.value).label,
                "allowed": ", ".join(str(Route(r).label) for r in allowed)}},
            code="route",
        )
    project.route = route
    project.save(update_fields=["route"])
    audit_record(action="commissioning.project.route_chosen", summary=f"Route for “{project.title}”: {Route(route).label}",
                 actor=actor, target=project, data={"route": route, "regime": classification.regime.value}, public=True)


@transaction.atomic
def outcome_add(*, project: CommissioningProject, actor, statement: str, measure: str, target: str = "",
                indicator=None) -> ProjectOutcome:
    _stage_editable(project)
    outcome = ProjectOutcome(project=project, statement=_text(statement, "statement", _("Enter the outcome")),
                             measure=_text(measure, "measure", _("Enter how the outcome will be measured")),
                             target=(target or "").strip(), indicator=indicator)
    outcome.full_clean()
    outcome.save()
    audit_record(action="commissioning.outcome.added", summary=f"Outcome added to “{project.title}”: {outcome.statement}",
                 actor=actor, target=project, public=True)
    return outcome


@transaction.atomic
def option_add(*, project: CommissioningProject, actor, kind: str, summary: str, staff_cost_pence: int = 0,
               vatable_cost_pence: int = 0, margin_percent: Decimal = Decimal(0)) -> ProjectOption:
    _stage_editable(project)
    if project.options.filter(kind=kind).exists():
        raise ValidationError({"kind": _("This option is already in the appraisal.")}, code="duplicate")
    if staff_cost_pence < 0 or vatable_cost_pence < 0:
        raise ValidationError({"staff_cost": _("Costs cannot be negative")}, code="negative")
    option = ProjectOption(project=project, kind=kind, summary=_text(summary, "summary", _("Describe the option")),
                           staff_cost_pence=staff_cost_pence, vatable_cost_pence=vatable_cost_pence,
                           margin_percent=margin_percent)
    option.full_clean()
    option.save()
    audit_record(action="commissioning.option.added",
                 summary=f"Option appraised for “{project.title}”: {option.get_kind_display()}",
                 actor=actor, target=project, data={"kind": kind}, public=True)
    return option


@transaction.atomic
def option_prefer(*, option: ProjectOption, actor, reasons: str) -> None:
    project = option.project
    _stage_editable(project)
    reasons = _text(reasons, "reasons", _("Enter why this option is preferred"))
    project.options.update(is_preferred=False)
    ProjectOption.objects.filter(pk=option.pk).update(is_preferred=True)
    project.delivery_option = option.kind
    project.save(update_fields=["delivery_option"])
    audit_record(action="commissioning.option.preferred",
                 summary=f"Preferred option for “{project.title}”: {option.get_kind_display()}",
                 actor=actor, target=project, data={"kind": option.kind, "reasons": reasons}, public=True)


def option_costs(option: ProjectOption, recovery: Fraction = Fraction(1)) -> tuple[vat.ModeCost, ...] | None:
    if option.staff_cost_pence + option.vatable_cost_pence == 0:
        return None
    return vat.delivery_costs(vat.ServiceCosts(
        staff=option.staff_cost_pence, vatable=option.vatable_cost_pence,
        margin=Fraction(option.margin_percent) / 100, recovery=recovery,
    ))


@transaction.atomic
def co_designer_add(*, project: CommissioningProject, actor, user, kind: str) -> CoDesigner:
    if project.stage == Stage.REVIEW:
        raise ValidationError(_("Co-designers join while the service is being analysed, planned or bought."), code="stage")
    if project.co_designer_rows.filter(user=user).exists():
        raise ValidationError({"email": _("%(name)s is already a co-designer.") % {"name": user.display_name}}, code="duplicate")
    row = CoDesigner.objects.create(project=project, user=user, kind=kind, added_by=actor)
    audit_record(action="commissioning.codesigner.added", summary=f"A {row.get_kind_display().lower()} joined the co-design of “{project.title}”",
                 actor=actor, target=project, data={"kind": kind}, public=True)
    return row


def stage_exit_problems(project: CommissioningProject, to_stage: str) -> list[str]:
    """What is missing before the project can move on (empty when it can)."""
    problems: list[str] = []
    if project.stage == Stage.ANALYSE and to_stage == Stage.PLAN:
        if not project.needs_assessment:
            problems.append(_("Write the needs assessment."))
    if project.stage == Stage.PLAN and to_stage == Stage.DO:
        if not project.outcomes.exists():
            problems.append(_("Add at least one outcome to the outcomes framework."))
        if not project.options.filter(is_preferred=True).exists():
            problems.append(_("Appraise the options and choose a preferred one."))
        if not project.specification:
            problems.append(_("Write the service specification."))
        if project.delivery_option in (DeliveryOption.CONTRACT, DeliveryOption.RESERVED):
            if not project.estimated_value_pence or not project.term_months:
                problems.append(_("Enter the estimated value and the term of the contract."))
            elif not project.route:
                problems.append(_("Choose the procurement route."))
            elif project.delivery_option == DeliveryOption.RESERVED and project.route != Route.RESERVED_MUTUAL:
                problems.append(_("A reserved contract needs the route reserved for public service mutuals."))
    if project.stage == Stage.DO and to_stage == Stage.REVIEW:
        if project.route in COMPETITIVE_ROUTES and not project.contracts.exists():
            problems.append(_("Award the contract and record it before moving to Review."))
    return problems


@transaction.atomic
def project_advance(*, project: CommissioningProject, actor, to_stage: str, decision: str) -> StageDecision:
    """Record the exit decision of the current stage and move on (or back)."""
    project = CommissioningProject.objects.select_for_update().get(pk=project.pk)
    decision = _text(decision, "decision", _("Enter the decision and who it was agreed with"))
    if to_stage not in STAGE_TRANSITIONS[project.stage]:
        raise ValidationError(
            {"to_stage": _("A project in %(current)s cannot move to %(new)s.")
             % {"current": project.get_stage_display(), "new": Stage(to_stage).label if to_stage in Stage.values else to_stage}},
            code="transition",
        )
    problems = stage_exit_problems(project, to_stage)
    if problems:
        raise ValidationError(problems, code="incomplete")
    row = StageDecision.objects.create(project=project, from_stage=project.stage, to_stage=to_stage, decision=decision,
                                       decided_by=actor, decided_by_label=_label(actor))
    audit_record(action="commissioning.project.stage_changed",
                 summary=f"“{project.title}” moved from {project.get_stage_display()} to {Stage(to_stage).label}: {decision}",
                 actor=actor, target=project, data={"from": project.stage, "to": to_stage}, public=True)
    project.stage = to_stage
    project.stage_changed_at = timezone.now()
    project.save(update_fields=["stage", "stage_changed_at"])
    return row


# ---------------------------------------------------------------------------------------------
# Opportunities


def _next_reference(prefix: str, model, on: dt.date) -> str:
    stem = f"{prefix}-{on.year}-"
    n = model.objects.filter(reference__startswith=stem).count() + 1
    while model.objects.filter(reference=f"{stem}{n:04d}").exists():
        n += 1
    return f"{stem}{n:04d}"


@transaction.atomic
def opportunity_create(*, project: CommissioningProject, actor, title: str, summary: str, **fields) -> Opportunity:
    if project.stage not in (Stage.PLAN, Stage.DO):
        raise ValidationError(_("An opportunity is prepared in the Plan or Do stage."), code="stage")
    if project.route and project.route not in COMPETITIVE_ROUTES:
        raise ValidationError(_("This project's route (%(route)s) has no competition to publish.")
                              % {"route": project.get_route_display()}, code="route")
    opportunity = Opportunity(
        project=project, title=_text(title, "title", _("Enter a title")), summary=_text(summary, "summary", _("Enter a plain-English summary")),
        reference=_next_reference("cp", Opportunity, timezone.localdate()),
        route=fields.pop("route", None) or project.route or Route.OPEN,
        estimated_value_pence=fields.pop("estimated_value_pence", None) or project.estimated_value_pence or 0,
        term_months=fields.pop("term_months", None) or project.term_months or 12,
        specification=fields.pop("specification", None) or project.specification,
        reserved_for_mutuals=(project.route == Route.RESERVED_MUTUAL),
        created_by=actor, **fields,
    )
    opportunity.full_clean()
    opportunity.save()
    audit_record(action="commissioning.opportunity.drafted", summary=f"Opportunity drafted: “{opportunity.title}”",
                 actor=actor, target=opportunity, public=False)
    return opportunity


OPPORTUNITY_EDITABLE_FIELDS = frozenset({
    "title", "summary", "specification", "route", "estimated_value_pence", "estimate_pence", "term_months", "scale_max",
    "price_weight", "price_formula", "aggregation", "abnormally_low_percent", "vat_recovery_percent",
    "reserved_for_mutuals", "local_employment", "deadline", "timetable",
})


def _draft(opportunity: Opportunity) -> None:
    if opportunity.status != OS.DRAFT:
        raise ValidationError(_("A published opportunity cannot be changed; publish a clarification instead."), code="published")


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, actor, **fields) -> None:
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _draft(opportunity)
    unknown = set(fields) - OPPORTUNITY_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(opportunity, name, value)
    opportunity.full_clean()
    opportunity.save()
    audit_record(action="commissioning.opportunity.edited", summary=f"Draft opportunity edited: “{opportunity.title}”",
                 actor=actor, target=opportunity, public=False)


@transaction.atomic
def lot_add(*, opportunity: Opportunity, actor, title: str, description: str = "", value_pence: int | None = None) -> Lot:
    _draft(opportunity)
    number = (opportunity.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    lot = Lot(opportunity=opportunity, number=number, title=_text(title, "title", _("Enter a title for the lot")),
              description=(description or "").strip(), value_pence=value_pence)
    lot.full_clean()
    lot.save()
    audit_record(action="commissioning.lot.added", summary=f"{lot} added to “{opportunity.title}”", actor=actor, target=opportunity)
    return lot


@transaction.atomic
def lot_remove(*, lot: Lot, actor) -> None:
    _draft(lot.opportunity)
    audit_record(action="commissioning.lot.removed", summary=f"{lot} removed", actor=actor, target=lot.opportunity)
    lot.delete()


@transaction.atomic
def criterion_add(*, opportunity: Opportunity, actor, kind: str, question: str, weight: Decimal = Decimal(0),
                  gate_min: int | None = None, guidance: str = "") -> Criterion:
    _draft(opportunity)
    question = _text(question, "question", _("Enter the question bidders answer"))
    if kind == CriterionKind.PASS_FAIL:
        if weight:
            raise ValidationError({"weight": _("A pass or fail question has no weight: leave it at 0")}, code="weight")
        if gate_min is not None:
            raise ValidationError({"gate_min": _("A pass or fail question has no minimum score")}, code="gate")
    else:
        if weight is None or weight <= 0:
            raise ValidationError({"weight": _("A scored question needs a weight of more than 0 points")}, code="weight")
        if gate_min is not None and not 0 <= gate_min <= opportunity.scale_max:
            raise ValidationError({"gate_min": _("The minimum score must be on the scale 0 to %(max)s")
                                   % {"max": opportunity.scale_max}}, code="gate")
    prefix = {"quality": "Q", "social_value": "SV", "pass_fail": "PF"}[kind]
    n = opportunity.criteria.filter(code__startswith=prefix).count() + 1
    while opportunity.criteria.filter(code=f"{prefix}{n}").exists():
        n += 1
    criterion = Criterion(opportunity=opportunity, code=f"{prefix}{n}", kind=kind, question=question,
                          guidance=(guidance or "").strip(), weight=weight or 0, gate_min=gate_min)
    criterion.full_clean()
    criterion.save()
    audit_record(action="commissioning.criterion.added", summary=f"Criterion {criterion.code} added to “{opportunity.title}”",
                 actor=actor, target=opportunity, data={"kind": kind, "weight": str(weight)})
    return criterion


@transaction.atomic
def criterion_remove(*, criterion: Criterion, actor) -> None:
    _draft(criterion.opportunity)
    audit_record(action="commissioning.criterion.removed", summary=f"Criterion {criterion.code} removed",
                 actor=actor, target=criterion.opportunity)
    criterion.delete()


def publication_problems(opportunity: Opportunity, now: dt.datetime | None = None) -> list[str]:
    """Everything that stops publication, in plain English (empty when it can be published)."""
    now = now or timezone.now()
    problems: list[str] = []
    project = opportunity.project
    if project.stage != Stage.DO:
        problems.append(_("Move the project to the Do stage first (its plan must be agreed)."))
    if not opportunity.lots.exists():
        problems.append(_("Add at least one lot."))
    criteria = list(opportunity.criteria.all())
    scored = [c for c in criteria if c.is_scored]
    if not scored:
        problems.append(_("Add at least one scored quality question."))
    total = opportunity.price_weight + sum((c.weight for c in scored), Decimal(0))
    if total != 100:
        problems.append(_("The weights must add up to 100 points: price %(price)s + questions %(questions)s = %(total)s.")
                        % {"price": opportunity.price_weight, "questions": total - opportunity.price_weight, "total": total})
    social = sum((c.weight for c in scored if c.kind == CriterionKind.SOCIAL_VALUE), Decimal(0))
    if social < SOCIAL_VALUE_MINIMUM:
        problems.append(_("Social value must weigh at least 10 points (it weighs %(weight)s).") % {"weight": social})
    if opportunity.price_formula == "price-per-quality-point" and opportunity.price_weight != 0:
        problems.append(_("With price per quality point the price weight must be 0: price is divided by the quality score."))
    if opportunity.price_formula != "price-per-quality-point" and opportunity.price_weight == 0:
        problems.append(_("Give price a weight of more than 0, or use price per quality point."))
    for c in scored:
        if c.gate_min is not None and c.gate_min > opportunity.scale_max:
            problems.append(_("%(code)s: the minimum score is above the top of the scale.") % {"code": c.code})
    if opportunity.deadline is None:
        problems.append(_("Set the deadline for bids."))
    elif opportunity.deadline <= now:
        problems.append(_("The deadline for bids must be in the future."))
    try:
        classification = procurement_classify(
            value_pence=opportunity.estimated_value_pence, on_date=timezone.localdate(now),
            service_type=project.service_type, term_months=opportunity.term_months,
        )
    except ValidationError as exc:
        problems.extend(exc.messages)
        return problems
    if opportunity.route not in [r.value for r in classification.routes] or opportunity.route not in COMPETITIVE_ROUTES:
        problems.append(_("The route “%(route)s” is not allowed for a %(regime)s contract.")
                        % {"route": opportunity.get_route_display(), "regime": Regime(classification.regime.value).label.lower()})
    if opportunity.reserved_for_mutuals and opportunity.route != Route.RESERVED_MUTUAL:
        problems.append(_("Only the reserved route may be limited to public service mutuals."))
    if classification.regime in (Regime.ABOVE, Regime.LIGHT_TOUCH) and not project.conflicts_assessment:
        problems.append(_("Write the conflicts assessment before the tender notice (Procurement Act 2023 s.83)."))
    return problems


@transaction.atomic
def opportunity_publish(*, opportunity: Opportunity, actor, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    opportunity = Opportunity.objects.select_for_update().select_related("project").get(pk=opportunity.pk)
    _draft(opportunity)
    problems = publication_problems(opportunity, now)
    if problems:
        raise ValidationError(problems, code="not_ready")
    classification = procurement_classify(value_pence=opportunity.estimated_value_pence, on_date=timezone.localdate(now),
                                          service_type=opportunity.project.service_type, term_months=opportunity.term_months)
    _opportunity_to(opportunity, OS.PUBLISHED, actor)
    opportunity.regime = classification.regime.value
    opportunity.reserved_for_mutuals = opportunity.route == Route.RESERVED_MUTUAL
    opportunity.published_at = now
    opportunity.save()
    audit_record(
        action="commissioning.opportunity.published",
        summary=f"Opportunity published: “{opportunity.title}” ({format_pence(opportunity.estimated_value_pence, whole=True)}, "
                f"bids by {timezone.localtime(opportunity.deadline):%-d %B %Y %H:%M})",
        actor=actor, target=opportunity,
        data={"reference": opportunity.reference, "regime": opportunity.regime, "route": opportunity.route,
              "price_formula": opportunity.price_formula, "price_weight": str(opportunity.price_weight),
              "criteria": {c.code: str(c.weight) for c in opportunity.criteria.all()}},
        public=True,
    )


@transaction.atomic
def opportunity_cancel(*, opportunity: Opportunity, actor, reason: str) -> None:
    reason = _text(reason, "reason", _("Enter why the opportunity is cancelled"))
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    _opportunity_to(opportunity, OS.CANCELLED, actor, note=reason)
    opportunity.save(update_fields=["status"])
    audit_record(action="commissioning.opportunity.cancelled", summary=f"Opportunity cancelled: “{opportunity.title}”: {reason}",
                 actor=actor, target=opportunity, public=True)


@transaction.atomic
def opportunity_open_bids(*, opportunity: Opportunity, actor, now: dt.datetime | None = None) -> int:
    """After the deadline: close, open every submitted bid together, and start the evaluation."""
    now = now or timezone.now()
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if opportunity.status == OS.PUBLISHED:
        if opportunity.deadline is None or now < opportunity.deadline:
            raise ValidationError(
                _("Bids cannot be opened before the deadline (%(deadline)s).")
                % {"deadline": f"{timezone.localtime(opportunity.deadline):%-d %B %Y, %H:%M}"}, code="too_early")
        _opportunity_to(opportunity, OS.CLOSED, actor, note="Deadline passed")
    if opportunity.status != OS.CLOSED:
        raise ValidationError(_("Only a closed opportunity can have its bids opened."), code="transition")
    _opportunity_to(opportunity, OS.EVALUATION, actor, note="Bids opened")
    opportunity.opened_at = now
    opportunity.opened_by = actor
    opportunity.save(update_fields=["status", "opened_at", "opened_by"])
    submitted = list(Bid.objects.select_for_update().filter(opportunity=opportunity, status=BidStatus.SUBMITTED))
    for bid in submitted:
        _bid_to(bid, BidStatus.OPENED, actor)
        bid.save(update_fields=["status"])
    for lot in opportunity.lots.all():
        LotEvaluation.objects.get_or_create(lot=lot)
    per_lot = {lot.number: sum(1 for b in submitted if b.lot_id == lot.pk) for lot in opportunity.lots.all()}
    audit_record(
        action="commissioning.bids.opened",
        summary=f"{len(submitted)} bid(s) opened together for “{opportunity.title}”",
        actor=actor, target=opportunity, data={"bids_per_lot": per_lot}, public=True,
    )
    return len(submitted)


@transaction.atomic
def clarification_ask(*, opportunity: Opportunity, actor, question: str, now: dt.datetime | None = None) -> Clarification:
    question = _text(question, "question", _("Enter your question"))
    if not opportunity.status == OS.PUBLISHED or (opportunity.deadline and (now or timezone.now()) >= opportunity.deadline):
        raise ValidationError(_("Questions can be asked only while the opportunity is open for bids."), code="closed")
    row = Clarification.objects.create(opportunity=opportunity, question=question, asked_by=actor)
    audit_record(action="commissioning.clarification.asked", summary=f"Question asked about “{opportunity.title}”",
                 actor=actor, target=opportunity, public=False)
    return row


@transaction.atomic
def clarification_answer(*, clarification: Clarification, actor, answer: str) -> None:
    clarification.answer = _text(answer, "answer", _("Enter the answer"))
    clarification.answered_by = actor
    clarification.answered_at = timezone.now()
    clarification.save()
    audit_record(action="commissioning.clarification.answered",
                 summary=f"Question answered on the public log of “{clarification.opportunity.title}”",
                 actor=actor, target=clarification.opportunity, data={"question": clarification.question,
                                                                       "answer": clarification.answer}, public=True)


# ---------------------------------------------------------------------------------------------
# Bids


def _may_bid_for(actor, organisation) -> bool:
    return Membership.objects.filter(
        user=actor, organisation=organisation, role__in=[Membership.MemberRole.OWNER, Membership.MemberRole.BID_WRITER]
    ).exists()


def _before_deadline(opportunity: Opportunity, now: dt.datetime) -> None:
    if opportunity.status != OS.PUBLISHED or opportunity.deadline is None or now >= opportunity.deadline:
        deadline = timezone.localtime(opportunity.deadline) if opportunity.deadline else None
        raise ValidationError(
            _("The deadline for bids was %(deadline)s. Late bids cannot be accepted.")
            % {"deadline": f"{deadline:%-d %B %Y, %H:%M}" if deadline else _("not set")},
            code="late",
        )


@transaction.atomic
def bid_start(*, opportunity: Opportunity, lot: Lot, organisation, actor, now: dt.datetime | None = None) -> Bid:
    now = now or timezone.now()
    _before_deadline(opportunity, now)
    if lot.opportunity_id != opportunity.pk:
        raise ValidationError({"lot": _("Choose a lot of this opportunity")}, code="lot")
    if not _may_bid_for(actor, organisation):
        raise ValidationError(_("Only the owner or a bid writer of %(org)s can bid for it.") % {"org": organisation.name},
                              code="not_member")
    if opportunity.reserved_for_mutuals and organisation.legal_form != LegalForm.PUBLIC_SERVICE_MUTUAL:
        raise ValidationError(
            _("This contract is reserved for public service mutuals (Procurement Act 2023 s.33); %(org)s is registered as "
              "“%(form)s”.") % {"org": organisation.name, "form": organisation.get_legal_form_display()},
            code="not_eligible",
        )
    if Bid.objects.filter(lot=lot, organisation=organisation).exists():
        raise ValidationError(_("%(org)s already has a bid for this lot.") % {"org": organisation.name}, code="duplicate")
    bid = Bid.objects.create(opportunity=opportunity, lot=lot, organisation=organisation, created_by=actor,
                             vat_status=organisation.vat_status)
    audit_record(action="commissioning.bid.started", summary=f"A bid was started for “{opportunity.title}”",
                 actor=actor, target=bid, public=False)
    return bid


@transaction.atomic
def bid_save(*, bid: Bid, actor, price_pence: int | None, charges_vat: bool, social_value_commitment: str,
             local_jobs_fte: Decimal | None, answers: Mapping[int, str], now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    bid = Bid.objects.select_for_update().select_related("opportunity", "organisation").get(pk=bid.pk)
    _before_deadline(bid.opportunity, now)
    if not _may_bid_for(actor, bid.organisation):
        raise ValidationError(_("Only the owner or a bid writer of the organisation can change this bid."), code="not_member")
    if bid.status != BidStatus.DRAFT:
        raise ValidationError(_("This bid has been submitted. Withdraw it to make changes, then submit it again."), code="submitted")
    if price_pence is not None and price_pence <= 0:
        raise ValidationError({"price": _("The price must be more than £0")}, code="price")
    if local_jobs_fte is not None and local_jobs_fte < 0:
        raise ValidationError({"local_jobs_fte": _("Local jobs cannot be negative")}, code="fte")
    criteria = {c.pk: c for c in bid.opportunity.criteria.all()}
    for criterion_id in answers:
        if criterion_id not in criteria:
            raise ValidationError(_("An answer was given to a question that is not in this opportunity."), code="criterion")
    bid.price_pence = price_pence
    bid.charges_vat = bool(charges_vat)
    bid.vat_status = bid.organisation.vat_status
    bid.social_value_commitment = (social_value_commitment or "").strip()
    bid.local_jobs_fte = local_jobs_fte
    bid.full_clean()
    bid.save()
    for criterion_id, text in answers.items():
        text = (text or "").strip()
        if text:
            BidAnswer.objects.update_or_create(bid=bid, criterion_id=criterion_id, defaults={"answer": text})
        else:
            BidAnswer.objects.filter(bid=bid, criterion_id=criterion_id).delete()
    audit_record(action="commissioning.bid.saved", summary="A draft bid was saved", actor=actor, target=bid, public=False)


def bid_problems(bid: Bid) -> list[str]:
    problems = []
    if not bid.price_pence:
        problems.append(_("Enter your price."))
    answered = set(bid.answers.values_list("criterion_id", flat=True))
    for criterion in bid.opportunity.criteria.all():
        if criterion.pk not in answered:
            problems.append(_("Answer question %(code)s.") % {"code": criterion.code})
    if bid.charges_vat and bid.organisation.vat_status != "registered":
        problems.append(_("Only a VAT-registered organisation can add VAT to its price."))
    return problems


@transaction.atomic
def bid_submit(*, bid: Bid, actor, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    bid = Bid.objects.select_for_update().select_related("opportunity", "organisation").get(pk=bid.pk)
    _before_deadline(bid.opportunity, now)
    if not _may_bid_for(actor, bid.organisation):
        raise ValidationError(_("Only the owner or a bid writer of the organisation can submit this bid."), code="not_member")
    problems = bid_problems(bid)
    if problems:
        raise ValidationError(problems, code="incomplete")
    _bid_to(bid, BidStatus.SUBMITTED, actor)
    bid.submitted_at = now
    bid.submitted_by = actor
    bid.save(update_fields=["status", "submitted_at", "submitted_by"])
    # No price or content in the audit entry: the log is readable by administrators.
    audit_record(action="commissioning.bid.submitted", summary=f"A bid was submitted for “{bid.opportunity.title}”, {bid.lot}",
                 actor=actor, target=bid, data={"organisation": bid.organisation.name}, public=False)


@transaction.atomic
def bid_withdraw(*, bid: Bid, actor, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    bid = Bid.objects.select_for_update().select_related("opportunity", "organisation").get(pk=bid.pk)
    _before_deadline(bid.opportunity, now)
    if not _may_bid_for(actor, bid.organisation):
        raise ValidationError(_("Only the owner or a bid writer of the organisation can withdraw this bid."), code="not_member")
    _bid_to(bid, BidStatus.DRAFT, actor)
    bid.submitted_at = None
    bid.save(update_fields=["status", "submitted_at"])
    audit_record(action="commissioning.bid.withdrawn", summary="A bid was withdrawn to be changed", actor=actor, target=bid)


# ---------------------------------------------------------------------------------------------
# Evaluation panel


@transaction.atomic
def panel_member_add(*, opportunity: Opportunity, actor, user, lots: Iterable[Lot], is_moderator: bool = False) -> PanelMember:
    if opportunity.status in (OS.AWARDED, OS.CANCELLED, OS.DRAFT):
        raise ValidationError(_("Panels are set up once the opportunity is published and until it is awarded."), code="status")
    if user.has_role(Role.OFFICER):
        kind = PanelMember.Kind.OFFICER
    elif user.has_role(Role.EVALUATOR):
        kind = PanelMember.Kind.RESIDENT
    else:
        raise ValidationError({"email": _("%(name)s is not an evaluator. An administrator gives residents the evaluator role "
                                          "after their training.") % {"name": user.display_name}}, code="not_evaluator")
    if is_moderator and kind != PanelMember.Kind.OFFICER:
        raise ValidationError({"is_moderator": _("The moderator is an officer.")}, code="moderator")
    lots = list(lots)
    if not lots or any(lot.opportunity_id != opportunity.pk for lot in lots):
        raise ValidationError({"lots": _("Choose at least one lot of this opportunity")}, code="lots")
    if Bid.objects.filter(opportunity=opportunity, organisation__memberships__user=user).exists():
        raise ValidationError({"email": _("%(name)s belongs to a bidding organisation and cannot evaluate.")
                               % {"name": user.display_name}}, code="bidder")
    member, created = PanelMember.objects.get_or_create(
        opportunity=opportunity, user=user, defaults={"kind": kind, "is_moderator": is_moderator, "added_by": actor}
    )
    if not created and is_moderator and not member.is_moderator:
        member.is_moderator = True
        member.save(update_fields=["is_moderator"])
    for lot in lots:
        evaluation = getattr(lot, "evaluation", None)
        if evaluation is not None and evaluation.status != LotEvaluation.Status.SCORING:
            raise ValidationError(_("%(lot)s has been moderated: its panel is closed.") % {"lot": lot}, code="closed")
        PanelAssignment.objects.get_or_create(member=member, lot=lot)
    audit_record(action="commissioning.panel.member_added",
                 summary=f"A {member.get_kind_display().lower()} joined the evaluation panel of “{opportunity.title}”"
                         + (" as moderator" if member.is_moderator else ""),
                 actor=actor, target=opportunity, data={"lots": [lot.number for lot in lots], "kind": kind}, public=True)
    return member


@transaction.atomic
def conflict_declare(*, assignment: PanelAssignment, actor, has_conflict: bool | None, details: str = "") -> None:
    """The evaluator declares (before seeing any bid) whether they have a conflict for this lot."""
    assignment = PanelAssignment.objects.select_for_update().select_related("member", "lot__opportunity").get(pk=assignment.pk)
    if assignment.member.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the evaluator can make their own declaration."), code="not_self")
    if has_conflict is None:
        raise ValidationError({"has_conflict": _("Select whether you have a conflict of interest")}, code="required")
    details = (details or "").strip()
    if has_conflict and not details:
        raise ValidationError({"details": _("Describe the conflict: who, and how you are connected")}, code="required")
    D = PanelAssignment.Declaration
    if assignment.declaration == D.CONFLICT:
        raise ValidationError(_("You declared a conflict for this lot and have been removed from it."), code="final")
    if assignment.declaration == D.NO_CONFLICT and not has_conflict:
        raise ValidationError(_("You have already declared no conflict for this lot."), code="final")
    assignment.declaration = D.CONFLICT if has_conflict else D.NO_CONFLICT
    assignment.declaration_details = details
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["declaration", "declaration_details", "declared_at"])
    if has_conflict:
        # Scores already given no longer count: the evaluator is removed from the lot.
        assignment.scores.all().delete()
    audit_record(
        action="commissioning.conflict.declared",
        summary=(f"An evaluator declared a conflict of interest and was removed from {assignment.lot}"
                 if has_conflict else f"An evaluator declared no conflict of interest for {assignment.lot}"),
        actor=actor, target=assignment.lot.opportunity,
        data={"lot": assignment.lot.number, "conflict": has_conflict}, public=True,
    )


def _evaluation_open(lot: Lot) -> LotEvaluation:
    evaluation = LotEvaluation.objects.select_for_update().filter(lot=lot).first()
    if evaluation is None or not is_opened(lot.opportunity_id):
        raise ValidationError(_("Bids for this lot have not been opened yet."), code="sealed")
    if evaluation.status != LotEvaluation.Status.SCORING:
        raise ValidationError(_("This lot has been moderated: scores can no longer change."), code="moderated")
    return evaluation


@transaction.atomic
def evaluator_score_bid(*, assignment: PanelAssignment, bid: Bid, actor, scores: Mapping[int, tuple[int | None, str]]) -> None:
    """An evaluator's own scores for one bid: {criterion id: (score, rationale)} for every scored question."""
    assignment = PanelAssignment.objects.select_for_update().select_related("member", "lot__opportunity").get(pk=assignment.pk)
    if assignment.member.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the evaluator can record their own scores."), code="not_self")
    if assignment.declaration == PanelAssignment.Declaration.PENDING:
        raise ValidationError(_("Declare whether you have a conflict of interest before you see or score any bid."),
                              code="no_declaration")
    if not assignment.may_score:
        raise ValidationError(_("You declared a conflict of interest for this lot, so you cannot score it."), code="conflict")
    _evaluation_open(assignment.lot)
    if assignment.scores_submitted_at is not None:
        raise ValidationError(_("You have submitted your scores for this lot; they can no longer change."), code="submitted")
    if bid.lot_id != assignment.lot_id or bid.status != BidStatus.OPENED:
        raise ValidationError(_("This bid is not in your lot."), code="lot")
    opportunity = assignment.lot.opportunity
    scored = {c.pk: c for c in opportunity.criteria.all() if c.is_scored}
    errors: dict[str, str] = {}
    clean: dict[int, tuple[int, str]] = {}
    for criterion_id, criterion in scored.items():
        score, rationale = scores.get(criterion_id, (None, ""))
        field = f"score_{criterion_id}"
        if score is None:
            errors[field] = _("Enter a score for %(code)s") % {"code": criterion.code}
        elif not 0 <= int(score) <= opportunity.scale_max:
            errors[field] = _("The score for %(code)s must be on the scale 0 to %(max)s") % {"code": criterion.code, "max": opportunity.scale_max}
        elif not (rationale or "").strip():
            errors[f"rationale_{criterion_id}"] = _("Give the reason for your %(code)s score, with evidence from the bid") % {"code": criterion.code}
        else:
            clean[criterion_id] = (int(score), rationale.strip())
    if errors:
        raise ValidationError(errors, code="invalid")
    now = timezone.now()
    for criterion_id, (score, rationale) in clean.items():
        EvaluatorScore.objects.update_or_create(
            assignment=assignment, bid=bid, criterion_id=criterion_id,
            defaults={"score": score, "rationale": rationale, "updated_at": now},
        )
    audit_record(action="commissioning.score.recorded", summary=f"An evaluator scored a bid for {assignment.lot}",
                 actor=actor, target=opportunity, data={"lot": assignment.lot.number, "bid": bid.pk}, public=False)


@transaction.atomic
def evaluator_submit_scores(*, assignment: PanelAssignment, actor) -> None:
    assignment = PanelAssignment.objects.select_for_update().select_related("member", "lot__opportunity").get(pk=assignment.pk)
    if assignment.member.user_id != getattr(actor, "pk", None):
        raise ValidationError(_("Only the evaluator can submit their own scores."), code="not_self")
    if not assignment.may_score:
        raise ValidationError(_("Declare no conflict of interest before scoring."), code="no_declaration")
    _evaluation_open(assignment.lot)
    bids = Bid.objects.opened().filter(lot=assignment.lot).count()
    criteria = assignment.lot.opportunity.criteria.exclude(kind=CriterionKind.PASS_FAIL).count()
    if assignment.scores.count() < bids * criteria:
        raise ValidationError(_("Score every question of every bid before you submit (%(done)s of %(needed)s done).")
                              % {"done": assignment.scores.count(), "needed": bids * criteria}, code="incomplete")
    assignment.scores_submitted_at = timezone.now()
    assignment.save(update_fields=["scores_submitted_at"])
    audit_record(action="commissioning.scores.submitted", summary=f"An evaluator submitted their scores for {assignment.lot}",
                 actor=actor, target=assignment.lot.opportunity, data={"lot": assignment.lot.number}, public=True)


def _moderator(lot: Lot, actor) -> PanelAssignment:
    assignment = PanelAssignment.objects.filter(lot=lot, member__user=actor, member__is_moderator=True).first()
    if assignment is None or assignment.declaration == PanelAssignment.Declaration.CONFLICT:
        raise ValidationError(_("Only the panel's moderator (without a conflict) can moderate this lot."), code="not_moderator")
    return assignment


def moderation_problems(lot: Lot) -> list[str]:
    problems = []
    assignments = list(lot.assignments.select_related("member__user"))
    if any(a.declaration == PanelAssignment.Declaration.PENDING for a in assignments if not a.member.is_moderator):
        problems.append(_("Every evaluator must declare their interests first."))
    evaluators = [a for a in assignments if a.may_score and not a.member.is_moderator]
    if not evaluators:
        problems.append(_("At least one evaluator without a conflict must score this lot."))
    for a in evaluators:
        if a.scores_submitted_at is None:
            problems.append(_("%(name)s has not submitted their scores yet.") % {"name": a.member.user.display_name})
    return problems


@transaction.atomic
def moderation_record(*, bid: Bid, criterion: Criterion, actor, score: int | None = None, passed: bool | None = None,
                      reason: str) -> ModeratedScore:
    """The consensus score (or pass/fail result) the panel agreed, with the reason."""
    lot = bid.lot
    _moderator(lot, actor)
    _evaluation_open(lot)
    problems = moderation_problems(lot)
    if problems:
        raise ValidationError(problems, code="not_ready")
    opportunity = lot.opportunity
    if criterion.opportunity_id != opportunity.pk:
        raise ValidationError(_("That question is not in this opportunity."), code="criterion")
    reason = _text(reason, "reason", _("Give the reason the panel agreed this result"))
    if criterion.kind == CriterionKind.PASS_FAIL:
        if passed is None:
            raise ValidationError({"passed": _("Select pass or fail")}, code="required")
        score = None
    else:
        if opportunity.aggregation != "consensus":
            raise ValidationError(_("This opportunity uses the mean of the evaluators' scores: no consensus score is recorded."),
                                  code="mean")
        if score is None or not 0 <= score <= opportunity.scale_max:
            raise ValidationError({"score": _("The consensus score must be on the scale 0 to %(max)s") % {"max": opportunity.scale_max}},
                                  code="scale")
        passed = None
    row, _created = ModeratedScore.objects.update_or_create(
        bid=bid, criterion=criterion,
        defaults={"score": score, "passed": passed, "reason": reason, "agreed_by": actor, "agreed_at": timezone.now()},
    )
    audit_record(action="commissioning.moderation.recorded", summary=f"Moderated result recorded for {criterion.code}, {lot}",
                 actor=actor, target=opportunity, data={"bid": bid.pk, "criterion": criterion.code, "score": score,
                                                       "passed": passed, "reason": reason}, public=False)
    return row


def _evaluated_price(bid: Bid, opportunity: Opportunity) -> Fraction:
    return vat.council_net_cost(bid.price_pence, vat_charged=bid.charges_vat,
                                recovery=Fraction(opportunity.vat_recovery_percent) / 100)


def lot_tender(lot: Lot) -> scoring.Tender:
    """The lot's evaluation as the pure module's input (prices in pounds, after VAT recovery)."""
    opportunity = lot.opportunity
    criteria = [c for c in opportunity.criteria.all() if c.is_scored]
    pass_fail = [c for c in opportunity.criteria.all() if not c.is_scored]
    bids = []
    for bid in Bid.objects.opened().filter(lot=lot).select_related("organisation").order_by("organisation__name"):
        evaluator: dict[str, list[int]] = {c.code: [] for c in criteria}
        for s in EvaluatorScore.objects.filter(bid=bid, assignment__declaration=PanelAssignment.Declaration.NO_CONFLICT).select_related("criterion"):
            if s.criterion.is_scored:
                evaluator[s.criterion.code].append(s.score)
        moderated = {m.criterion_id: m for m in bid.moderated_scores.all()}
        consensus = {c.code: moderated[c.pk].score for c in criteria if c.pk in moderated and moderated[c.pk].score is not None}
        failed = tuple(c.code for c in pass_fail if c.pk in moderated and moderated[c.pk].passed is False)
        price = _evaluated_price(bid, opportunity)
        bids.append(scoring.Bid(
            bidder=bid.organisation.name, price=Decimal(price.numerator) / Decimal(price.denominator) / 100,
            evaluator_scores={k: tuple(v) for k, v in evaluator.items() if v}, consensus_scores=consensus, failed_gates=failed,
        ))
    estimate = Decimal(opportunity.estimate_pence) / 100 if opportunity.estimate_pence else None
    return scoring.Tender(
        scale_max=opportunity.scale_max, price_weight=opportunity.price_weight,
        price_formula=scoring.PriceFormula(opportunity.price_formula), aggregation=scoring.Aggregation(opportunity.aggregation),
        criteria=tuple(scoring.Criterion(c.code, c.weight, c.gate_min, c.kind == CriterionKind.SOCIAL_VALUE) for c in criteria),
        bids=tuple(bids), estimate=estimate,
        abnormally_low_below_estimate=(opportunity.abnormally_low_percent / 100) if estimate else None,
    )


@transaction.atomic
def lot_moderation_complete(*, lot: Lot, actor, notes: str = "") -> LotEvaluation:
    """Close moderation: check every result is agreed, score with scoring.py, store the ranking."""
    _moderator(lot, actor)
    evaluation = _evaluation_open(lot)
    problems = moderation_problems(lot)
    opportunity = lot.opportunity
    bids = list(Bid.objects.opened().filter(lot=lot).select_related("organisation"))
    if not bids:
        problems.append(_("There are no bids to evaluate in this lot."))
    for bid in bids:
        agreed = set(bid.moderated_scores.values_list("criterion_id", flat=True))
        for criterion in opportunity.criteria.all():
            needs_result = criterion.kind == CriterionKind.PASS_FAIL or opportunity.aggregation == "consensus"
            if needs_result and criterion.pk not in agreed:
                problems.append(_("Agree the %(code)s result for %(org)s.") % {"code": criterion.code, "org": bid.organisation.name})
    if problems:
        raise ValidationError(problems, code="incomplete")
    tender = lot_tender(lot)
    try:
        result = scoring.evaluate(tender)
    except scoring.ScoringError as exc:
        raise ValidationError(_("The scores cannot be combined: %(problem)s") % {"problem": exc}, code="scoring")
    by_name = {bid.organisation.name: bid for bid in bids}
    BidResult.objects.filter(bid__lot=lot).delete()
    for row in result.ranking:
        bid = by_name[row.bidder]
        BidResult.objects.create(
            bid=bid, rank=row.rank, quality_score=scoring.four_places(row.quality_score),
            price_score=None if row.price_score is None else scoring.four_places(row.price_score),
            total=scoring.four_places(row.total), pqp=None if row.pqp is None else scoring.four_places(row.pqp),
            passed_gates=row.passed_gates, flags=list(row.flags),
            criteria={r.id: {"score": str(scoring.four_places(r.score)), "weighted": str(scoring.four_places(r.weighted))}
                      for r in row.criteria},
            evaluated_price_pence=vat.to_pence(_evaluated_price(bid, opportunity)),
        )
    evaluation.status = LotEvaluation.Status.MODERATED
    evaluation.moderated_by = actor
    evaluation.moderated_at = timezone.now()
    evaluation.moderation_notes = (notes or "").strip()
    evaluation.inputs_hash = hashlib.sha256(scoring.dumps(scoring.tender_as_dict(tender)).encode()).hexdigest()
    evaluation.explanation = list(result.explanation)
    evaluation.save()
    audit_record(
        action="commissioning.lot.moderated",
        summary=f"Moderation complete for {lot} of “{opportunity.title}”: {len(bids)} bid(s) ranked",
        actor=actor, target=opportunity,
        data={"lot": lot.number, "inputs_sha256": evaluation.inputs_hash,
              "ranking": [{"rank": r.rank, "total": str(scoring.four_places(r.total)), "passed": r.passed_gates}
                          for r in result.ranking]},
        public=True,
    )
    return evaluation


# ---------------------------------------------------------------------------------------------
# Award and contract


@transaction.atomic
def lot_award(*, lot: Lot, actor, reasons: str, notice_published_on: dt.date, voluntary_standstill: bool = True,
              abnormally_low_explanation: str = "") -> Award:
    """Award the lot to its most advantageous tender and work out the standstill."""
    lot = Lot.objects.select_related("opportunity__project").get(pk=lot.pk)
    opportunity = lot.opportunity
    evaluation = LotEvaluation.objects.select_for_update().filter(lot=lot).first()
    if evaluation is None or evaluation.status != LotEvaluation.Status.MODERATED:
        raise ValidationError(_("Finish moderation before awarding this lot."), code="not_moderated")
    reasons = _text(reasons, "reasons", _("Enter the reasons for the award decision"))
    if notice_published_on is None:
        raise ValidationError({"notice_published_on": _("Enter the day the contract award notice is published")}, code="required")
    winner = BidResult.objects.filter(bid__lot=lot, passed_gates=True).select_related("bid__organisation").order_by("rank").first()
    if winner is None:
        raise ValidationError(_("No bid passed every gate, so this lot cannot be awarded. Cancel or re-run the competition."),
                              code="no_compliant_bid")
    tied = BidResult.objects.filter(bid__lot=lot, passed_gates=True, rank=winner.rank).count() > 1
    if tied:
        raise ValidationError(_("The top bids are tied. Apply the published tie rule and record it before awarding."), code="tied")
    flagged = [f for f in winner.flags if f.startswith("abnormally-low")]
    abnormally_low_explanation = (abnormally_low_explanation or "").strip()
    if flagged and not abnormally_low_explanation:
        raise ValidationError(
            {"abnormally_low_explanation": _("The winning bid is flagged as abnormally low. Record how the bidder showed it "
                                             "can deliver the contract for its price (Procurement Act 2023 s.34).")},
            code="abnormally_low",
        )
    mandatory = opportunity.regime == Regime.ABOVE
    applies = mandatory or bool(voluntary_standstill)
    if applies:
        period = standstill_compute(published_on=notice_published_on)
        last_day, contract_from = period.last_day, period.contract_from
    else:
        last_day, contract_from = None, notice_published_on
    award = Award.objects.create(
        lot=lot, bid=winner.bid, reasons=reasons, abnormally_low_explanation=abnormally_low_explanation,
        decided_by=actor, decided_by_label=_label(actor), notice_published_on=notice_published_on,
        standstill_applies=applies, standstill_mandatory=mandatory, standstill_last_day=last_day, contract_from=contract_from,
    )
    evaluation.status = LotEvaluation.Status.AWARDED
    evaluation.save(update_fields=["status"])
    opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
    if not opportunity.lots.exclude(award__isnull=False).exists():
        _opportunity_to(opportunity, OS.AWARDED, actor, note="Every lot awarded")
        opportunity.save(update_fields=["status"])
    audit_record(
        action="commissioning.lot.awarded",
        summary=f"{lot} of “{opportunity.title}” awarded to {winner.bid.organisation.name}"
                + (f"; standstill ends {last_day:%-d %B %Y}" if last_day else ""),
        actor=actor, target=opportunity,
        data={"lot": lot.number, "organisation": winner.bid.organisation.name, "total": str(winner.total),
              "reasons": reasons, "standstill_last_day": last_day, "contract_from": contract_from},
        public=True,
    )
    return award


@transaction.atomic
def contract_create(*, award: Award, actor, start_date: dt.date, kpis: Iterable[Mapping], today: dt.date | None = None) -> Contract:
    """Enter into the contract once the standstill is over, with the KPIs oversight will monitor."""
    today = today or timezone.localdate()
    award = Award.objects.select_for_update().select_related("lot__opportunity__project", "bid__organisation").get(pk=award.pk)
    if hasattr(award, "contract"):
        raise ValidationError(_("The contract for this award has already been created."), code="duplicate")
    if today < award.contract_from:
        raise ValidationError(
            _("The standstill period ends on %(last)s: the contract can be entered into from %(from)s.")
            % {"last": f"{award.standstill_last_day:%-d %B %Y}" if award.standstill_last_day else "-",
               "from": f"{award.contract_from:%-d %B %Y}"}, code="standstill")
    if start_date is None or start_date < award.contract_from:
        raise ValidationError({"start_date": _("The contract cannot start before %(from)s.") % {"from": f"{award.contract_from:%-d %B %Y}"}},
                              code="start")
    kpis = [dict(k) for k in kpis]
    opportunity = award.lot.opportunity
    value = award.bid.price_pence
    needed = 3 if value > 500_000_000 else 1
    if len(kpis) < needed:
        raise ValidationError({"kpis": _("Give the contract at least %(n)s KPI(s) to monitor.") % {"n": needed}}, code="kpis")
    names = set()
    for kpi in kpis:
        name = (kpi.get("name") or "").strip()
        if not name or not (kpi.get("unit") or "").strip() or kpi.get("target") is None:
            raise ValidationError({"kpis": _("Every KPI needs a name, a unit and a target.")}, code="kpis")
        if name in names:
            raise ValidationError({"kpis": _("Two KPIs are called “%(name)s”.") % {"name": name}}, code="kpis")
        names.add(name)
    term = opportunity.term_months
    contract = Contract(
        reference=_next_reference("ct", Contract, start_date), title=f"{opportunity.title} – {award.lot.title}",
        project=opportunity.project, award=award, organisation=award.bid.organisation, value_pence=value,
        cost_to_council_pence=vat.to_pence(_evaluated_price(award.bid, opportunity)), start_date=start_date,
        end_date=add_months(start_date, term) - dt.timedelta(days=1), term_months=term,
        reserved_for_mutuals=opportunity.reserved_for_mutuals, created_by=actor,
    )
    contract.full_clean()
    contract.save()
    for kpi in kpis:
        row = ContractKpi(contract=contract, name=kpi["name"].strip(), unit=kpi["unit"].strip(), target=Decimal(str(kpi["target"])),
                          direction=kpi.get("direction") or ContractKpi.Direction.HIGHER,
                          frequency=kpi.get("frequency") or ContractKpi.Frequency.QUARTERLY, indicator=kpi.get("indicator"))
        row.full_clean()
        row.save()
    audit_record(
        action="commissioning.contract.created",
        summary=f"Contract {contract.reference} with {contract.organisation.name}: {format_pence(value, whole=True)} over {term} months",
        actor=actor, target=contract,
        data={"value_pence": value, "cost_to_council_pence": contract.cost_to_council_pence, "start": start_date,
              "end": contract.end_date, "kpis": sorted(names), "reserved": contract.reserved_for_mutuals},
        public=True,
    )
    return contract


# ---------------------------------------------------------------------------------------------
# Reference data


@transaction.atomic
def bank_holidays_import(*, data, actor=None, division: str = "england-and-wales") -> int:
    """Add the dates of GOV.UK's bank-holidays.json for one division. All or nothing; returns how many were new."""
    from .models import BankHoliday

    if not isinstance(data, dict) or not isinstance(data.get(division), dict):
        raise ValidationError(_("%(division)s: is missing (expected GOV.UK's bank-holidays.json)") % {"division": division})
    events = data[division].get("events")
    if not isinstance(events, list):
        raise ValidationError(_("%(division)s.events: must be a list") % {"division": division})
    rows = []
    for index, event in enumerate(events):
        where = f"{division}.events[{index}]"
        if not isinstance(event, dict):
            raise ValidationError(_("%(where)s: must be an object") % {"where": where})
        title = event.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ValidationError(_("%(where)s.title: is missing") % {"where": where})
        try:
            day = dt.date.fromisoformat(str(event.get("date")))
        except ValueError:
            raise ValidationError(_("%(where)s.date: %(value)r is not a date (YYYY-MM-DD)") % {"where": where, "value": event.get("date")})
        rows.append((day, title.strip()))
    added = 0
    for day, title in rows:
        _row, created = BankHoliday.objects.get_or_create(division=division, date=day, defaults={"title": title})
        added += created
    if added:
        audit_record(action="commissioning.bank_holidays.imported", summary=f"{added} bank holiday(s) added for {division}",
                     actor=actor, data={"dates": [str(day) for day, _t in rows]}, public=True)
    return added
