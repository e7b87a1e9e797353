"""Double submission at the same instant: the database's unique constraint lets exactly one through.

Runs on PostgreSQL (real concurrent transactions); SQLite serialises all writers, so the
test would prove nothing there and is skipped with that reason.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.budgeting.models import Ballot, VoterRecord

from .factories import make_process

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions (set COPRODUCE_DATABASE_URL); SQLite serialises writers")


@pytest.mark.parametrize("parallel", [2, 8])
def test_parallel_double_submission_stores_one_ballot(parallel):
    _require_postgres()
    from django.test import Client

    process = make_process(phase="voting")
    voter = ResidentFactory(neighbourhood=process.neighbourhood)
    url = reverse("budgeting:vote", kwargs={"slug": process.slug})
    clients = [sign_in(Client(), voter) for _ in range(parallel)]
    barrier = threading.Barrier(parallel)
    statuses: list[int] = []
    bodies: list[str] = []
    lock = threading.Lock()

    def submit(client, choice):
        try:
            barrier.wait(timeout=10)
            response = client.post(url, {"projects": [choice]})
            with lock:
                statuses.append(response.status_code)
                bodies.append(response.content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(c, str(1 + i % 4))) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(statuses) == [200] * (parallel - 1) + [302], statuses
    assert sum("already voted" in b for b in bodies) == parallel - 1
    assert VoterRecord.objects.filter(process=process, user=voter).count() == 1
    assert Ballot.objects.filter(process=process).count() == 1


def test_many_voters_at_once_all_get_in():
    _require_postgres()
    from django.test import Client

    process = make_process(phase="voting")
    voters = [ResidentFactory(neighbourhood=process.neighbourhood) for _ in range(10)]
    url = reverse("budgeting:vote", kwargs={"slug": process.slug})
    barrier = threading.Barrier(len(voters))
    statuses: list[int] = []

    def submit(voter):
        try:
            client = sign_in(Client(), voter)
            barrier.wait(timeout=10)
            statuses.append(client.post(url, {"projects": ["1", "2"]}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(v,)) for v in voters]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [302] * 10
    assert (VoterRecord.objects.filter(process=process).count(), Ballot.objects.filter(process=process).count()) == (10, 10)
