"""People and needs for tests of the needs and coproduction apps.

`accounts.User` rows with roles and residency, a signed-in client helper that passes the
staff second factor, and a `need()` maker that goes through the service like a resident would.
"""

from __future__ import annotations

import itertools

from django.utils import timezone

from coproduce.accounts.middleware import MFA_SESSION_KEY
from coproduce.accounts.models import Role, RoleAssignment, User
from coproduce.places.tests.factories import NeighbourhoodFactory

_counter = itertools.count(1)


def person(*, roles=(Role.RESIDENT,), neighbourhood=None, verified: bool = True, **extra) -> User:
    """A user with `roles`; a verified resident gets a (made-up) neighbourhood unless given one."""
    n = next(_counter)
    if verified and neighbourhood is None and Role.RESIDENT in roles:
        neighbourhood = NeighbourhoodFactory()
    user = User.objects.create_user(
        email=extra.pop("email", f"needs-person{n}@example.org"),
        password="a long test password",
        full_name=extra.pop("full_name", f"Person {n}"),
        neighbourhood=neighbourhood,
        verification_status=User.Verification.VERIFIED if verified else User.Verification.UNVERIFIED,
        verified_at=timezone.now() if verified else None,
        **extra,
    )
    for role in roles:
        RoleAssignment.objects.create(user=user, role=role)
    return user


def resident(**kwargs) -> User:
    return person(roles=(Role.RESIDENT,), **kwargs)


def officer(**kwargs) -> User:
    return person(roles=(Role.OFFICER,), verified=False, **kwargs)


def sign_in(client, user) -> None:
    """Sign in, passing the staff second-factor check as a real sign-in would."""
    client.force_login(user)
    if user.needs_mfa:
        session = client.session
        session[MFA_SESSION_KEY] = user.pk
        session.save()


def need(*, raised_by=None, title="Somewhere safe for teenagers in the evening", category="youth",
         neighbourhood=None, ward=None, borough_wide=False, **kwargs):
    """A need raised through the service (for the raiser's neighbourhood unless a place is given)."""
    from coproduce.needs.services import need_raise

    raised_by = raised_by or resident()
    if neighbourhood is None and ward is None and not borough_wide:
        neighbourhood = raised_by.neighbourhood or NeighbourhoodFactory()
    return need_raise(
        raised_by=raised_by, title=title, description=kwargs.pop("description", "The youth club closed last year."),
        category=category, neighbourhood=neighbourhood, ward=ward, borough_wide=borough_wide, **kwargs,
    )
