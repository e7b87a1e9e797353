"""Collaboratives and meetings for tests. People come from `coproduce.needs.tests.people`."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.models import Meeting, ParticipantType
from coproduce.needs.tests.people import officer, person, resident, sign_in  # noqa: F401 - re-exported


def collaborative(*, organiser=None, name="Living Well Collaborative", **kwargs):
    organiser = organiser or officer(full_name="Olu Organiser")
    return services.collaborative_create(
        name=name, summary="Service users, carers, practitioners and commissioners design mental-health services.",
        created_by=organiser, **kwargs,
    )


def organiser_of(collab):
    return collab.participants.get(is_organiser=True).person


def meeting(collab, *, days: float = 7, hours: float = 1.5, capacity: int = 20, **kwargs) -> Meeting:
    """A meeting `days` from now (negative: in the past, written directly as the service refuses it)."""
    starts = timezone.now() + dt.timedelta(days=days)
    starts = starts.replace(second=0, microsecond=0)
    values = {
        "collaborative": collab, "title": kwargs.pop("title", "Breakfast meeting"), "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=hours), "venue": kwargs.pop("venue", "Town hall, room 2"),
        "online_url": kwargs.pop("online_url", ""), "accessibility": "Step-free access and a hearing loop.",
        "agenda": "Welcome\nCrisis support at night", "capacity": capacity,
    }
    values.update(kwargs)
    if days > 0:
        values.pop("collaborative")
        return services.meeting_schedule(collaborative=collab, organiser=organiser_of(collab), **values)
    return Meeting.objects.create(organiser=organiser_of(collab), **values)


def participant(collab, *, participant_type=ParticipantType.SERVICE_USER, who=None):
    who = who or resident()
    services.participant_join(collaborative=collab, person=who, participant_type=participant_type)
    return who
