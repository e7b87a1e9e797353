import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from freezegun import freeze_time

from coproduce.accounts import services
from coproduce.accounts.models import LetterCode, User
from coproduce.accounts.services import LetterCheck
from coproduce.accounts.tests.factories import (
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
)
from coproduce.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def issue(user, code="ABCD2345"):
    letter, plain = services.letter_code_issue(user=user, actor=user, code=code)
    return letter, plain


def test_the_right_code_verifies_the_resident_by_letter():
    user = PendingResidentFactory()
    letter, code = issue(user)
    result = services.letter_code_verify(user=user, code="abcd-2345")  # case and hyphen do not matter
    assert result.outcome == LetterCheck.VERIFIED
    user.refresh_from_db()
    letter.refresh_from_db()
    assert user.verification_status == User.Verification.VERIFIED
    assert user.verification_method == User.VerificationMethod.LETTER
    assert user.is_verified_resident
    assert letter.used_at is not None and letter.print_code == ""
    assert AuditEntry.objects.filter(action="accounts.user.verified", object_id=str(user.pk)).count() == 1


def test_a_code_works_only_once_and_only_for_its_owner():
    owner, other = PendingResidentFactory(), PendingResidentFactory()
    issue(owner, "ABCD2345")
    issue(other, "WXYZ6789")
    assert services.letter_code_verify(user=other, code="ABCD2345").outcome == LetterCheck.WRONG
    assert services.letter_code_verify(user=owner, code="ABCD2345").outcome == LetterCheck.VERIFIED
    assert services.letter_code_verify(user=owner, code="ABCD2345").outcome == LetterCheck.ALREADY_VERIFIED


def test_wrong_tries_are_counted_and_stop_after_five_even_for_the_right_code():
    user = PendingResidentFactory()
    letter, _code = issue(user)
    lefts = [services.letter_code_verify(user=user, code="ZZZZ2222") for _ in range(5)]
    assert [r.attempts_left for r in lefts] == [4, 3, 2, 1, 0]
    assert [r.outcome for r in lefts] == [LetterCheck.WRONG] * 4 + [LetterCheck.LOCKED]
    letter.refresh_from_db()
    assert letter.attempts == services.LETTER_CODE_MAX_ATTEMPTS
    assert services.letter_code_verify(user=user, code="ABCD2345").outcome == LetterCheck.LOCKED
    user.refresh_from_db()
    assert user.verification_status == User.Verification.PENDING


def test_a_code_expires_after_30_days():
    user = PendingResidentFactory()
    issue(user)
    with freeze_time(timezone.now() + dt.timedelta(days=services.LETTER_CODE_DAYS, minutes=1)):
        assert services.letter_code_verify(user=user, code="ABCD2345").outcome == LetterCheck.EXPIRED
    with freeze_time(timezone.now() + dt.timedelta(days=services.LETTER_CODE_DAYS - 1)):
        assert services.letter_code_verify(user=user, code="ABCD2345").outcome == LetterCheck.VERIFIED


def test_a_new_letter_withdraws_the_old_code():
    user = PendingResidentFactory()
    old, _ = issue(user, "ABCD2345")
    issue(user, "EFGH6789")
    old.refresh_from_db()
    assert old.withdrawn_at is not None and old.print_code == ""
    assert services.letter_code_verify(user=user, code="ABCD2345").outcome == LetterCheck.WRONG
    assert services.letter_code_verify(user=user, code="EFGH6789").outcome == LetterCheck.VERIFIED


def test_generated_codes_are_eight_unambiguous_characters():
    user = PendingResidentFactory()
    codes = {services.letter_code_issue(user=user, actor=user)[1] for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 8 and set(code) <= set(services.LETTER_CODE_ALPHABET)
        assert not set(code) & set("01IOL")


def test_no_letters_for_verified_or_rejected_people():
    with pytest.raises(ValidationError):
        services.letter_code_issue(user=ResidentFactory(), actor=None)
    rejected = PendingResidentFactory(verification_status=User.Verification.REJECTED)
    with pytest.raises(ValidationError):
        services.letter_code_issue(user=rejected, actor=None)
    assert LetterCode.objects.count() == 0


def test_marking_a_letter_posted_wipes_its_plain_code_but_the_code_still_works():
    user, officer = PendingResidentFactory(), OfficerFactory()
    letter, _ = issue(user)
    services.letter_mark_posted(letter=letter, actor=officer)
    letter.refresh_from_db()
    assert letter.print_code == "" and letter.posted_by == officer
    with pytest.raises(ValidationError):
        services.letter_mark_posted(letter=letter, actor=officer)
    assert services.letter_code_verify(user=user, code="ABCD2345").outcome == LetterCheck.VERIFIED


def test_in_the_demo_the_letter_is_also_emailed(settings, django_capture_on_commit_callbacks):
    settings.COPRODUCE_DEMO = True
    user = PendingResidentFactory(email="letter@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        issue(user)
    assert len(mail.outbox) == 1
    assert "ABCD-2345" in mail.outbox[0].body and "DEMO ONLY" in mail.outbox[0].body


def test_outside_the_demo_the_code_is_never_emailed(django_capture_on_commit_callbacks):
    user = PendingResidentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        issue(user)
    assert mail.outbox == []


def test_no_letter_without_an_address_in_the_borough():
    officer = OfficerFactory()
    with pytest.raises(ValidationError, match="no address in the borough"):
        services.letter_code_issue(user=officer, actor=officer)
    assert LetterCode.objects.count() == 0
