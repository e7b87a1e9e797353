"""Attendance pays time credits through the timebank, in the same transaction (ADR 0530)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coproduce.coproduction import services
from coproduce.coproduction.models import Attendance, Registration
from coproduce.coproduction.tests.helpers import (
    collaborative,
    meeting,
    organiser_of,
    participant,
    resident,
)
from coproduce.timebank import services as timebank
from coproduce.timebank.models import Account, LedgerTransaction
from coproduce.timebank.selectors import ledger_check
from coproduce.timebank.tests.factories import RewardFactory

pytestmark = pytest.mark.django_db


def _balance(person) -> int:
    account = Account.objects.filter(user=person).first()
    return account.balance if account else 0


def test_marking_attendance_pays_one_credit_an_hour_once():
    collab = collaborative()
    m = meeting(collab, days=-1, hours=1.5)
    person = participant(collab)
    attendance = services.attendance_mark(meeting=m, person=person, organiser=organiser_of(collab))
    assert attendance.credit_event_key == f"coproduction.attendance:{m.pk}:{person.pk}"
    assert _balance(person) == 150  # hundredths of a credit
    tx = LedgerTransaction.objects.get(event_key=attendance.credit_event_key)
    assert tx.rule.slug == "meeting_attendance" and attendance.credit_transaction == tx
    again = services.attendance_mark(meeting=m, person=person, organiser=organiser_of(collab))
    assert again.pk == attendance.pk
    assert _balance(person) == 150
    assert LedgerTransaction.objects.count() == 1
    assert ledger_check().ok


def test_a_long_meeting_pays_at_most_the_rules_cap():
    collab = collaborative()
    m = meeting(collab, days=-1, hours=10)
    person = participant(collab)
    services.attendance_mark(meeting=m, person=person, organiser=organiser_of(collab))
    assert _balance(person) == 800


def test_attendance_cannot_be_marked_before_the_meeting():
    collab = collaborative()
    m = meeting(collab, days=2)
    person = participant(collab)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.attendance_mark(meeting=m, person=person, organiser=organiser_of(collab))
    assert not Attendance.objects.exists() and _balance(person) == 0


def test_unmarking_reverses_the_credits_and_marking_again_pays_again():
    collab = collaborative()
    m = meeting(collab, days=-1, hours=2)
    person = participant(collab)
    organiser = organiser_of(collab)
    services.attendance_mark(meeting=m, person=person, organiser=organiser)
    assert services.attendance_unmark(meeting=m, person=person, organiser=organiser) is True
    assert _balance(person) == 0
    first = Attendance.objects.get()
    assert first.unmarked_at is not None and first.reversal_transaction.reverses == first.credit_transaction
    assert services.attendance_unmark(meeting=m, person=person, organiser=organiser) is False
    second = services.attendance_mark(meeting=m, person=person, organiser=organiser)
    assert second.credit_event_key == f"coproduction.attendance:{m.pk}:{person.pk}:2"
    assert _balance(person) == 200
    assert ledger_check().ok


def test_unmarking_is_refused_when_the_credits_are_spent_and_nothing_changes():
    collab = collaborative()
    m = meeting(collab, days=-1, hours=2)
    person = participant(collab)
    organiser = organiser_of(collab)
    services.attendance_mark(meeting=m, person=person, organiser=organiser)
    timebank.reward_claim(member=person, reward=RewardFactory(price=200), event_key="spend-1")
    with pytest.raises(ValidationError, match="cannot be unmarked"):
        services.attendance_unmark(meeting=m, person=person, organiser=organiser)
    assert Attendance.objects.get().unmarked_at is None
    assert _balance(person) == 0
    assert ledger_check().ok


def test_setting_attendance_from_the_list_is_all_or_nothing():
    collab = collaborative()
    m = meeting(collab, days=-1, hours=1)
    organiser = organiser_of(collab)
    spender, stays, newcomer = participant(collab), participant(collab), resident()
    Registration.objects.create(meeting=m, person=newcomer)  # registered before the meeting started
    services.attendance_set(meeting=m, present_ids={spender.pk, stays.pk}, organiser=organiser)
    timebank.reward_claim(member=spender, reward=RewardFactory(price=100), event_key="spend-2")
    # Unticking the spender must fail, and then the newcomer's mark is not kept either.
    with pytest.raises(ValidationError, match="cannot be unmarked"):
        services.attendance_set(meeting=m, present_ids={stays.pk, newcomer.pk}, organiser=organiser)
    assert set(Attendance.objects.filter(unmarked_at__isnull=True).values_list("person_id", flat=True)) == {spender.pk, stays.pk}
    assert _balance(newcomer) == 0
    marked, unmarked = services.attendance_set(meeting=m, present_ids={spender.pk, stays.pk, newcomer.pk}, organiser=organiser)
    assert (marked, unmarked) == (1, 0)
    assert _balance(newcomer) == 100


def test_only_registered_people_and_participants_can_be_marked():
    collab = collaborative()
    m = meeting(collab, days=-1)
    stranger = resident()
    with pytest.raises(ValidationError, match="Only people registered"):
        services.attendance_set(meeting=m, present_ids={stranger.pk}, organiser=organiser_of(collab))
    assert not Attendance.objects.exists()


def test_duration_in_hours_is_to_the_minute():
    m = meeting(collaborative(), days=-1, hours=1 + 40 / 60)
    assert m.duration_hours == Decimal(100) / Decimal(60)
