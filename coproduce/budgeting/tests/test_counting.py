"""Counting: the Celery task, the published file, results, and recounting the export."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.urls import reverse

from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.audit.models import AuditEntry
from coproduce.budgeting import counting, services
from coproduce.budgeting.models import BallotType, Count, CountingRule

from .factories import make_process, move_to

pytestmark = pytest.mark.django_db

# 12 voters; costs 40k, 30k, 20k, 50k of a £100k budget.
GROUPS = [({"1": 1}, 5), ({"4": 1}, 4), ({"2": 1, "3": 1}, 3)]


def _voted_process(*, ballot_type=BallotType.APPROVAL, rule=CountingRule.EQUAL_SHARES, groups=GROUPS, points=None):
    process = make_process(phase="voting", ballot_type=ballot_type, rule=rule, points=points)
    for choices, how_many in groups:
        for _ in range(how_many):
            services.vote_cast(process=process, user=ResidentFactory(neighbourhood=process.neighbourhood),
                               choices=choices, send_receipt=False)
    move_to(process, "results")
    return process


def _count(process, django_capture_on_commit_callbacks) -> Count:
    with django_capture_on_commit_callbacks(execute=True):
        count = services.count_request(process=process, user=OfficerFactory())
    count.refresh_from_db()
    return count


def test_the_count_runs_as_a_task_and_matches_the_engine_on_the_published_file(django_capture_on_commit_callbacks):
    pb = counting.engine()
    process = _voted_process()
    count = _count(process, django_capture_on_commit_callbacks)
    assert count.status == Count.Status.DONE and count.progress == 100 and count.ballots == 12
    published = counting.published_pb(process)
    assert count.input_sha256 == hashlib.sha256(published.encode()).hexdigest()
    election = pb.parse_pb(published)
    assert list(pb.count(election, "mes_cost_add1").selected) == count.selected
    # Greedy by votes, worked by hand: 1 (5 votes, £40k), 4 (4 votes, £50k); 2 and 3 no longer fit.
    assert count.comparison_selected == ["1", "4"] and count.comparison_spent == 90_000
    assert count.votes == {"1": 5, "4": 4, "2": 3, "3": 3}
    assert set(process.projects.filter(funded=True).values_list("pb_id", flat=True)) == set(count.selected)
    assert count.spent == sum(int(c) // 100 for c in process.projects.filter(funded=True).values_list("cost", flat=True))
    entry = AuditEntry.objects.get(action="budgeting.count.finished")
    assert entry.public and entry.data["selected"] == count.selected


def test_the_export_is_anonymous_and_valid_pabulib(django_capture_on_commit_callbacks):
    pb = counting.engine()
    process = _voted_process()
    text = counting.published_pb(process)
    assert pb.validate_pb(text) == []  # no errors and no warnings: checked against its own ballot rules too
    election = pb.parse_pb(text)
    assert election.num_voters == 12 and election.budget == 100_000
    ballot_ids = set(process.ballots.values_list("ballot_id", flat=True))
    assert {b.voter_id for b in election.ballots} == ballot_ids
    for user in process.voter_records.values_list("user__email", "user__full_name"):
        assert user[0] not in text and user[1] not in text
    assert {p.id: p.cost for p in election.projects} == {"1": 40_000, "2": 30_000, "3": 20_000, "4": 50_000}


def test_pabutools_reads_the_export_and_agrees_on_greedy(django_capture_on_commit_callbacks, tmp_path):
    pabulib = pytest.importorskip("pabutools.election")
    rules = pytest.importorskip("pabutools.rules")
    process = _voted_process()
    count = _count(process, django_capture_on_commit_callbacks)
    path = tmp_path / "export.pb"
    path.write_text(counting.published_pb(process), encoding="utf-8")
    instance, profile = pabulib.parse_pabulib(str(path))
    greedy = rules.greedy_utilitarian_welfare(instance, profile, sat_class=pabulib.Cost_Sat)
    assert sorted(p.name for p in greedy) == sorted(count.comparison_selected)
    mes = rules.method_of_equal_shares(instance, profile, sat_class=pabulib.Cost_Sat, voter_budget_increment=1)
    assert sorted(p.name for p in mes) == sorted(count.selected)


def test_cli_export_and_results_and_pb_count_reproduce_the_result(django_capture_on_commit_callbacks, tmp_path, capsys):
    process = _voted_process()
    count = _count(process, django_capture_on_commit_callbacks)
    out = tmp_path / f"{process.slug}.pb"
    call_command("budgeting", "export", process.slug, "--out", str(out))
    assert out.read_text(encoding="utf-8") == counting.published_pb(process)
    capsys.readouterr()
    call_command("budgeting", "results", process.slug, "--json")
    result = json.loads(capsys.readouterr().out)
    assert result == {"rule": "mes_cost_add1", "selected": count.selected, "spent": count.spent, "budget": 100_000}
    exe = shutil.which("coproduce") or ""
    cmd = [exe] if exe else [sys.executable, "-m", "coproduce.cli"]
    done = subprocess.run([*cmd, "pb", "count", str(out), "--rule", result["rule"], "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    recount = json.loads(done.stdout)
    assert list(recount["selected"]) == result["selected"]


def test_cumulative_ballots_are_counted_with_points(django_capture_on_commit_callbacks):
    pb = counting.engine()
    groups = [({"1": 6, "2": 4}, 3), ({"4": 10}, 2), ({"3": 5, "2": 5}, 2)]
    process = _voted_process(ballot_type=BallotType.CUMULATIVE, points=10, groups=groups)
    count = _count(process, django_capture_on_commit_callbacks)
    assert count.status == Count.Status.DONE and count.engine_rule == "mes_points"
    assert count.votes == {"1": 18, "2": 22, "4": 20, "3": 10}
    election = pb.parse_pb(counting.published_pb(process))
    assert election.vote_type == "cumulative"
    assert list(pb.count(election, "mes_points").selected) == count.selected


def test_results_and_recount_pages(client, django_capture_on_commit_callbacks):
    process = _voted_process()
    count = _count(process, django_capture_on_commit_callbacks)
    page = client.get(reverse("budgeting:results", kwargs={"slug": process.slug})).content.decode()
    for pid in count.selected:
        assert process.projects.get(pb_id=pid).title in page
    assert "What greedy-by-votes would have funded" in page
    assert "Votes per project (data)" in page and "<svg" in page and 'aria-labelledby="votes-chart-title"' in page
    assert "Money per neighbourhood" in page
    recount = client.get(reverse("budgeting:recount", kwargs={"slug": process.slug})).content.decode()
    assert f"coproduce pb count {process.slug}.pb --rule mes_cost_add1 --json" in recount
    assert ", ".join(count.selected) in recount and count.input_sha256 in recount
    download = client.get(reverse("budgeting:ballots_file", kwargs={"slug": process.slug}))
    assert download.status_code == 200 and download.content.decode() == counting.published_pb(process)


def test_results_and_ballots_are_not_public_too_early(client):
    process = make_process(phase="voting")
    assert client.get(reverse("budgeting:ballots_file", kwargs={"slug": process.slug})).status_code == 404
    assert "not been published yet" in client.get(reverse("budgeting:results", kwargs={"slug": process.slug})).content.decode()
    with pytest.raises(services.PhaseClosed, match="after voting has closed"):
        services.count_request(process=process, user=OfficerFactory())
    assert process.counts.count() == 0


def test_a_failing_count_is_recorded_with_its_reason(django_capture_on_commit_callbacks, monkeypatch):
    process = _voted_process()
    pb = counting.engine()

    def broken(election, rule, **kwargs):
        raise pb.CountError("the completion did not end")

    monkeypatch.setattr(pb, "count", broken)
    count = _count(process, django_capture_on_commit_callbacks)
    assert count.status == Count.Status.FAILED and "the completion did not end" in count.error
    assert not process.projects.filter(funded=True).exists()
    assert AuditEntry.objects.filter(action="budgeting.count.failed").exists()


def test_count_page_shows_progress_and_officers_start_counts(client, django_capture_on_commit_callbacks):
    from coproduce.accounts.testing import sign_in

    process = _voted_process()
    move_to(process, "counting")
    sign_in(client, OfficerFactory())
    url = reverse("budgeting:count_status", kwargs={"slug": process.slug})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Finished" in page and 'value="100"' in page and "results are published when the results phase starts" in page
