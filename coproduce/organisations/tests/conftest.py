import itertools

import pytest

from coproduce.accounts.middleware import MFA_SESSION_KEY
from coproduce.accounts.models import Role, RoleAssignment, User

_numbers = itertools.count()


def person(*roles: str, **extra) -> User:
    n = next(_numbers)
    extra.setdefault("full_name", f"Person {n}")
    user = User.objects.create_user(f"person{n}@example.org", "a-long-password", **extra)
    for role in roles:
        RoleAssignment.objects.create(user=user, role=Role(role))
    return user


def sign_in(client, user: User):
    """Sign in, past the staff second-factor check (which accounts tests cover)."""
    client.force_login(user)
    session = client.session
    session[MFA_SESSION_KEY] = user.pk
    session.save()
    return client


@pytest.fixture
def officer():
    return person(Role.OFFICER)


@pytest.fixture
def resident():
    return person(Role.RESIDENT)
