import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.models import Action
from coproduce.coproduction.tests.helpers import collaborative, organiser_of

pytestmark = pytest.mark.django_db


def test_open_actions_json_and_overdue(capsys):
    collab = collaborative()
    organiser = organiser_of(collab)
    soon = services.action_record(collaborative=collab, title="Book the room", owner=organiser,
                                  due_date=timezone.localdate() + dt.timedelta(days=5), actor=organiser)
    late = services.action_record(collaborative=collab, title="Cost the café", owner=organiser,
                                  due_date=timezone.localdate(), actor=organiser)
    Action.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=2))
    call_command("coproduction", "actions", "--json", "--collaborative", collab.slug)
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["overdue"]) for r in rows] == [(late.pk, True), (soon.pk, False)]
    assert rows[0]["owner"] == "Olu Organiser (Officer)" and rows[0]["status"] == "open"
    call_command("coproduction", "actions", "--overdue")
    out = capsys.readouterr().out
    assert "Cost the café" in out and "(overdue)" in out and "Book the room" not in out


def test_an_unknown_collaborative_is_bad_input():
    with pytest.raises(CommandError) as exc:
        call_command("coproduction", "actions", "--collaborative", "nowhere")
    assert exc.value.returncode == 2
