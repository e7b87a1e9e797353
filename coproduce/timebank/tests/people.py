"""People for tests: `accounts.User` rows with roles, residency and a signed-in client helper.

Used by the trusts and timebank tests (both apps' own helpers, nothing shared with others).
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from coproduce.accounts.middleware import MFA_SESSION_KEY
from coproduce.accounts.models import Role, RoleAssignment, User

_counter = itertools.count(1)


def person(*, roles=(Role.RESIDENT,), neighbourhood=None, verified: bool = True, date_of_birth=None,
           age: int | None = None, full_name: str | None = None, **extra) -> User:
    """A user; verified residents get a neighbourhood (made up if none is given)."""
    n = next(_counter)
    if verified and neighbourhood is None and Role.RESIDENT in roles:
        from coproduce.places.tests.factories import NeighbourhoodFactory

        neighbourhood = NeighbourhoodFactory()
    if age is not None:  # had their birthday a month ago
        today = timezone.localdate()
        try:
            born = today.replace(year=today.year - age)
        except ValueError:  # 29 February
            born = today.replace(year=today.year - age, day=28)
        date_of_birth = born - dt.timedelta(days=30)
    user = User.objects.create_user(
        email=extra.pop("email", f"person{n}@example.org"),
        password="a long test password",
        full_name=full_name or f"Person {n}",
        neighbourhood=neighbourhood,
        date_of_birth=date_of_birth,
        verification_status=User.Verification.VERIFIED if verified else User.Verification.UNVERIFIED,
        verified_at=timezone.now() if verified else None,
        **extra,
    )
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return user


def officer(**kwargs) -> User:
    return person(roles=(Role.OFFICER,), verified=False, **kwargs)


def sign_in(client, user) -> None:
    """Sign in, passing the staff second-factor check as a real sign-in would."""
    client.force_login(user)
    if user.needs_mfa:
        session = client.session
        session[MFA_SESSION_KEY] = user.pk
        session.save()
