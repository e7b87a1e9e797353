"""Reads for places, with the counts the public pages show."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from .models import Neighbourhood, Postcode, Ward
from .postcodes import normalise_postcode


def _residents():
    """Residents are people with an active account whose neighbourhood is known."""
    return apps.get_model("accounts", "User").objects.filter(is_active=True, neighbourhood__isnull=False)


def _count(queryset, group_by: str) -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def ward_list() -> QuerySet[Ward]:
    """Every ward with how many neighbourhoods, residents and organisations it has (one query)."""
    Organisation = apps.get_model("organisations", "Organisation")
    return (
        Ward.objects.select_related("council")
        .annotate(
            neighbourhood_count=_count(Neighbourhood.objects.filter(ward=OuterRef("pk")), "ward"),
            resident_count=_count(_residents().filter(neighbourhood__ward=OuterRef("pk")), "neighbourhood__ward"),
            organisation_count=_count(Organisation.objects.filter(ward=OuterRef("pk")), "ward"),
        )
        .order_by("name")
    )


def ward_get(*, slug: str) -> Ward:
    return get_object_or_404(ward_list(), slug=slug)


def neighbourhood_list(*, ward: Ward | None = None) -> QuerySet[Neighbourhood]:
    queryset = Neighbourhood.objects.select_related("ward").annotate(
        resident_count=_count(_residents().filter(neighbourhood=OuterRef("pk")), "neighbourhood"),
        postcode_count=_count(Postcode.objects.filter(neighbourhood=OuterRef("pk")), "neighbourhood"),
    )
    if ward is not None:
        queryset = queryset.filter(ward=ward)
    return queryset.order_by("name")


def neighbourhood_get(*, slug: str) -> Neighbourhood:
    return get_object_or_404(neighbourhood_list(), slug=slug)


def ward_organisation_list(*, ward: Ward):
    Organisation = apps.get_model("organisations", "Organisation")
    return Organisation.objects.filter(ward=ward).order_by("name")


def postcode_neighbourhood_get(*, postcode: str) -> Neighbourhood | None:
    """The neighbourhood a postcode is in, or None when the postcode is not in the table."""
    normalised = normalise_postcode(postcode)
    if not normalised:
        return None
    row = Postcode.objects.select_related("neighbourhood__ward").filter(postcode=normalised).first()
    return row.neighbourhood if row else None
