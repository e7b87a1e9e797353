import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coproduce.audit.models import AuditEntry
from coproduce.coproduction import services
from coproduce.coproduction.models import Action, ActionStatus, ParticipantType
from coproduce.coproduction.selectors import open_actions
from coproduce.coproduction.tests.helpers import (
    collaborative,
    meeting,
    officer,
    organiser_of,
    participant,
    resident,
)
from coproduce.needs.tests.people import need

pytestmark = pytest.mark.django_db


def _soon(days=14):
    return timezone.localdate() + dt.timedelta(days=days)


def test_an_idea_linked_to_needs():
    collab = collaborative()
    m = meeting(collab, days=-1)
    crisis, housing = need(title="Somewhere to go in a crisis at night"), need(title="Supported housing")
    idea = services.idea_record(meeting=m, title="A crisis café open until 2am", actor=organiser_of(collab),
                                needs=[crisis, housing])
    assert set(idea.needs.all()) == {crisis, housing}
    assert set(crisis.coproduction_ideas.all()) == {idea}
    assert AuditEntry.objects.get(action="coproduction.idea.recorded").data["needs"] == sorted([crisis.pk, housing.pk])


def test_an_action_has_an_owner_a_due_date_and_stays_open_until_done():
    collab = collaborative()
    m = meeting(collab, days=-1)
    organiser = organiser_of(collab)
    carer = participant(collab, participant_type=ParticipantType.CARER)
    action = services.action_record(collaborative=collab, meeting=m, title="Visit the Leeds crisis café",
                                    owner=carer, due_date=_soon(), actor=organiser, needs=[need()])
    assert action.owner_label == "Carer"  # not the carer's name
    assert list(open_actions()) == [action]
    services.action_update_status(action=action, status=ActionStatus.IN_PROGRESS, actor=carer, note="Booked for May")
    assert list(open_actions(collaborative=collab)) == [action]
    services.action_update_status(action=action, status=ActionStatus.DONE, actor=organiser)
    action.refresh_from_db()
    assert action.completed_at is not None
    assert list(open_actions()) == []
    history = [(u.from_status, u.to_status, u.by_label) for u in action.updates.all()]
    assert history == [("open", "in_progress", "Carer"), ("in_progress", "done", "Olu Organiser (Officer)")]
    services.action_update_status(action=action, status=ActionStatus.IN_PROGRESS, actor=organiser, note="Reopened")
    action.refresh_from_db()
    assert action.completed_at is None and list(open_actions()) == [action]


def test_an_officer_owner_is_named():
    collab = collaborative()
    owner = officer(full_name="Sam Commissioner")
    services.participant_set(collaborative=collab, person=owner, participant_type=ParticipantType.COMMISSIONER,
                             is_organiser=False, actor=organiser_of(collab))
    action = services.action_record(collaborative=collab, title="Cost the café", owner=owner, due_date=_soon(),
                                    actor=organiser_of(collab))
    assert action.owner_label == "Sam Commissioner (Officer)"


@pytest.mark.parametrize("problem", ["not_participant", "past_due"])
def test_bad_actions_are_refused_and_nothing_is_saved(problem):
    collab = collaborative()
    owner = resident() if problem == "not_participant" else participant(collab)
    due = _soon(-1) if problem == "past_due" else _soon()
    with pytest.raises(ValidationError) as exc:
        services.action_record(collaborative=collab, title="Do it", owner=owner, due_date=due, actor=organiser_of(collab))
    expected = {"not_participant": "owner", "past_due": "due_date"}[problem]
    assert expected in exc.value.message_dict
    assert not Action.objects.exists()


def test_status_changes_follow_the_map():
    collab = collaborative()
    action = services.action_record(collaborative=collab, title="Do it", owner=organiser_of(collab), due_date=_soon(),
                                    actor=organiser_of(collab))
    with pytest.raises(ValidationError):
        services.action_update_status(action=action, status=ActionStatus.OPEN, actor=organiser_of(collab))
    with pytest.raises(ValidationError):
        services.action_update_status(action=action, status="abandoned", actor=organiser_of(collab))
    assert action.updates.count() == 0


def test_overdue_actions():
    collab = collaborative()
    action = services.action_record(collaborative=collab, title="Do it", owner=organiser_of(collab), due_date=_soon(0),
                                    actor=organiser_of(collab))
    assert not action.is_overdue()
    assert action.is_overdue(today=_soon(1))
    assert list(Action.objects.overdue(today=_soon(1))) == [action]


def test_links_go_only_to_commissioning_or_budgeting():
    collab = collaborative()
    action = services.action_record(collaborative=collab, title="Do it", owner=organiser_of(collab), due_date=_soon(),
                                    actor=organiser_of(collab))
    with pytest.raises(ValidationError, match="only be linked to commissioning or budgeting"):
        services.link_to_elsewhere(item=action, target=need(), actor=organiser_of(collab))
    action.refresh_from_db()
    assert action.linked_object is None
