"""The same event submitted twice at the same moment pays once; two spends cannot overdraw.

These need PostgreSQL (real row locks and concurrent connections): run with
COPRODUCE_DATABASE_URL=postgres://… . On SQLite they are skipped with that reason.
"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from coproduce.timebank import services
from coproduce.timebank.models import Account, LedgerTransaction, RewardClaim
from coproduce.timebank.selectors import ledger_check
from coproduce.timebank.tests.factories import RewardFactory
from coproduce.timebank.tests.people import person

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


def test_eight_simultaneous_submissions_of_one_event_pay_once():
    member = person()
    results, errors = _in_threads(8, lambda i: services.credit_issue_for_event(
        member=member, event_key="coproduction.attendance:7:1", credits=2, reason="Meeting", rule="meeting_attendance"))
    assert errors == [None] * 8
    assert LedgerTransaction.objects.count() == 1
    assert {r.pk for r in results} == {LedgerTransaction.objects.get().pk}
    assert Account.objects.get(user=member).balance == 200
    assert ledger_check().ok


def test_a_second_submission_waits_for_the_first_and_returns_its_posting():
    """Deterministic overlap: the first transaction is still open when the second arrives."""
    member = person()
    first_posted, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = services.credit_issue_for_event(
                    member=member, event_key="panel:3:9", credits=Decimal("3"), reason="Panel", rule="evaluation_panel")
                first_posted.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    def second():
        try:
            first_posted.wait(timeout=10)
            outcome["second"] = services.credit_issue_for_event(
                member=member, event_key="panel:3:9", credits=Decimal("3"), reason="Panel", rule="evaluation_panel")
        finally:
            connection.close()

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start(), b.start()
    first_posted.wait(timeout=10)
    b.join(timeout=1)
    assert b.is_alive(), "the second submission should wait on the first one's unique key"
    release.set()
    a.join(timeout=10), b.join(timeout=10)
    assert outcome["second"].pk == outcome["first"].pk
    assert LedgerTransaction.objects.count() == 1
    assert Account.objects.get(user=member).balance == 300


def test_simultaneous_spends_cannot_overdraw_a_balance():
    member = person()
    services.credit_issue_for_event(member=member, event_key="seed", credits=3, reason="Volunteering", rule="volunteering")
    reward = RewardFactory(price=200, stock=None)
    results, errors = _in_threads(4, lambda i: services.reward_claim(member=member, reward=reward, event_key=f"spend:{i}"))
    assert sum(r is not None for r in results) == 1
    refused = [e for e in errors if e is not None]
    assert len(refused) == 3 and all(isinstance(e, ValidationError) for e in refused)
    assert "You need 2 credits but have 1" in refused[0].messages[0]
    assert RewardClaim.objects.count() == 1
    assert Account.objects.get(user=member).balance == 100
    assert ledger_check().ok
