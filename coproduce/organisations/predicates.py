"""Who someone is to an organisation. Role predicates (officer, administrator) come from accounts."""

from __future__ import annotations

import rules

from .models import Membership


def _member_roles(user, organisation) -> frozenset[str]:
    """The signed-in person's roles in the organisation, cached on the user for this request."""
    if organisation is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache = user.__dict__.setdefault("_organisation_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = frozenset(
            Membership.objects.filter(organisation=organisation, user=user).values_list("role", flat=True)
        )
    return cache[organisation.pk]


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return bool(_member_roles(user, organisation))


@rules.predicate
def is_organisation_owner(user, organisation) -> bool:
    return Membership.MemberRole.OWNER in _member_roles(user, organisation)
