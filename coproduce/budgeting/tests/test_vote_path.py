"""The voting path stays cheap: queries per page, no mail server in the request, one lock query,
and the receipt code travels to its page in a cookie, never through the database.

These numbers are what `benchmarks/budgeting_vote.py` measures at scale (docs/budgeting.md,
ADR 0407). If a change adds a query to the ballot page or the vote, these tests say so.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.audit.models import AuditEntry
from coproduce.audit.services import audit_record
from coproduce.budgeting import services, tasks, views
from coproduce.budgeting.models import Ballot, VoterRecord
from coproduce.budgeting.views import RECEIPT_COOKIE

pytestmark = pytest.mark.django_db


def _vote_url(process) -> str:
    return reverse("budgeting:vote", kwargs={"slug": process.slug})


def test_ballot_page_takes_six_queries(client, voting_process, voter, django_assert_max_num_queries):
    sign_in(client, voter)
    # session, user, roles, process with places and "has voted", phases, projects on the ballot
    with django_assert_max_num_queries(6):
        response = client.get(_vote_url(voting_process))
    assert response.status_code == 200 and 'name="projects"' in response.content.decode()


def test_vote_post_takes_at_most_thirteen_queries(client, voting_process, voter, django_assert_max_num_queries,
                                                  django_capture_on_commit_callbacks):
    sign_in(client, voter)
    client.get(_vote_url(voting_process))
    # 5 to load the page's objects, then in one transaction: project costs, voter record, ballot,
    # audit head lock, audit entry, audit head update. No session write: the receipt goes in a cookie.
    with django_assert_max_num_queries(13), django_capture_on_commit_callbacks(execute=True):
        response = client.post(_vote_url(voting_process), {"projects": ["1", "2"]})
    assert response.status_code == 302
    assert Ballot.objects.filter(process=voting_process).count() == 1
    assert VoterRecord.objects.filter(process=voting_process, user=voter).count() == 1
    assert len(mail.outbox) == 1


def _cast_over_http(client, process, voter):
    sign_in(client, voter)
    response = client.post(_vote_url(process), {"projects": ["1", "2"]})
    assert response.status_code == 302
    return response


def test_receipt_code_is_never_written_to_the_session_table(client, voting_process, voter):
    response = _cast_over_http(client, voting_process, voter)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(response["Location"])
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.content.decode()).group(0)
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    for session in Session.objects.all():
        assert code not in str(session.get_decoded()) and code not in session.session_data
    assert not AuditEntry.objects.filter(data__icontains=code.replace("-", "")).exists()


def test_receipt_cookie_is_http_only_limited_to_the_receipt_page_and_bound_to_the_voter(client, voting_process, voter):
    response = _cast_over_http(client, voting_process, voter)
    cookie = response.cookies[RECEIPT_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict" and cookie["path"] == response["Location"]
    assert 0 < int(cookie["max-age"]) <= 600

    other = ResidentFactory(neighbourhood=voting_process.neighbourhood)
    stranger = Client()
    sign_in(stranger, other)
    stranger.cookies[RECEIPT_COOKIE] = cookie.value  # a copied cookie is no use to anyone else
    page = stranger.get(response["Location"]).content.decode()
    assert "already been shown" in page and cookie.value not in page

    shown = client.get(response["Location"])
    assert "already been shown" not in shown.content.decode()
    assert shown.cookies[RECEIPT_COOKIE].value == "" and shown["Cache-Control"] == "no-store"


def test_expired_or_altered_receipt_cookie_shows_nothing(client, voting_process, voter, monkeypatch):
    response = _cast_over_http(client, voting_process, voter)
    token = response.cookies[RECEIPT_COOKIE].value
    client.cookies[RECEIPT_COOKIE] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert "already been shown" in client.get(response["Location"]).content.decode()
    client.cookies[RECEIPT_COOKIE] = token
    monkeypatch.setattr(views, "RECEIPT_COOKIE_MAX_AGE", -1)
    assert "already been shown" in client.get(response["Location"]).content.decode()


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
