import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.models import Meeting, Registration
from coproduce.coproduction.tests.helpers import collaborative, meeting, organiser_of, resident

pytestmark = pytest.mark.django_db


def _schedule(collab, **overrides):
    start = timezone.now() + dt.timedelta(days=3)
    values = {"title": "Breakfast meeting", "starts_at": start, "ends_at": start + dt.timedelta(hours=2),
              "venue": "Town hall", "accessibility": "Step-free", "capacity": 10}
    values.update(overrides)
    return services.meeting_schedule(collaborative=collab, organiser=organiser_of(collab), **values)


def test_a_meeting_in_the_past_is_refused_and_nothing_is_saved():
    collab = collaborative()
    with pytest.raises(ValidationError) as exc:
        _schedule(collab, starts_at=timezone.now() - dt.timedelta(hours=1))
    assert exc.value.message_dict["starts_at"] == ["The meeting must start in the future"]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"venue": "", "online_url": ""}, "venue"),
    ({"capacity": 0}, "capacity"),
    ({"accessibility": "  "}, "accessibility"),
    ({"title": ""}, "title"),
])
def test_incomplete_meetings_are_refused(overrides, field):
    with pytest.raises(ValidationError) as exc:
        _schedule(collaborative(), **overrides)
    assert field in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_a_meeting_must_end_after_it_starts():
    start = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _schedule(collaborative(), starts_at=start, ends_at=start)
    assert exc.value.message_dict["ends_at"] == ["The meeting must end after it starts"]


def test_the_database_refuses_a_meeting_without_a_place_or_ending_first():
    collab = collaborative()
    start = timezone.now()
    base = {"collaborative": collab, "title": "x", "starts_at": start, "accessibility": "a", "capacity": 5}
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(**base, ends_at=start + dt.timedelta(hours=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(**base, ends_at=start, venue="Hall")


def test_registering_with_access_needs():
    m = meeting(collaborative())
    person = resident()
    registration = services.meeting_register(meeting=m, person=person, access_needs="  I use a wheelchair. ")
    assert registration.access_needs == "I use a wheelchair."


def test_registering_twice_is_refused_and_changes_nothing():
    m = meeting(collaborative())
    person = resident()
    services.meeting_register(meeting=m, person=person, access_needs="Large print")
    with pytest.raises(ValidationError, match="already registered"):
        services.meeting_register(meeting=m, person=person, access_needs="Something else")
    assert Registration.objects.get().access_needs == "Large print"


def test_the_database_allows_one_registration_per_person():
    m = meeting(collaborative())
    person = resident()
    services.meeting_register(meeting=m, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(meeting=m, person=person)


def test_a_full_meeting_is_refused_and_a_cancelled_place_frees_one():
    m = meeting(collaborative(), capacity=2)
    first, second, third = resident(), resident(), resident()
    services.meeting_register(meeting=m, person=first)
    services.meeting_register(meeting=m, person=second)
    with pytest.raises(ValidationError, match="This meeting is full: all 2 places are taken."):
        services.meeting_register(meeting=m, person=third)
    assert Registration.objects.count() == 2
    assert services.registration_cancel(meeting=m, person=first) is True
    assert services.registration_cancel(meeting=m, person=first) is False
    services.meeting_register(meeting=m, person=third)
    with pytest.raises(ValidationError, match="full"):
        services.meeting_register(meeting=m, person=first)
    assert Registration.objects.active().count() == 2


def test_coming_back_after_cancelling_reuses_the_registration():
    m = meeting(collaborative())
    person = resident()
    services.meeting_register(meeting=m, person=person)
    services.registration_cancel(meeting=m, person=person)
    again = services.meeting_register(meeting=m, person=person, access_needs="Quiet room")
    assert Registration.objects.count() == 1 and again.is_active and again.access_needs == "Quiet room"


def test_registration_closes_when_the_meeting_starts():
    m = meeting(collaborative(), days=-0.01)
    with pytest.raises(ValidationError, match="already started"):
        services.meeting_register(meeting=m, person=resident())
    assert not Registration.objects.exists()


def test_minutes_only_after_the_meeting_started_and_not_empty():
    collab = collaborative()
    future, past = meeting(collab), meeting(collab, days=-1)
    with pytest.raises(ValidationError, match="once the meeting has started"):
        services.minutes_record(meeting=future, minutes="We met.", actor=organiser_of(collab))
    with pytest.raises(ValidationError):
        services.minutes_record(meeting=past, minutes="   ", actor=organiser_of(collab))
    services.minutes_record(meeting=past, minutes="  We agreed a crisis café. ", actor=organiser_of(collab))
    past.refresh_from_db()
    assert past.minutes == "We agreed a crisis café." and past.minutes_recorded_at is not None
    future.refresh_from_db()
    assert future.minutes == ""
