"""Reads for commissioning, with the visibility rules in one place.

Sealed bids: the content of a bid (price, VAT, answers, social value) is reachable only through
`bid_list_for_lot` / `bid_get_for_evaluation`, which return nothing until the opportunity has been
opened by `opportunity_open_bids` after its deadline, and through `bid_get_own` for the bidding
organisation itself. No other selector, view or admin page shows bid content (ADR 0601).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts.models import Role

from . import procurement, standstill
from .models import (
    AuthorityClass,
    BankHoliday,
    Bid,
    BidAnswer,
    BidStatus,
    CommissioningProject,
    Contract,
    Lot,
    Opportunity,
    OpportunityStatus,
    PanelAssignment,
    PanelMember,
    ProcurementThreshold,
    ThresholdKind,
)

# ---------------------------------------------------------------------------------------------
# Thresholds and bank holidays


def thresholds_on(on_date: dt.date, authority: str = AuthorityClass.SUB_CENTRAL) -> procurement.Thresholds:
    rows = ProcurementThreshold.objects.filter(authority=authority, valid_from__lte=on_date).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)
    )
    values = {row.kind: row.value_pence for row in rows}
    missing = [k for k in ThresholdKind.values if k not in values]
    if missing:
        raise ValidationError(
            _("No procurement threshold is recorded for %(date)s (%(kinds)s). An administrator must add it.")
            % {"date": on_date.strftime("%-d %B %Y"), "kinds": ", ".join(missing)},
            code="no_threshold",
        )
    return procurement.Thresholds(
        services=values[ThresholdKind.SERVICES], light_touch=values[ThresholdKind.LIGHT_TOUCH],
        works=values[ThresholdKind.WORKS], notifiable=values[ThresholdKind.NOTIFIABLE],
    )


def procurement_classify(*, value_pence: int, on_date: dt.date, service_type: str,
                         term_months: int | None = None,
                         authority: str = AuthorityClass.SUB_CENTRAL) -> procurement.Classification:
    """Regime, allowed routes, notice duties and standstill for an estimated value on a date."""
    return procurement.classify(
        int(value_pence), procurement.ServiceType(service_type), thresholds_on(on_date, authority), term_months
    )


def bank_holidays(*, division: str = BankHoliday.DIVISION) -> frozenset[dt.date]:
    return frozenset(BankHoliday.objects.filter(division=division).values_list("date", flat=True))


def standstill_compute(*, published_on: dt.date) -> standstill.Standstill:
    """The 8-working-day standstill from the stored bank holidays; refuses to guess beyond them."""
    holidays = bank_holidays()
    result = standstill.standstill(published_on, holidays)
    known_years = {day.year for day in holidays}
    for year in range(published_on.year, result.last_day.year + 1):
        if year not in known_years:
            raise ValidationError(
                _("The bank holidays for %(year)s are not recorded, so the standstill cannot be worked out. "
                  "Import them with “coproduce commissioning import-bank-holidays”.") % {"year": year},
                code="no_bank_holidays",
            )
    return result


# ---------------------------------------------------------------------------------------------
# Projects, opportunities, contracts (public)


def project_list(*, stage: str | None = None):
    qs = CommissioningProject.objects.select_related("ward", "neighbourhood").annotate(
        opportunity_count=Count("opportunities", filter=~Q(opportunities__status=OpportunityStatus.DRAFT), distinct=True)
    )
    if stage:
        qs = qs.filter(stage=stage)
    return qs


def project_get(*, slug: str) -> CommissioningProject:
    return (
        CommissioningProject.objects.select_related("ward", "neighbourhood", "lead_officer")
        .prefetch_related("needs", "outcomes__indicator", "options", "decisions", "co_designer_rows__user")
        .get(slug=slug)
    )


def opportunity_list_public():
    return Opportunity.objects.public().select_related("project").prefetch_related("lots").order_by("-published_at", "-id")


def opportunity_get(*, reference: str, user=None) -> Opportunity:
    """A published opportunity for anyone; a draft only for officers."""
    opportunity = (
        Opportunity.objects.select_related("project")
        .prefetch_related("lots", "criteria", "clarifications", "history")
        .get(reference=reference)
    )
    if opportunity.status == OpportunityStatus.DRAFT and not (
        user is not None and user.is_authenticated and (user.has_role(Role.OFFICER) or user.has_role(Role.ADMINISTRATOR))
    ):
        raise Opportunity.DoesNotExist
    return opportunity


def bid_counts(opportunity: Opportunity) -> dict[int, int]:
    """How many bids each lot has received: a count is never sealed, the content is."""
    rows = (
        Bid.objects.filter(opportunity=opportunity, status__in=[BidStatus.SUBMITTED, BidStatus.OPENED])
        .values("lot_id").annotate(n=Count("id"))
    )
    return {row["lot_id"]: row["n"] for row in rows}


def contract_list():
    return Contract.objects.select_related("organisation", "project").prefetch_related("kpis")


def contract_get(*, reference: str) -> Contract:
    return (
        Contract.objects.select_related("organisation", "project", "award__lot__opportunity", "award__bid")
        .prefetch_related("kpis__indicator")
        .get(reference=reference)
    )


# ---------------------------------------------------------------------------------------------
# Bids: the sealed door


def _is_member(user, organisation) -> bool:
    return bool(
        user is not None and user.is_authenticated
        and organisation.memberships.filter(user=user).exists()
    )


def bid_list_own(*, user):
    """The bids of the organisations the person belongs to (they wrote them)."""
    return (
        Bid.objects.filter(organisation__memberships__user=user)
        .select_related("opportunity", "lot", "organisation")
        .order_by("-created_at")
    )


def bid_get_own(*, user, pk: int) -> Bid:
    bid = Bid.objects.select_related("opportunity", "lot", "organisation").prefetch_related("answers__criterion").get(pk=pk)
    if not _is_member(user, bid.organisation):
        raise Bid.DoesNotExist
    return bid


def is_opened(opportunity_id: int) -> bool:
    """Asked of the database every time: a sealed check never trusts an object loaded earlier."""
    return Opportunity.objects.filter(pk=opportunity_id, opened_at__isnull=False).exists()


def _opened(opportunity: Opportunity) -> None:
    if not is_opened(opportunity.pk):
        raise PermissionDenied(_("Bids are sealed until the deadline has passed and they have been opened."))


def evaluator_assignments(*, user):
    """The lots a person sits on as an evaluator, with their declarations."""
    return (
        PanelAssignment.objects.filter(member__user=user)
        .select_related("lot__opportunity", "member")
        .order_by("-lot__opportunity__deadline", "lot__number")
    )


def assignment_for(*, user, lot: Lot) -> PanelAssignment | None:
    return PanelAssignment.objects.filter(member__user=user, lot=lot).select_related("member").first()


def may_see_bids(*, user, lot: Lot) -> bool:
    """Opened, and the person is an officer running the procurement, the lot's moderator, or an
    evaluator of this lot who has declared no conflict."""
    if user is None or not user.is_authenticated or not is_opened(lot.opportunity_id):
        return False
    assignment = assignment_for(user=user, lot=lot)
    if assignment is not None:
        if assignment.member.is_moderator:
            return assignment.declaration != PanelAssignment.Declaration.CONFLICT
        return assignment.may_score
    return user.has_role(Role.OFFICER)


def bid_list_for_lot(*, lot: Lot, user) -> list[Bid]:
    _opened(lot.opportunity)
    if not may_see_bids(user=user, lot=lot):
        raise PermissionDenied(_("You cannot see the bids for this lot."))
    return list(
        Bid.objects.opened().filter(lot=lot)
        .select_related("organisation")
        .prefetch_related(Prefetch("answers", queryset=BidAnswer.objects.select_related("criterion")))
        .order_by("organisation__name")
    )


def bidder_names_for_lot(*, lot: Lot) -> list[str]:
    """Who bid (not what): shown to evaluators so they can declare conflicts. Only once opened."""
    _opened(lot.opportunity)
    return list(Bid.objects.opened().filter(lot=lot).order_by("organisation__name").values_list("organisation__name", flat=True))


def lots_with_assignments(*, opportunity: Opportunity) -> Iterable[Lot]:
    return opportunity.lots.prefetch_related(
        Prefetch("assignments", queryset=PanelAssignment.objects.select_related("member__user"))
    )


def panel_for(*, opportunity: Opportunity):
    return PanelMember.objects.filter(opportunity=opportunity).select_related("user").prefetch_related("assignments__lot")


def opportunity_deadline_passed(opportunity: Opportunity, now: dt.datetime | None = None) -> bool:
    return opportunity.deadline is not None and (now or timezone.now()) >= opportunity.deadline
