"""Writes for shared support services: keyword-only, atomic, validated and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from coproduce.audit.services import audit_record
from coproduce.commissioning.selectors import bank_holidays
from coproduce.commissioning.standstill import nth_working_day
from coproduce.organisations.models import Membership

from .models import RequestStatus, SupportRequest, SupportRequestStatusChange, SupportService

S = RequestStatus
#: Who may move a request where: officers accept, decline and fulfil; the organisation may cancel.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REQUESTED: frozenset({S.ACCEPTED, S.DECLINED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.FULFILLED, S.CANCELLED}),
    S.FULFILLED: frozenset(),
    S.DECLINED: frozenset(),
    S.CANCELLED: frozenset(),
}


def due_date(*, start: dt.date, working_days: int) -> dt.date:
    """The service level's due day: `working_days` working days after the request day."""
    return nth_working_day(start + dt.timedelta(days=1), working_days, bank_holidays())


@transaction.atomic
def support_service_create(*, actor, name: str, category: str, summary: str, price_pence: int, price_unit: str,
                           service_level: str, response_working_days: int, description: str = "") -> SupportService:
    name = (name or "").strip()
    base = slugify(name) or "service"
    slug, n = base, 2
    while SupportService.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    service = SupportService(name=name, slug=slug, category=category, summary=(summary or "").strip(),
                             description=(description or "").strip(), price_pence=price_pence, price_unit=price_unit,
                             service_level=(service_level or "").strip(), response_working_days=response_working_days)
    service.full_clean()
    service.save()
    audit_record(action="support.service.added", summary=f"Support service added to the catalogue: {service.name}",
                 actor=actor, target=service, data={"price_pence": price_pence, "unit": price_unit}, public=True)
    return service


@transaction.atomic
def support_request_create(*, service: SupportService, organisation, actor, quantity: int, details: str = "",
                           today: dt.date | None = None) -> SupportRequest:
    if not service.is_active:
        raise ValidationError(_("%(service)s is no longer offered.") % {"service": service.name}, code="inactive")
    if not Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise ValidationError({"organisation": _("You can only request services for an organisation you belong to.")},
                              code="not_member")
    if quantity is None or quantity < 1:
        raise ValidationError({"quantity": _("The quantity must be at least 1")}, code="quantity")
    made_at = timezone.now() if today is None else timezone.make_aware(dt.datetime.combine(today, dt.time(10, 0)))
    today = today or timezone.localdate()
    row = SupportRequest(service=service, organisation=organisation, requested_by=actor, quantity=quantity, created_at=made_at,
                         details=(details or "").strip(), unit_price_pence=service.price_pence,
                         due_by=due_date(start=today, working_days=service.response_working_days))
    row.full_clean()
    row.save()
    audit_record(action="support.request.made", summary=f"{organisation.name} requested {service.name}",
                 actor=actor, target=row, data={"quantity": quantity, "unit_price_pence": service.price_pence}, public=True)
    return row


def _move(request: SupportRequest, to: str, actor, note: str) -> None:
    if to not in TRANSITIONS[request.status]:
        raise ValidationError(
            _("A request that is “%(current)s” cannot become “%(new)s”.")
            % {"current": request.get_status_display(), "new": S(to).label}, code="transition")
    SupportRequestStatusChange.objects.create(request=request, from_status=request.status, to_status=to, note=note,
                                              changed_by=actor)
    request.status = to


@transaction.atomic
def support_request_decide(*, request: SupportRequest, actor, to_status: str, note: str = "") -> None:
    """An officer accepts, declines or fulfils a request. Declining needs a reason."""
    request = SupportRequest.objects.select_for_update().select_related("service", "organisation").get(pk=request.pk)
    note = (note or "").strip()
    if to_status not in (S.ACCEPTED, S.DECLINED, S.FULFILLED):
        raise ValidationError({"to_status": _("Choose accept, decline or mark as in place")}, code="choice")
    if to_status == S.DECLINED and not note:
        raise ValidationError({"note": _("Explain why the request is declined")}, code="required")
    _move(request, to_status, actor, note)
    request.handled_by = actor
    if note:
        request.officer_note = note
    if to_status == S.FULFILLED:
        request.fulfilled_at = timezone.now()
    request.save()
    audit_record(action=f"support.request.{to_status}",
                 summary=f"{request.service.name} for {request.organisation.name}: {S(to_status).label.lower()}",
                 actor=actor, target=request, data={"note": note}, public=True)


@transaction.atomic
def support_request_cancel(*, request: SupportRequest, actor, note: str = "") -> None:
    request = SupportRequest.objects.select_for_update().select_related("service", "organisation").get(pk=request.pk)
    if not Membership.objects.filter(organisation=request.organisation, user=actor).exists():
        raise ValidationError(_("Only a member of the organisation can cancel its request."), code="not_member")
    _move(request, S.CANCELLED, actor, (note or "").strip())
    request.save(update_fields=["status"])
    audit_record(action="support.request.cancelled", summary=f"{request.organisation.name} cancelled {request.service.name}",
                 actor=actor, target=request, public=True)
