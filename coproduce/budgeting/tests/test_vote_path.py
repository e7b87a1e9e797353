"""The voting path stays cheap: queries per page, no mail server in the request, one lock query.

These numbers are what `benchmarks/budgeting_vote.py` measures at scale (docs/budgeting.md,
ADR 0407). If a change adds a query to the ballot page or the vote, these tests say so.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.audit.models import AuditEntry
from coproduce.audit.services import audit_record
from coproduce.budgeting import services, tasks
from coproduce.budgeting.models import Ballot, VoterRecord

pytestmark = pytest.mark.django_db


def _vote_url(process) -> str:
    return reverse("budgeting:vote", kwargs={"slug": process.slug})


def test_ballot_page_takes_six_queries(client, voting_process, voter, django_assert_max_num_queries):
    sign_in(client, voter)
    # session, user, roles, process with places and "has voted", phases, projects on the ballot
    with django_assert_max_num_queries(6):
        response = client.get(_vote_url(voting_process))
    assert response.status_code == 200 and 'name="projects"' in response.content.decode()


def test_vote_post_takes_at_most_sixteen_queries(client, voting_process, voter, django_assert_max_num_queries,
                                                 django_capture_on_commit_callbacks):
    sign_in(client, voter)
    client.get(_vote_url(voting_process))
    # 5 to load the page's objects, then in one transaction: project costs, voter record, ballot,
    # audit head lock, audit entry, audit head update; then the session (receipt) write.
    with django_assert_max_num_queries(16), django_capture_on_commit_callbacks(execute=True):
        response = client.post(_vote_url(voting_process), {"projects": ["1", "2"]})
    assert response.status_code == 302
    assert Ballot.objects.filter(process=voting_process).count() == 1
    assert VoterRecord.objects.filter(process=voting_process, user=voter).count() == 1
    assert len(mail.outbox) == 1


def test_someone_who_has_voted_sees_so_on_get_and_post(client, voting_process, voter):
    services.vote_cast(process=voting_process, user=voter, choices={"1": 1}, send_receipt=False)
    sign_in(client, voter)
    assert "You have already voted" in client.get(_vote_url(voting_process)).content.decode()
    response = client.post(_vote_url(voting_process), {"projects": ["2"]})
    assert "You have already voted" in response.content.decode()
    assert list(Ballot.objects.filter(process=voting_process).values_list("choices", flat=True)) == [{"1": 1}]


def test_receipt_email_is_queued_with_its_text_and_no_ids(voting_process, voter, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(tasks.send_receipt_email, "delay", lambda *args: queued.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cast = services.vote_cast(process=voting_process, user=voter, choices={"1": 1})
    assert queued == []  # nothing leaves before the ballot is committed
    for callback in callbacks:
        callback()
    [(to, subject, body)] = queued
    assert to == voter.email and subject == "Your voting receipt"
    assert cast.receipt_code in body and cast.ballot_id not in body
    assert mail.outbox == []


def test_receipt_task_sends_the_mail():
    tasks.send_receipt_email("someone@example.org", "Your voting receipt", "Your receipt code is: X")
    assert mail.outbox[0].to == ["someone@example.org"] and "X" in mail.outbox[0].body


def test_audit_head_is_locked_in_one_query_once_it_exists(voting_process):
    with transaction.atomic():
        audit_record(action="test.first", summary="first")  # creates the head if this database has none
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        audit_record(action="test.second", summary="second")
    head_reads = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
                  and "audit_audithead" in q["sql"]]
    assert len(head_reads) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in head_reads[0]
    assert AuditEntry.objects.filter(action="test.second").get().previous_hash == \
        AuditEntry.objects.filter(action="test.first").get().entry_hash


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_benchmark_reads_cpu_time_of_matching_processes():
    import os
    import time

    from benchmarks.budgeting_vote import _cpu_seconds

    mine = os.getpid()
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:  # burn a little CPU so there is some to read
        pass
    assert _cpu_seconds(lambda pid, _cmdline: pid == mine) > 0
    assert _cpu_seconds(lambda _pid, _cmdline: False) == 0
