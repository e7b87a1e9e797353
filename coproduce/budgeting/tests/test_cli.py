"""`coproduce budgeting …`: JSON shapes, help, and exit code 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.budgeting import services

from .factories import make_process

pytestmark = pytest.mark.django_db


def test_list_json_has_the_agreed_shape(capsys):
    process = make_process(phase="voting")
    services.vote_cast(process=process, user=ResidentFactory(neighbourhood=process.neighbourhood), choices={"1": 1})
    upcoming = make_process(phase=None)
    call_command("budgeting", "list", "--json")
    rows = {row["slug"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows[process.slug] == {"slug": process.slug, "title": process.title, "place": process.neighbourhood.slug,
                                  "phase": "voting", "ballots": 1, "rule": "mes_cost_add1"}
    assert rows[upcoming.slug]["phase"] == "ideas" and rows[upcoming.slug]["ballots"] == 0
    assert all(set(r) == {"slug", "title", "place", "phase", "ballots", "rule"} for r in rows.values())


def test_bad_input_exits_2_with_a_message():
    make_process(phase="voting", costs=(1000,))
    with pytest.raises(CommandError) as error:
        call_command("budgeting", "export", "no-such-budget", "--out", "x.pb")
    assert error.value.returncode == 2 and "no budget process with slug 'no-such-budget'" in str(error.value)
    voting = make_process(phase="voting")
    with pytest.raises(CommandError, match="not published yet") as error:
        call_command("budgeting", "export", voting.slug, "--out", "x.pb")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="not been counted yet"):
        call_command("budgeting", "results", voting.slug, "--json")
    with pytest.raises(CommandError, match="no such file"):
        call_command("budgeting", "import", "missing.pb", "--place", "borough")


def test_help_of_every_sub_command():
    for args in (["--help"], ["list", "--help"], ["export", "--help"], ["results", "--help"], ["import", "--help"]):
        done = subprocess.run([sys.executable, "-m", "coproduce.cli", "budgeting", *args], capture_output=True, text=True,
                              timeout=120, env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
        assert done.returncode == 0, done.stderr
        assert "usage:" in done.stdout
