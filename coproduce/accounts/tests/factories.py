"""factory_boy factories for people. Other apps import these in their tests.

    ResidentFactory()                       verified resident with a neighbourhood and postcode
    PendingResidentFactory()                registered, waiting for residency checks
    OfficerFactory() / CouncillorFactory() / AdministratorFactory()
    UserFactory(roles=[Role.CARER])         any mix of roles

Every user's password is `DEFAULT_PASSWORD`. To sign a user in on a test client, past the
staff MFA check, use `coproduce.accounts.testing.sign_in(client, user)`.
"""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from coproduce.accounts.models import Role, RoleAssignment, TotpDevice, User
from coproduce.places.tests.factories import NeighbourhoodFactory, PostcodeFactory

DEFAULT_PASSWORD = "correct-horse-battery-staple"
#: A fixed TOTP secret for staff created `with_device=True` (base32).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _roles_hook(default: tuple[str, ...]):
    def hook(user, create, extracted, **kwargs):
        if not create:
            return
        wanted = default if extracted is None else tuple(extracted)
        for role in wanted:
            RoleAssignment.objects.get_or_create(user=user, role=Role(role))
        user.__dict__.pop("_role_cache", None)

    return factory.PostGeneration(hook)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    password = factory.LazyFunction(lambda: make_password(DEFAULT_PASSWORD))
    date_of_birth = dt.date(1980, 5, 17)
    roles = _roles_hook(())


def _postcode_in(user) -> str:
    if user.neighbourhood is None:
        return ""
    row = user.neighbourhood.postcodes.first() or PostcodeFactory(neighbourhood=user.neighbourhood)
    return row.postcode


class ResidentFactory(UserFactory):
    """A verified resident: resident role, a neighbourhood and a postcode in it."""

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    postcode = factory.LazyAttribute(_postcode_in)
    address_line = factory.Sequence(lambda n: f"{n + 1} Test Street")
    verification_status = User.Verification.VERIFIED
    verification_method = User.VerificationMethod.OFFICER
    verified_at = factory.LazyFunction(timezone.now)
    roles = _roles_hook((Role.RESIDENT,))


class PendingResidentFactory(ResidentFactory):
    verification_status = User.Verification.PENDING
    verification_method = ""
    verified_at = None


class YoungMemberFactory(ResidentFactory):
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=17 * 365 + 30))
    roles = _roles_hook((Role.RESIDENT, Role.YOUNG_MEMBER))


def _device_hook(user, create, extracted, **kwargs):
    if create and extracted:
        TotpDevice.objects.create(user=user, secret=TEST_TOTP_SECRET, confirmed=True)


class OfficerFactory(UserFactory):
    """Staff: `with_device=True` gives them a confirmed authenticator with TEST_TOTP_SECRET."""

    roles = _roles_hook((Role.OFFICER,))
    with_device = factory.PostGeneration(_device_hook)


class CouncillorFactory(OfficerFactory):
    roles = _roles_hook((Role.COUNCILLOR,))


class AdministratorFactory(OfficerFactory):
    roles = _roles_hook((Role.ADMINISTRATOR,))


class ProviderUserFactory(UserFactory):
    roles = _roles_hook((Role.PROVIDER_USER,))


class EvaluatorFactory(ResidentFactory):
    roles = _roles_hook((Role.RESIDENT, Role.EVALUATOR))
