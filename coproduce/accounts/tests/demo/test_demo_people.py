import random

import pytest
from django.contrib.auth import authenticate
from django.db.models import Count

from coproduce.accounts import demo, services, totp
from coproduce.accounts.models import LetterCode, Role, RoleAssignment, TotpDevice, User
from coproduce.places import demo as places_demo
from coproduce.places.models import Neighbourhood, Postcode

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo borough's places and people, seeded once for this module and flushed after."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        rng = random.Random(20120601)
        places_demo.seed(rng=rng, log=lambda _m: None)
        lines: list[str] = []
        demo.seed(rng=rng, log=lines.append)
        yield lines
        call_command("flush", interactive=False, verbosity=0)


def test_at_least_2000_residents_spread_over_every_neighbourhood(seeded):
    lines = seeded
    residents = User.objects.filter(roles__role=Role.RESIDENT)
    assert residents.count() >= 2000
    per_neighbourhood = dict(residents.values_list("neighbourhood").annotate(n=Count("pk")))
    assert set(per_neighbourhood) == set(Neighbourhood.objects.values_list("pk", flat=True))
    # postcodes come from the resident's own neighbourhood
    postcode_home = dict(Postcode.objects.values_list("postcode", "neighbourhood_id"))
    assert all(postcode_home[p] == n for p, n in residents.values_list("postcode", "neighbourhood_id"))
    statuses = dict(User.objects.values_list("verification_status").annotate(n=Count("pk")))
    assert statuses["verified"] > 0.8 * residents.count() and statuses["pending"] > 100
    assert "residents" in lines[-1]


def test_young_members_are_the_11_to_25_year_olds(seeded):
    from django.utils import timezone

    today = timezone.localdate()
    young = set(RoleAssignment.objects.filter(role=Role.YOUNG_MEMBER).values_list("user_id", flat=True))
    for pk, dob in User.objects.filter(roles__role=Role.RESIDENT).values_list("pk", "date_of_birth"):
        assert (pk in young) == (11 <= services.age_on(dob, today) <= 25)
    assert len(young) > 100


def test_one_named_login_per_role_whose_password_works(seeded):
    for login in demo.DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        # the kept hash of this login's password (checked against the password in the test below)
        assert user.password == demo.DEMO_PASSWORD_HASHES[login.password], login.email
        assert set(login.roles) == set(user.role_set())
    assert authenticate(username="officer@" + demo.DEMO_DOMAIN, password="demo-officer-2026") is not None
    assert {r for login in demo.DEMO_LOGINS for r in login.roles} == set(Role.values)
    bulk = User.objects.filter(email__endswith=f"1@{demo.DEMO_DOMAIN}").exclude(
        email__in=[login.email for login in demo.DEMO_LOGINS]).first()
    assert authenticate(username=bulk.email, password=demo.RESIDENT_PASSWORD) == bulk


def test_staff_logins_have_an_authenticator_and_demo_code_works(seeded, settings):
    import io

    from django.core.management import call_command

    settings.COPRODUCE_DEMO = True
    for key in demo.STAFF_KEYS:
        login = next(lg for lg in demo.DEMO_LOGINS if lg.key == key)
        device = TotpDevice.objects.get(user__email=login.email)
        assert device.confirmed and device.secret == login.totp_secret
        out = io.StringIO()
        call_command("demo_code", login.email, stdout=out)
        assert out.getvalue().strip() == totp.code_at_step(device.secret, totp.current_step())
    assert TotpDevice.objects.count() == len(demo.STAFF_KEYS)


def test_pending_residents_have_letters_and_the_named_one_can_verify(seeded):
    assert LetterCode.objects.exclude(print_code="").count() > 20
    pending = User.objects.get(email=f"pending@{demo.DEMO_DOMAIN}")
    letter = services.letter_code_live(user=pending)
    assert services.letter_code_verify(user=pending, code=letter.print_code).outcome == services.LetterCheck.VERIFIED


def test_the_login_table_lists_every_login_and_explains_demo_code(seeded):
    table = demo.demo_login_table()
    for login in demo.DEMO_LOGINS:
        assert login.email in table and login.password in table
    assert "coproduce demo-code" in table and "only in this demo" in table
    letter = services.letter_code_live(user=User.objects.get(email=f"pending@{demo.DEMO_DOMAIN}"))
    assert services.format_letter_code(letter.print_code) in table


def test_the_kept_password_hashes_match_their_demo_passwords():
    from django.contrib.auth.hashers import check_password

    passwords = {demo.RESIDENT_PASSWORD, *(login.password for login in demo.DEMO_LOGINS)}
    assert set(demo.DEMO_PASSWORD_HASHES) == passwords
    for password, encoded in demo.DEMO_PASSWORD_HASHES.items():
        assert encoded.startswith("argon2$")
        assert check_password(password, encoded), password


def test_the_readme_lists_every_demo_login_with_its_password():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[4] / "README.md").read_text(encoding="utf-8")
    assert "DEMO_LOGINS_TABLE" not in readme
    for login in demo.DEMO_LOGINS:
        row = next((line for line in readme.splitlines() if f"`{login.email}`" in line), None)
        assert row is not None, f"README has no row for {login.email}"
        assert f"`{login.password}`" in row, f"README gives the wrong password for {login.email}"
    assert f"`{demo.RESIDENT_PASSWORD}`" in readme
