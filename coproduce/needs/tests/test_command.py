import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coproduce.needs.models import Need
from coproduce.needs.services import need_respond, outcome_indicator_add
from coproduce.needs.tests.people import need, officer
from coproduce.places.tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def test_needs_list_json(capsys):
    place = NeighbourhoodFactory(name="Marsh Estate")
    youth = need(title="Youth club", category="youth", neighbourhood=place)
    need(title="Bins", category="environment", borough_wide=True)
    need_respond(need=youth, officer=officer(), status=Need.Status.ACCEPTED_BUDGET, reasons="Ward budget.")
    outcome_indicator_add(need=youth, officer=officer(), name="Sessions", unit="sessions", baseline=Decimal(0),
                          target=Decimal(3), target_date=timezone.localdate() + dt.timedelta(days=90))
    call_command("needs", "list", "--json", "--ward", place.ward.slug)
    rows = json.loads(capsys.readouterr().out)
    assert rows == [{
        "id": youth.pk, "title": "Youth club", "kind": "need", "category": "youth", "status": "accepted_budget",
        "place": "Marsh Estate", "ward": place.ward.slug, "supporters": 1, "indicators": 1,
    }]
    call_command("needs", "list", "--status", "open")
    assert "Bins — The whole borough, open, 1 supporters" in capsys.readouterr().out


def test_an_unknown_ward_is_bad_input():
    with pytest.raises(CommandError, match="There is no ward") as exc:
        call_command("needs", "list", "--ward", "atlantis")
    assert exc.value.returncode == 2


def test_help_and_bad_choices_exit_cleanly():
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"}
    shown = subprocess.run([sys.executable, "-m", "coproduce.cli", "needs", "list", "--help"],
                           capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and "--category" in shown.stdout
    bad = subprocess.run([sys.executable, "-m", "coproduce.cli", "needs", "list", "--status", "sideways"],
                         capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and "Traceback" not in bad.stderr
