"""Reads for organisations, with the visibility rules of the member list."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from .models import Membership, Organisation, OrganisationIdentifier
from .orgid import identifier_warnings


def organisation_list(*, legal_form: str = "", ward_slug: str = "", kind: str = "") -> QuerySet[Organisation]:
    queryset = Organisation.objects.select_related("ward").prefetch_related(
        Prefetch("identifiers", queryset=OrganisationIdentifier.objects.order_by("-is_primary", "scheme"))
    )
    if legal_form:
        queryset = queryset.filter(legal_form=legal_form)
    if ward_slug:
        queryset = queryset.filter(ward__slug=ward_slug)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name", "pk")


def organisation_get(*, slug: str) -> Organisation:
    return get_object_or_404(organisation_list(), slug=slug)


def membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    """Members of one organisation. Callers check `organisations.view_membership` first."""
    return organisation.memberships.select_related("user").order_by("user__full_name", "pk")


def organisation_warnings(*, organisation: Organisation) -> list[str]:
    primary = organisation.primary_identifier
    if primary is None:
        return []
    return identifier_warnings(legal_form=organisation.legal_form, scheme=primary.scheme, identifier=primary.identifier)
