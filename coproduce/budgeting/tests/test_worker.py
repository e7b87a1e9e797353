"""The count runs in a real Celery worker (Redis broker, PostgreSQL) and reports its progress."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.budgeting import counting, services
from coproduce.budgeting.models import Count
from coproduce.core.testing import run_in_real_worker

from .factories import make_process, move_to

REDIS_URL = os.environ.get("COPRODUCE_TEST_REDIS_URL")


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set COPRODUCE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run a real Celery worker")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_counts_the_votes():
    if connection.vendor != "postgresql":
        pytest.skip("the worker is a separate process: it needs a database it can reach (COPRODUCE_DATABASE_URL=postgres://…)")
    process = make_process(phase="voting")
    for choices in [{"1": 1}, {"1": 1, "3": 1}, {"4": 1}, {"2": 1, "3": 1}]:
        services.vote_cast(process=process, user=ResidentFactory(neighbourhood=process.neighbourhood), choices=choices,
                           send_receipt=False)
    move_to(process, "counting")
    count = Count.objects.create(process=process, rule=process.rule, engine_rule=counting.engine_rule(process),
                                 comparison_rule=counting.comparison_rule(process), requested_by=OfficerFactory())

    def finished() -> bool:
        count.refresh_from_db()
        return count.status in (Count.Status.DONE, Count.Status.FAILED)

    output = run_in_real_worker("budgeting.count_ballots", [count.pk], redis_url=REDIS_URL, done=finished)
    count.refresh_from_db()
    assert count.status == Count.Status.DONE, f"status {count.status} {count.error}; worker log:\n{output[-4000:]}"
    assert count.progress == 100 and count.ballots == 4
    pb = counting.engine()
    assert list(pb.count(pb.parse_pb(counting.published_pb(process)), count.engine_rule).selected) == count.selected
    assert "budgeting.count_ballots" in output and "succeeded" in output
