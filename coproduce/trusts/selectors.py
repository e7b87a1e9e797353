"""Reads for trusts, with their visibility rules: member counts are public, names are not."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404

from .models import BoardSeat, MemberClass, Membership, Proposal, Trust


def trust_list():
    """Every trust with its current member count (one query)."""
    return (
        Trust.objects.select_related("council")
        .annotate(members=Count("memberships", filter=Q(memberships__left_at__isnull=True)))
        .prefetch_related(Prefetch("member_classes", queryset=MemberClass.objects.order_by("position", "name")))
        .order_by("name")
    )


def trust_get(*, slug: str) -> Trust:
    return get_object_or_404(Trust.objects.select_related("council", "organisation"), slug=slug)


def member_counts_by_class(*, trust: Trust) -> list[tuple[MemberClass, int]]:
    classes = trust.member_classes.annotate(
        members=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    ).order_by("position", "name")
    return [(c, c.members) for c in classes]


def membership_current(*, trust: Trust, user) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.current().filter(trust=trust, user=user).select_related("member_class").first()


def register_list(*, trust: Trust):
    """The register of members, current and past, oldest first: for the board and trust officers only."""
    return (
        Membership.objects.filter(trust=trust)
        .select_related("user", "member_class", "recorded_by")
        .order_by("joined_at", "id")
    )


def board_list(*, trust: Trust):
    return BoardSeat.objects.filter(trust=trust, ended_on__isnull=True).select_related("user").order_by("role", "started_on")


def proposal_list(*, trust: Trust):
    return (
        Proposal.objects.filter(trust=trust)
        .annotate(responded=Count("responses"))
        .order_by("status", "-closes_at")
    )


def proposal_get(*, trust: Trust, pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.select_related("trust", "author", "closed_by"), trust=trust, pk=pk)


def trusts_of(*, user):
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.current().filter(user=user).select_related("trust", "member_class")
