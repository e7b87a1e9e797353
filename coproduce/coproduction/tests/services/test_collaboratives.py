import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.coproduction import services
from coproduce.coproduction.models import Participant, ParticipantType
from coproduce.coproduction.selectors import participant_counts
from coproduce.coproduction.tests.helpers import (
    collaborative,
    officer,
    organiser_of,
    participant,
    resident,
)

pytestmark = pytest.mark.django_db


def test_whoever_sets_it_up_is_its_first_organiser():
    person = officer()
    collab = collaborative(organiser=person, name="Young Riverside Forum")
    assert collab.slug == "young-riverside-forum"
    assert Participant.objects.get(collaborative=collab).person == person
    assert organiser_of(collab) == person
    assert AuditEntry.objects.get(action="coproduction.collaborative.created").public
    assert collaborative(name="Young Riverside Forum").slug == "young-riverside-forum-2"


def test_joining_with_a_type_and_the_public_counts():
    collab = collaborative()
    participant(collab, participant_type=ParticipantType.CARER)
    participant(collab, participant_type=ParticipantType.CARER)
    participant(collab, participant_type=ParticipantType.SERVICE_USER)
    assert participant_counts(collaborative=collab) == [
        ("Person who uses services", 1), ("Carer", 2), ("Commissioner", 1),
    ]


def test_joining_twice_is_refused_and_changes_nothing():
    collab = collaborative()
    person = participant(collab)
    with pytest.raises(ValidationError, match="You already take part"):
        services.participant_join(collaborative=collab, person=person, participant_type=ParticipantType.CARER)
    assert Participant.objects.get(collaborative=collab, person=person).participant_type == ParticipantType.SERVICE_USER


def test_staff_types_cannot_be_chosen_by_oneself():
    with pytest.raises(ValidationError) as exc:
        services.participant_join(collaborative=collaborative(), person=resident(),
                                  participant_type=ParticipantType.COMMISSIONER)
    assert exc.value.message_dict == {"participant_type": ["Select how you take part"]}


def test_a_closed_collaborative_takes_nobody_new():
    collab = collaborative(is_open=False)
    with pytest.raises(ValidationError, match="not taking new participants"):
        participant(collab)
    assert collab.participants.count() == 1


def test_leaving_and_coming_back():
    collab = collaborative()
    person = participant(collab)
    assert services.participant_leave(collaborative=collab, person=person) is True
    assert services.participant_leave(collaborative=collab, person=person) is False
    assert participant_counts(collaborative=collab) == [("Commissioner", 1)]
    services.participant_join(collaborative=collab, person=person, participant_type=ParticipantType.CARER)
    assert Participant.objects.get(collaborative=collab, person=person).left_at is None


def test_the_last_organiser_cannot_leave_until_someone_else_organises():
    collab = collaborative()
    first = organiser_of(collab)
    with pytest.raises(ValidationError, match="only organiser"):
        services.participant_leave(collaborative=collab, person=first)
    second = officer()
    services.participant_set(collaborative=collab, person=second, participant_type=ParticipantType.PRACTITIONER,
                             is_organiser=True, actor=first)
    assert services.participant_leave(collaborative=collab, person=first) is True
    with pytest.raises(ValidationError, match="at least one organiser"):
        services.participant_set(collaborative=collab, person=second, participant_type=ParticipantType.PRACTITIONER,
                                 is_organiser=False, actor=second)
