"""Answers are kept only as long as needed: erased when the panel ends or is cancelled, by an
officer or by the daily `forget-panel-volunteers` command (ADR 0752)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from coproduce.accounts.tests.factories import OfficerFactory
from coproduce.audit.models import AuditEntry
from coproduce.panels import services
from coproduce.panels.models import InvitationStatus, Panel, PanelStatus

from ..factories import add_volunteers, balanced_pool, open_panel

pytestmark = pytest.mark.django_db


def _accept_first_two(panel):
    accepted = []
    for invitation in panel.invitations.select_related("volunteer__user").order_by("volunteer__number")[:2]:
        services.invitation_respond(invitation=invitation, user=invitation.volunteer.user, accept=True)
        accepted.append(invitation.volunteer)
    return accepted


def test_ending_erases_every_answer_and_unlinks_everyone_but_members(chosen_panel):
    members = _accept_first_two(chosen_panel)
    published = chosen_panel.selection.probabilities
    services.panel_end(panel=chosen_panel, user=OfficerFactory())
    chosen_panel.refresh_from_db()
    assert chosen_panel.status == PanelStatus.ENDED and chosen_panel.answers_erased_at is not None
    volunteers = list(chosen_panel.volunteers.all())
    assert len(volunteers) == 10
    assert all(v.answers == {} and v.household_key == "" and v.answers_erased_at for v in volunteers)
    linked = {v.number for v in volunteers if v.user_id is not None}
    assert linked == {m.number for m in members}
    # The published result is aggregate and anonymous: it stays.
    chosen_panel.selection.refresh_from_db()
    assert chosen_panel.selection.probabilities == published
    assert AuditEntry.objects.get(action="panels.answers.erased").data == {"erased": 10}


def test_cancelling_a_recruitment_erases_the_answers():
    panel = open_panel()
    add_volunteers(panel, balanced_pool(2, 2))
    services.panel_cancel(panel=panel, user=OfficerFactory(), reason="Not enough interest.")
    panel.refresh_from_db()
    assert panel.status == PanelStatus.CANCELLED
    assert list(panel.volunteers.values_list("answers", "user")) == [({}, None)] * 4


def test_cancelling_needs_a_reason_and_changes_nothing_without_one():
    panel = open_panel()
    add_volunteers(panel, balanced_pool(1, 1))
    with pytest.raises(Exception, match="Enter why"):
        services.panel_cancel(panel=panel, user=OfficerFactory(), reason=" ")
    panel.refresh_from_db()
    assert panel.status == PanelStatus.RECRUITING and panel.volunteers.exclude(answers={}).count() == 2


def test_forget_due_ends_panels_past_their_end_date_and_cancels_stale_recruitments(chosen_panel):
    stale = open_panel(title="Never drawn")
    add_volunteers(stale, balanced_pool(1, 1))
    current = open_panel(title="Still running")
    add_volunteers(current, balanced_pool(1, 1))
    day_after = chosen_panel.ends_on + dt.timedelta(days=1)
    Panel.objects.filter(pk=current.pk).update(ends_on=day_after + dt.timedelta(days=30))
    assert services.forget_due(today=chosen_panel.ends_on) == []
    done = services.forget_due(today=day_after)
    assert {(p.pk, action) for p, action in done} == {(chosen_panel.pk, "end"), (stale.pk, "cancel")}
    chosen_panel.refresh_from_db()
    stale.refresh_from_db()
    current.refresh_from_db()
    assert chosen_panel.status == PanelStatus.ENDED and stale.status == PanelStatus.CANCELLED
    assert current.status == PanelStatus.RECRUITING and current.volunteers.exclude(answers={}).count() == 2
    assert chosen_panel.volunteers.exclude(answers={}).count() == 0
    assert services.forget_due(today=day_after) == []  # nothing left to do


def test_the_command_reports_a_dry_run_without_changing_anything(chosen_panel):
    day_after = (chosen_panel.ends_on + dt.timedelta(days=1)).isoformat()
    out = StringIO()
    call_command("forget_panel_volunteers", "--dry-run", "--json", f"--today={day_after}", stdout=out)
    assert json.loads(out.getvalue()) == [{"panel": chosen_panel.slug, "action": "end"}]
    chosen_panel.refresh_from_db()
    assert chosen_panel.status == PanelStatus.SELECTED and chosen_panel.volunteers.exclude(answers={}).count() == 10

    out = StringIO()
    call_command("forget_panel_volunteers", f"--today={day_after}", stdout=out)
    assert f"Done: {chosen_panel.slug}: panel ended, answers erased" in out.getvalue()
    assert chosen_panel.volunteers.exclude(answers={}).count() == 0


def test_the_command_refuses_a_bad_date_with_exit_code_2(capsys):
    from coproduce.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["forget-panel-volunteers", "--today=next tuesday"])
    assert exited.value.code == 2
    assert "--today must be a date written YYYY-MM-DD, not 'next tuesday'" in capsys.readouterr().err


def test_members_keep_their_link_so_they_can_still_see_their_place(chosen_panel):
    member = _accept_first_two(chosen_panel)[0]
    services.panel_end(panel=chosen_panel, user=OfficerFactory())
    member.refresh_from_db()
    assert member.user is not None and member.invitation.status == InvitationStatus.ACCEPTED
