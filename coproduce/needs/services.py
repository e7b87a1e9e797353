"""Writes for needs. Every function is keyword-only, atomic, validates, and writes the audit log.

Bad input raises `django.core.exceptions.ValidationError` with a message a resident can read;
nothing is changed when it does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record

from .models import Need, NeedResponse, NeedSupport, OutcomeIndicator

S = Need.Status

#: Which responses an officer may give from each status. Every change needs reasons and leaves
#: a history row. "Already met" and "not possible" can be reopened when circumstances change.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.OPEN: frozenset({S.ACCEPTED_COMMISSIONING, S.ACCEPTED_BUDGET, S.ALREADY_MET, S.NOT_POSSIBLE}),
    S.ACCEPTED_COMMISSIONING: frozenset({S.ACCEPTED_BUDGET, S.ALREADY_MET, S.NOT_POSSIBLE}),
    S.ACCEPTED_BUDGET: frozenset({S.ACCEPTED_COMMISSIONING, S.ALREADY_MET, S.NOT_POSSIBLE}),
    S.ALREADY_MET: frozenset({S.OPEN}),
    S.NOT_POSSIBLE: frozenset({S.OPEN, S.ACCEPTED_COMMISSIONING, S.ACCEPTED_BUDGET}),
}


def responses_allowed(status: str) -> list[str]:
    """The responses open to an officer from `status`, in the order of `Need.Status`."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [s.value for s in S if s in allowed]


def _area_ward_id(*, neighbourhood, ward, borough_wide: bool):
    if neighbourhood is not None:
        return neighbourhood.ward_id
    if ward is not None:
        return ward.pk
    return None


@transaction.atomic
def need_raise(
    *,
    raised_by,
    title: str,
    description: str,
    category: str,
    kind: str = Need.Kind.NEED,
    neighbourhood=None,
    ward=None,
    borough_wide: bool = False,
) -> Need:
    """A resident raises a need (or desired outcome) for one place; they are its first supporter."""
    need = Need(
        raised_by=raised_by,
        title=(title or "").strip(),
        description=(description or "").strip(),
        category=category,
        kind=kind,
        neighbourhood=neighbourhood,
        ward=ward,
        borough_wide=bool(borough_wide),
        area_ward_id=_area_ward_id(neighbourhood=neighbourhood, ward=ward, borough_wide=borough_wide),
        support_count=1,
    )
    need.full_clean()
    need.save()
    NeedSupport.objects.create(need=need, supporter=raised_by)
    audit_record(
        action="needs.need.raised",
        summary=f"A need was raised for {need.place_name}: “{need.title}” ({need.get_category_display()})",
        actor=raised_by,
        target=need,
        data={"category": need.category, "kind": need.kind, "place": need.place_name},
        public=True,
    )
    return need


@transaction.atomic
def need_support(*, need: Need, supporter) -> tuple[NeedSupport, bool]:
    """Add `supporter`'s support once. Idempotent: a second call returns the first support, False.

    The unique constraint decides under concurrency; the count moves with an F expression so
    two supporters at once never lose an increment.
    """
    locked = Need.objects.select_for_update().only("id", "status").get(pk=need.pk)
    existing = NeedSupport.objects.filter(need=locked, supporter=supporter).first()
    if existing is not None:
        return existing, False
    if locked.status not in Need.SUPPORTABLE:
        raise ValidationError(
            _("This need is closed (%(status)s), so it cannot take more support.")
            % {"status": locked.get_status_display().lower()},
            code="closed",
        )
    try:
        with transaction.atomic():
            support = NeedSupport.objects.create(need=locked, supporter=supporter)
    except IntegrityError:
        # Someone (this same person, in another request) got there first.
        return NeedSupport.objects.get(need=locked, supporter=supporter), False
    Need.objects.filter(pk=locked.pk).update(support_count=F("support_count") + 1)
    audit_record(
        action="needs.need.supported",
        summary=f"A resident supported the need “{need.title}”",
        actor=supporter,
        target=need,
        public=False,
    )
    need.refresh_from_db(fields=["support_count"])
    return support, True


@transaction.atomic
def need_support_withdraw(*, need: Need, supporter) -> bool:
    """Take back one's support. Returns False (and changes nothing) if there was none."""
    Need.objects.select_for_update().only("id").get(pk=need.pk)
    deleted, _unused = NeedSupport.objects.filter(need=need, supporter=supporter).delete()
    if not deleted:
        return False
    Need.objects.filter(pk=need.pk, support_count__gt=0).update(support_count=F("support_count") - 1)
    audit_record(
        action="needs.need.support_withdrawn",
        summary=f"A resident withdrew their support for the need “{need.title}”",
        actor=supporter,
        target=need,
        public=False,
    )
    need.refresh_from_db(fields=["support_count"])
    return True


@transaction.atomic
def need_respond(*, need: Need, officer, status: str, reasons: str) -> NeedResponse:
    """An officer's response on the record: a status change with reasons, public and audited."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": _("Enter the reasons for your response")}, code="required")
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if status not in TRANSITIONS.get(locked.status, frozenset()):
        try:
            label = S(status).label
        except ValueError:
            label = status
        raise ValidationError(
            {"status": _("A need that is “%(current)s” cannot be changed to “%(new)s”")
             % {"current": locked.get_status_display(), "new": label}},
            code="transition",
        )
    label = getattr(officer, "public_label", str(officer))
    response = NeedResponse(
        need=locked, from_status=locked.status, to_status=status, reasons=reasons,
        responded_by=officer, responded_by_label=label,
    )
    response.full_clean()
    response.save()
    now = timezone.now()
    Need.objects.filter(pk=locked.pk).update(status=status, responded_at=now)
    audit_record(
        action="needs.need.responded",
        summary=f"{label} responded to the need “{locked.title}”: {S(status).label}",
        actor=officer,
        target=locked,
        data={"from": response.from_status, "to": status, "reasons": reasons},
        public=True,
    )
    need.status = status
    need.responded_at = now
    return response


@transaction.atomic
def outcome_indicator_add(
    *,
    need: Need,
    officer,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
    target_date: dt.date,
) -> OutcomeIndicator:
    """Attach a measurable outcome to an accepted need."""
    locked = Need.objects.select_for_update().get(pk=need.pk)
    if locked.status not in Need.ACCEPTED:
        raise ValidationError(
            _("Only an accepted need can have outcome indicators; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_accepted",
        )
    if target_date is None or target_date <= timezone.localdate():
        raise ValidationError({"target_date": _("Target date must be in the future")}, code="past")
    name = (name or "").strip()
    if OutcomeIndicator.objects.filter(need=locked, name__iexact=name).exists():
        raise ValidationError({"name": _("This need already has an indicator called “%(name)s”") % {"name": name}})
    indicator = OutcomeIndicator(
        need=locked, name=name, unit=(unit or "").strip(), baseline=baseline, target=target,
        target_date=target_date, created_by=officer,
    )
    indicator.full_clean()
    indicator.save()
    audit_record(
        action="needs.indicator.added",
        summary=f"Outcome indicator “{indicator.name}” set for the need “{locked.title}”: "
                f"from {indicator.baseline} to {indicator.target} {indicator.unit} by {indicator.target_date:%d %B %Y}",
        actor=officer,
        target=indicator,
        data={"need": locked.pk, "baseline": str(baseline), "target": str(target), "target_date": target_date.isoformat(), "unit": indicator.unit},
        public=True,
    )
    return indicator
