"""The count runs in a real Celery worker (Redis broker, PostgreSQL) and reports its progress."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.budgeting import counting, services
from coproduce.budgeting.models import Count

from .factories import make_process, move_to

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("COPRODUCE_TEST_REDIS_URL")


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}{port}/{quote(s['NAME'])}"


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
    queue = f"coproduce-budgeting-test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "COPRODUCE_DATABASE_URL": _database_url(),
           "COPRODUCE_REDIS_URL": REDIS_URL}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        from celery import Celery

        Celery("coproduce-budgeting-probe", broker=REDIS_URL).send_task("budgeting.count_ballots", args=[count.pk], queue=queue)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and worker.poll() is None:
            count.refresh_from_db()
            if count.status in (Count.Status.DONE, Count.Status.FAILED):
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert count.status == Count.Status.DONE, f"status {count.status} {count.error}; worker log:\n{output[-4000:]}"
    assert count.progress == 100 and count.ballots == 4
    pb = counting.engine()
    assert list(pb.count(pb.parse_pb(counting.published_pb(process)), count.engine_rule).selected) == count.selected
    assert "budgeting.count_ballots" in output and "succeeded" in output
