"""Who may do what with shared support services."""

from __future__ import annotations

import rules

from coproduce.accounts.predicates import is_officer, is_provider_user  # noqa: F401 (re-exported)
from coproduce.organisations.models import Membership


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


@rules.predicate
def belongs_to_an_organisation(user) -> bool:
    return _active(user) and Membership.objects.filter(user=user).exists()


@rules.predicate
def belongs_to_requesting_organisation(user, request) -> bool:
    return _active(user) and request is not None and Membership.objects.filter(
        user=user, organisation_id=request.organisation_id).exists()


@rules.predicate
def belongs_to_organisation(user, organisation) -> bool:
    return _active(user) and organisation is not None and Membership.objects.filter(
        user=user, organisation=organisation).exists()
