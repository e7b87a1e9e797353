"""Who someone is, as django-rules predicates other apps compose into their permissions.

Predicates look only at roles and verification. `is_superuser` is deliberately not a
shortcut here: a Django superuser who is not a verified resident cannot vote or support
as one (see docs/decisions/0200-superusers-follow-the-rules.md).
"""

from __future__ import annotations

import rules

from .models import STAFF_ROLES, Role


def _is_active_person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def has_role(role: str) -> rules.Predicate:
    """A predicate that is true when the signed-in person holds `role` (a `Role` value)."""
    role = Role(role).value  # fail early on a typo

    @rules.predicate(name=f"has_role:{role}")
    def _has_role(user) -> bool:
        return _is_active_person(user) and user.has_role(role)

    return _has_role


@rules.predicate
def is_signed_in(user) -> bool:
    return _is_active_person(user)


is_resident = has_role(Role.RESIDENT)
is_young_member = has_role(Role.YOUNG_MEMBER)
is_service_user = has_role(Role.SERVICE_USER)
is_carer = has_role(Role.CARER)
is_provider_user = has_role(Role.PROVIDER_USER)
is_evaluator = has_role(Role.EVALUATOR)
is_officer = has_role(Role.OFFICER)
is_councillor = has_role(Role.COUNCILLOR)
is_administrator = has_role(Role.ADMINISTRATOR)


@rules.predicate
def is_staff_member(user) -> bool:
    """Officer, councillor or administrator (the roles that must use MFA)."""
    return _is_active_person(user) and bool(user.role_set() & STAFF_ROLES)


@rules.predicate
def is_verified_resident(user) -> bool:
    """A resident whose address in the borough has been checked (letter code or officer)."""
    return _is_active_person(user) and user.has_role(Role.RESIDENT) and user.is_verified_resident


@rules.predicate
def is_self(user, other) -> bool:
    """The object of the check is the signed-in person themself."""
    return _is_active_person(user) and other is not None and getattr(other, "pk", None) == user.pk
