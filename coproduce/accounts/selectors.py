"""Reads for accounts. Officers' lists are built here, with their query counts pinned in tests."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coproduce.places.models import Neighbourhood, Ward

from .models import LetterCode, Role, RoleAssignment, User, VerificationEvent


def user_list(*, q: str | None = None, ward: Ward | None = None, neighbourhood: Neighbourhood | None = None,
              status: str | None = None, role: str | None = None) -> QuerySet[User]:
    """People, filtered for the officers' register. One query for a page of rows."""
    users = User.objects.select_related("neighbourhood__ward").order_by("full_name", "pk")
    if q:
        users = users.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
    if ward is not None:
        users = users.filter(neighbourhood__ward=ward)
    if neighbourhood is not None:
        users = users.filter(neighbourhood=neighbourhood)
    if status:
        users = users.filter(verification_status=status)
    if role:
        users = users.filter(pk__in=RoleAssignment.objects.filter(role=role).values("user_id"))
    return users


def resident_list(**filters) -> QuerySet[User]:
    """People with the resident role (the default view of the register)."""
    filters.setdefault("role", Role.RESIDENT)
    return user_list(**filters)


def user_get(*, pk: int) -> User | None:
    return User.objects.select_related("neighbourhood__ward").filter(pk=pk).first()


def verification_history(*, user: User) -> QuerySet[VerificationEvent]:
    return VerificationEvent.objects.filter(user=user).select_related("actor")


def letters_to_post() -> QuerySet[LetterCode]:
    """Letters waiting to be printed and posted, oldest first."""
    return (
        LetterCode.objects.filter(posted_at__isnull=True, withdrawn_at__isnull=True, used_at__isnull=True)
        .exclude(print_code="")
        .select_related("user__neighbourhood")
        .order_by("created_at", "pk")
    )


def ward_choices() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def neighbourhood_choices(*, ward: Ward | None = None) -> QuerySet[Neighbourhood]:
    neighbourhoods = Neighbourhood.objects.order_by("name")
    return neighbourhoods.filter(ward=ward) if ward is not None else neighbourhoods


def role_assignments(*, user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("granted_by").order_by("role")
