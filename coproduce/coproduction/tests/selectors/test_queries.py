"""Co-production lists cost a fixed number of queries, however many rows they show."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.tests.helpers import collaborative, meeting, organiser_of, participant

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _actions(collab, n):
    for i in range(n):
        services.action_record(collaborative=collab, title=f"Action {i}", owner=organiser_of(collab),
                               due_date=timezone.localdate() + dt.timedelta(days=i), actor=organiser_of(collab))


def test_lists_do_not_grow_with_their_rows(client):
    first = collaborative()
    _actions(first, 2)
    meeting(first)
    urls = [reverse("coproduction:collaborative_list"), reverse("coproduction:action_list"), first.get_absolute_url()]
    small = [_count(client, u) for u in urls]
    for i in range(4):
        other = collaborative(name=f"Collaborative {i}")
        participant(other)
        meeting(other)
    _actions(first, 30)
    for days in (3, 5, -3, -5):
        meeting(first, days=days)
    large = [_count(client, u) for u in urls]
    assert small == large
    # collaborative list: one annotated query; actions: collaboratives, count, page;
    # collaborative page: it, counts by type, upcoming, past, open actions, action counts
    assert small == [1, 3, 6]
