"""Reads for shared support services."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum

from coproduce.organisations.models import Organisation

from .models import RequestStatus, SupportRequest, SupportService


def catalogue():
    return SupportService.objects.filter(is_active=True).annotate(
        in_use=Count("requests", filter=Q(requests__status=RequestStatus.FULFILLED))
    )


def requests_for_user(*, user):
    return (SupportRequest.objects.filter(organisation__memberships__user=user)
            .select_related("service", "organisation").distinct())


def officer_queue():
    return (SupportRequest.objects.filter(status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED])
            .select_related("service", "organisation").order_by("due_by", "created_at"))


@dataclass(frozen=True)
class UsageRow:
    organisation: Organisation
    requests: int
    in_place: int
    open: int
    value_pence: int


def usage_by_organisation(*, organisations=None) -> list[UsageRow]:
    """Per organisation: how many requests, how many in place or open, and the value of those in place."""
    qs = SupportRequest.objects.all()
    if organisations is not None:
        qs = qs.filter(organisation__in=organisations)
    rows = (qs.values("organisation")
            .annotate(n=Count("id"),
                      in_place=Count("id", filter=Q(status=RequestStatus.FULFILLED)),
                      open=Count("id", filter=Q(status__in=[RequestStatus.REQUESTED, RequestStatus.ACCEPTED])),
                      value=Sum(F("unit_price_pence") * F("quantity"), filter=Q(status=RequestStatus.FULFILLED)))
            .order_by("organisation"))
    names = Organisation.objects.in_bulk([r["organisation"] for r in rows])
    result = [UsageRow(names[r["organisation"]], r["n"], r["in_place"], r["open"], r["value"] or 0) for r in rows]
    return sorted(result, key=lambda row: row.organisation.name)


def usage_for_organisation(*, organisation):
    return (SupportRequest.objects.filter(organisation=organisation).select_related("service")
            .order_by("-created_at"))
