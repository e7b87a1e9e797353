import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.accounts import services
from coproduce.accounts.models import LetterCode, Role, User, VerificationEvent, WelcomeEmailSent
from coproduce.accounts.tests.factories import UserFactory
from coproduce.audit.models import AuditEntry
from coproduce.places.tests.factories import PostcodeFactory

pytestmark = pytest.mark.django_db


def years_ago(years: int, days: int = 10) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


def register(**overrides):
    postcode = overrides.pop("postcode", None) or PostcodeFactory().postcode
    values = dict(full_name="Amina Warsame", email="Amina@Example.org", date_of_birth=years_ago(40),
                  postcode=postcode.lower().replace(" ", ""), address_line="12 Ferry Lane",
                  password="a-long-and-unusual-passphrase")
    values.update(overrides)
    return services.user_register(**values)


def test_registration_creates_a_pending_resident_in_the_postcodes_neighbourhood(django_capture_on_commit_callbacks):
    row = PostcodeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        user = register(postcode=row.postcode)
    user.refresh_from_db()
    assert user.email == "amina@example.org"
    assert user.postcode == row.postcode
    assert user.neighbourhood == row.neighbourhood
    assert user.verification_status == User.Verification.PENDING
    assert user.role_set() == {Role.RESIDENT}
    assert user.check_password("a-long-and-unusual-passphrase")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    letter = LetterCode.objects.get(user=user)
    assert letter.print_code and letter.code_hash != letter.print_code
    assert letter.code_hash == services.letter_code_hash(user_id=user.pk, code=letter.print_code)
    assert dt.timedelta(days=29) < letter.expires_at - timezone.now() <= dt.timedelta(days=30)
    entry = AuditEntry.objects.get(action="accounts.user.registered")
    assert entry.public is False and entry.object_id == str(user.pk)
    assert VerificationEvent.objects.filter(user=user, to_status="pending").exists()
    # the welcome email went out after commit, once
    assert WelcomeEmailSent.objects.filter(user=user).count() == 1
    assert [m.to for m in mail.outbox] == [["amina@example.org"]]


def test_the_welcome_email_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        user = register()
    assert not WelcomeEmailSent.objects.filter(user=user).exists()
    assert len(callbacks) == 1


@pytest.mark.parametrize("age, young", [(11, True), (25, True), (26, False), (70, False)])
def test_young_people_also_become_young_members(age, young):
    user = register(date_of_birth=years_ago(age))
    assert user.has_role(Role.YOUNG_MEMBER) is young
    assert user.has_role(Role.RESIDENT)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"postcode": "NOT A CODE"}, "postcode", "Enter a real postcode"),
        ({"postcode": "SW1A 1AA"}, "postcode", "SW1A 1AA is not a postcode in"),
        ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth", "must be a real date"),
        ({"date_of_birth": timezone.localdate() + dt.timedelta(days=1)}, "date_of_birth", "must be in the past"),
        ({"date_of_birth": years_ago(10, days=-30)}, "date_of_birth", "11 or older"),
        ({"password": "password123"}, "password", "too common"),
        ({"full_name": "  "}, "full_name", "Enter your full name"),
        ({"address_line": ""}, "address_line", "Enter the first line"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_created(overrides, field, message):
    PostcodeFactory()
    before = (User.objects.count(), LetterCode.objects.count(), AuditEntry.objects.count())
    with pytest.raises(ValidationError) as caught:
        register(**overrides)
    assert field in caught.value.message_dict
    assert any(message in text for text in caught.value.message_dict[field])
    assert (User.objects.count(), LetterCode.objects.count(), AuditEntry.objects.count()) == before


def test_a_duplicate_email_is_refused_whatever_its_case():
    UserFactory(email="taken@example.org")
    with pytest.raises(ValidationError) as caught:
        register(email="TAKEN@example.org")
    assert "already uses this email" in caught.value.message_dict["email"][0]
    assert User.objects.count() == 1
