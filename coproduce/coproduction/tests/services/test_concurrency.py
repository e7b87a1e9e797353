"""The last place at a meeting, taken by several people at once (PostgreSQL only).

Run with COPRODUCE_DATABASE_URL=postgres://… ; on SQLite these are skipped with that reason.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from coproduce.coproduction import services
from coproduce.coproduction.models import Meeting, Registration
from coproduce.coproduction.tests.helpers import collaborative, meeting, resident
from coproduce.needs.tests.services.test_concurrency import _in_threads

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set COPRODUCE_DATABASE_URL=postgres://…")


def test_five_people_for_two_places_at_once():
    m = meeting(collaborative(), capacity=2)
    people = [resident() for _ in range(5)]
    results, errors = _in_threads(5, lambda i: services.meeting_register(
        meeting=Meeting.objects.get(pk=m.pk), person=people[i]))
    assert sum(r is not None for r in results) == 2
    refused = [e for e in errors if e is not None]
    assert len(refused) == 3 and all(isinstance(e, ValidationError) and "full" in e.messages[0] for e in refused)
    assert Registration.objects.filter(meeting=m).count() == 2


def test_one_person_registering_twice_at_once():
    m = meeting(collaborative())
    person = resident()
    results, errors = _in_threads(4, lambda i: services.meeting_register(
        meeting=Meeting.objects.get(pk=m.pk), person=person))
    assert sum(r is not None for r in results) == 1
    assert all("already registered" in e.messages[0] for e in errors if e is not None)
    assert Registration.objects.filter(meeting=m).count() == 1
