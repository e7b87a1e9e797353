"""Support under concurrency (PostgreSQL: real row locks and parallel connections).

Run with COPRODUCE_DATABASE_URL=postgres://… ; on SQLite these are skipped with that reason.
"""

import threading

import pytest
from django.db import connection

from coproduce.needs.models import Need, NeedSupport
from coproduce.needs.services import need_support
from coproduce.needs.tests.people import need, resident

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set COPRODUCE_DATABASE_URL=postgres://…")


def _in_threads(n, work):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on below
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def test_one_resident_pressing_support_six_times_at_once_supports_once():
    raised = need()
    person = resident()
    results, errors = _in_threads(6, lambda i: need_support(need=Need.objects.get(pk=raised.pk), supporter=person))
    assert errors == [None] * 6
    assert sum(created for _support, created in results) == 1
    assert NeedSupport.objects.filter(need=raised, supporter=person).count() == 1
    assert Need.objects.get(pk=raised.pk).support_count == 2


def test_many_residents_at_once_lose_no_count():
    raised = need()
    people = [resident(neighbourhood=raised.neighbourhood) for _ in range(8)]
    _results, errors = _in_threads(8, lambda i: need_support(need=Need.objects.get(pk=raised.pk), supporter=people[i]))
    assert errors == [None] * 8
    assert Need.objects.get(pk=raised.pk).support_count == 9 == NeedSupport.objects.filter(need=raised).count()
