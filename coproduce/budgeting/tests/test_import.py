"""`coproduce budgeting import`: real pabulib elections become closed, counted processes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.budgeting import counting, selectors
from coproduce.budgeting.models import Ballot, Process, VoterRecord

pytestmark = pytest.mark.django_db


def _selected_column(text: str) -> set[str]:
    """The projects the city actually funded, from the file's PROJECTS `selected` column."""
    section, header, chosen = None, None, set()
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        if row and row[0].strip().lower() in {"meta", "projects", "votes"}:
            section, header = row[0].strip().lower(), None
            continue
        if section == "projects":
            if header is None:
                header = row
                continue
            record = dict(zip(header, row, strict=False))
            if record.get("selected", "").strip() == "1":
                chosen.add(record["project_id"])
    return chosen


def test_import_assen_2024_reproduces_the_citys_equal_shares_result(shared_data, capsys):
    path = shared_data / "pabulib" / "Netherlands_Assen_2024.pb"
    call_command("budgeting", "import", str(path), "--place", "borough", "--slug", "assen-2024")
    process = Process.objects.get(slug="assen-2024")
    assert process.ballots.count() == 84 and process.projects.count() == 14
    assert VoterRecord.objects.filter(process=process).count() == 0  # the voters were never our residents
    assert selectors.process_phase(process) == "results"
    count = selectors.published_count(process)
    assert count is not None and count.engine_rule == "mes_cost_add1"
    # Assen counted with equalshares/add1: our count of the imported ballots must fund what Assen funded.
    assert set(count.selected) == _selected_column(path.read_text(encoding="utf-8-sig"))
    capsys.readouterr()
    call_command("budgeting", "results", "assen-2024", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["selected"] == count.selected and result["budget"] == 100_000
    # The re-export holds the same ballots under the same voter ids.
    pb = counting.engine()
    original = pb.read_pb(path)
    exported = pb.parse_pb(counting.published_pb(process))
    assert {b.voter_id: set(b.projects) for b in exported.ballots} == {b.voter_id: set(b.projects) for b in original.ballots}


def test_cumulative_import(shared_data):
    path = shared_data / "pabulib" / "Poland_Czestochowa_2020_Grabowka.pb"
    text = path.read_text(encoding="utf-8-sig")
    if "vote_type;cumulative" not in text:
        pytest.skip("this reference file is not cumulative")
    call_command("budgeting", "import", str(path), "--place", "borough")
    process = Process.objects.get(imported_from=path.name)
    assert process.ballot_type == "cumulative"
    count = selectors.latest_count(process)
    assert count.status == "done" and count.engine_rule == "greedy_points"  # the city counted greedily
    pb = counting.engine()
    assert list(pb.count(pb.read_pb(path), "greedy_points").selected) == count.selected


@pytest.mark.parametrize(
    ("name", "place", "message"),
    [
        ("US_Stanford_Dataset_Merced_Peoples_Budget_Ballot_2019_vote_rankings.pb", "borough", "ordinal ballots"),
        ("Netherlands_Assen_2024.pb", "nowhere", "no ward or neighbourhood with slug 'nowhere'"),
    ],
)
def test_bad_imports_exit_2_and_change_nothing(shared_data, name, place, message):
    with pytest.raises(CommandError, match=message) as error:
        call_command("budgeting", "import", str(shared_data / "pabulib" / name), "--place", place)
    assert error.value.returncode == 2
    assert (Process.objects.count(), Ballot.objects.count()) == (0, 0)


def test_a_broken_file_is_refused_with_its_line(tmp_path):
    bad = tmp_path / "broken.pb"
    bad.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\nv1;1,9\n")
    with pytest.raises(CommandError) as error:
        call_command("budgeting", "import", str(bad), "--place", "borough")
    assert error.value.returncode == 2 and "broken.pb" in str(error.value) and "line" in str(error.value)
    assert Process.objects.count() == 0
