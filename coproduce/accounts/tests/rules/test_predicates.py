import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts import predicates
from coproduce.accounts.models import Role, User
from coproduce.accounts.tests.factories import (
    AdministratorFactory,
    CouncillorFactory,
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_role_predicates_follow_the_roles_held():
    officer, councillor, admin = OfficerFactory(), CouncillorFactory(), AdministratorFactory()
    resident, carer = ResidentFactory(), UserFactory(roles=[Role.CARER])
    assert predicates.is_officer(officer) and not predicates.is_officer(councillor)
    assert predicates.is_councillor(councillor) and predicates.is_administrator(admin)
    assert predicates.is_resident(resident) and not predicates.is_resident(officer)
    assert predicates.has_role(Role.CARER)(carer) and not predicates.has_role("carer")(resident)
    assert [predicates.is_staff_member(u) for u in (officer, councillor, admin, resident, carer)] == [
        True, True, True, False, False]


def test_has_role_refuses_a_misspelt_role():
    with pytest.raises(ValueError):
        predicates.has_role("offcer")


def test_verified_resident_needs_the_role_the_status_and_a_neighbourhood():
    assert predicates.is_verified_resident(ResidentFactory())
    assert not predicates.is_verified_resident(PendingResidentFactory())
    assert not predicates.is_verified_resident(ResidentFactory(neighbourhood=None, postcode=""))
    assert not predicates.is_verified_resident(ResidentFactory(roles=[]))
    assert not predicates.is_verified_resident(ResidentFactory(is_active=False))


def test_anonymous_visitors_hold_no_role():
    anonymous = AnonymousUser()
    for predicate in (predicates.is_resident, predicates.is_officer, predicates.is_staff_member,
                      predicates.is_verified_resident, predicates.is_signed_in):
        assert predicate(anonymous) is False


@pytest.mark.parametrize(
    "perm, allowed",
    [
        ("accounts.verify_user", {"officer", "administrator"}),
        ("accounts.view_user", {"officer", "administrator"}),
        ("accounts.view_lettercode", {"officer", "administrator"}),
        ("accounts.change_role", {"administrator"}),
    ],
)
def test_accounts_permissions(perm, allowed):
    people = {"officer": OfficerFactory(), "councillor": CouncillorFactory(), "administrator": AdministratorFactory(),
              "resident": ResidentFactory(), "nobody": UserFactory()}
    assert {name for name, user in people.items() if user.has_perm(perm)} == allowed
    assert not AnonymousUser().has_perm(perm)


def test_anyone_may_view_their_own_account_but_not_someone_elses():
    me, other = ResidentFactory(), ResidentFactory()
    assert me.has_perm("accounts.view_user", me)
    assert not me.has_perm("accounts.view_user", other)


def test_superusers_do_not_bypass_resident_only_rules():
    rules.add_perm("accounts.test_resident_only", predicates.is_verified_resident)
    try:
        superuser = User.objects.create_superuser("root@example.org", "a-long-and-unusual-passphrase", full_name="Root")
        assert superuser.is_superuser and superuser.has_role(Role.ADMINISTRATOR)
        assert not superuser.has_perm("accounts.test_resident_only")
        assert superuser.has_perm("accounts.change_role")  # through the administrator role
        assert superuser.needs_mfa
        assert superuser.has_perm("places.add_ward")  # a plain Django permission with no rule
        assert ResidentFactory().has_perm("accounts.test_resident_only")
    finally:
        rules.remove_perm("accounts.test_resident_only")


def test_inactive_people_have_no_permissions():
    admin = AdministratorFactory(is_active=False)
    assert not admin.has_perm("accounts.change_role")
