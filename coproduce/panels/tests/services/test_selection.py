"""Closing commits to a seed; the draw (the real library, as a task) is checked against it and stored
with a fingerprint of its inputs; bad pools and impossible quotas get the library's message."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest

from coproduce.audit.models import AuditEntry
from coproduce.panels import selection, services
from coproduce.panels.models import (
    FailureKind,
    FeatureValue,
    InvitationStatus,
    Panel,
    PanelStatus,
    Selection,
    SelectionState,
)

from ..conftest import QUOTAS, draw
from ..factories import add_volunteers, balanced_pool, close, open_panel, set_quotas

pytestmark = pytest.mark.django_db


def test_closing_publishes_the_seed_hash_and_the_inputs_fingerprint_but_not_the_seed(officer):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(3, 3))
    close(panel)
    panel.refresh_from_db()
    assert panel.status == PanelStatus.CLOSED
    assert len(panel.seed) == 32 and int(panel.seed, 16) >= 0
    assert panel.seed_sha256 == selection.seed_sha256(panel.seed)
    assert panel.inputs_sha256 == services.current_inputs_sha256(panel)
    entry = AuditEntry.objects.get(action="panels.recruitment.closed")
    assert entry.public and entry.data == {"volunteers": 6, "seed_sha256": panel.seed_sha256,
                                           "inputs_sha256": panel.inputs_sha256}
    assert panel.seed not in str(entry.data) + entry.summary
    assert list(panel.history.values_list("from_status", "to_status")) == [("recruiting", "closed")]


def test_two_closings_commit_to_different_seeds(officer):
    seeds = set()
    for _ in range(2):
        panel = open_panel(officer=officer)
        seeds.add(close(panel).seed)
    assert len(seeds) == 2


def test_recruitment_cannot_close_before_the_closing_date_has_passed(officer):
    panel = open_panel(officer=officer)
    with pytest.raises(services.PanelError, match="You can close it after that"):
        services.panel_close(panel=panel, user=officer, today=panel.closes_on)
    panel.refresh_from_db()
    assert panel.status == PanelStatus.RECRUITING and panel.seed == "" and panel.seed_sha256 == ""


def test_quotas_are_fixed_once_recruitment_closes(closed_panel, officer):
    with pytest.raises(services.PanelError, match="fixed when recruitment closed"):
        set_quotas(closed_panel, {"gender": {"woman": (1, 3), "man": (1, 3)}})
    assert FeatureValue.objects.get(feature__panel=closed_panel, key="woman").quota_min == 2


def test_the_draw_runs_the_real_library_and_publishes_a_valid_lottery(chosen_panel):
    panel = chosen_panel
    assert panel.status == PanelStatus.SELECTED
    assert (panel.selection_state, panel.selection_progress) == (SelectionState.DONE, 100)
    outcome = panel.selection
    assert outcome.algorithm == "leximin" and outcome.library.startswith("coproduce.sortition")
    assert outcome.seed == panel.seed and selection.seed_sha256(outcome.seed) == outcome.seed_sha256
    assert outcome.inputs_sha256 == panel.inputs_sha256
    assert (outcome.pool_size, outcome.panel_size) == (10, 4)
    probabilities = dict(outcome.probabilities)
    assert sorted(probabilities) == list(range(1, 11))
    assert sum(probabilities.values()) == pytest.approx(4, abs=1e-6)
    assert outcome.min_probability == pytest.approx(min(probabilities.values()), abs=1e-6)
    # Checked here, not by the library: every panel in the lottery meets every quota, and the
    # lottery's panels add up to each person's published chance.
    volunteers = {v.number: v.answers for v in panel.volunteers.all()}
    assert sum(p for p, _members in outcome.distribution) == pytest.approx(1, abs=1e-6)
    for _p, members in outcome.distribution:
        assert len(set(members)) == 4
        assert sum(volunteers[n]["gender"] == "woman" for n in members) == 2
        assert sum(volunteers[n]["disability"] == "yes" for n in members) >= 1
    for number, chance in probabilities.items():
        assert sum(p for p, members in outcome.distribution if number in members) == pytest.approx(chance, abs=1e-6)
    # The drawn panel is one of the lottery's panels and got its invitations.
    assert outcome.drawn in [members for _p, members in outcome.distribution]
    assert sorted(panel.invitations.values_list("volunteer__number", flat=True)) == outcome.drawn
    assert set(panel.invitations.values_list("status", flat=True)) == {InvitationStatus.INVITED}
    assert sorted(outcome.reserve) == sorted(set(range(1, 11)) - set(outcome.drawn))
    fulfilment = {(r["feature"], r["value"]): r for r in outcome.quota_fulfilment}
    assert fulfilment[("gender", "woman")] == {**fulfilment[("gender", "woman")], "min": 2, "max": 2,
                                               "volunteers": 4, "chosen": 2}
    entry = AuditEntry.objects.get(action="panels.selection.drawn")
    assert entry.public and entry.data["seed"] == panel.seed and entry.data["drawn"] == outcome.drawn


def test_leximin_gives_the_fair_shares_worked_out_by_hand(chosen_panel):
    # Every panel has 2 of the 4 women and 2 of the 6 men, so the chances add up to 2 for each
    # group: nobody can have more than an equal share, 1/2 for women and 1/3 for men. Both are
    # reachable while every panel has a disabled person (pair women 1 and 3, the only pair with
    # no disabled woman, only with men pairs that include a disabled man), so LEXIMIN gives
    # exactly those shares.
    probabilities = dict(chosen_panel.selection.probabilities)
    women = [n for n, v in ((v.number, v.answers) for v in chosen_panel.volunteers.all()) if v["gender"] == "woman"]
    for number, chance in probabilities.items():
        expected = Fraction(1, 2) if number in women else Fraction(1, 3)
        assert chance == pytest.approx(float(expected), abs=1e-4)


def test_the_same_seed_and_inputs_always_draw_the_same_panel_and_reserve(officer, django_capture_on_commit_callbacks):
    from coproduce.accounts.tests.factories import ResidentFactory

    people = [ResidentFactory() for _ in range(10)]
    outcomes = []
    for _ in range(2):
        panel = open_panel(size=4, officer=officer)
        set_quotas(panel, QUOTAS)
        add_volunteers(panel, balanced_pool(4, 6), people=people)
        close(panel, seed="abcdef01" * 4)
        outcomes.append(draw(panel, officer, django_capture_on_commit_callbacks).selection)
    assert outcomes[0].inputs_sha256 == outcomes[1].inputs_sha256
    assert outcomes[0].drawn == outcomes[1].drawn and outcomes[0].reserve == outcomes[1].reserve
    assert dict(outcomes[0].probabilities) == pytest.approx(dict(outcomes[1].probabilities))


def test_progress_is_stored_on_the_panel_row(closed_panel):
    Panel.objects.filter(pk=closed_panel.pk).update(selection_state=SelectionState.QUEUED)
    seen = []
    original = services._record_progress

    def spy(panel_id, percent, stage):
        original(panel_id, percent, stage)
        row = Panel.objects.get(pk=panel_id)
        seen.append((row.selection_state, row.selection_progress, row.selection_stage))

    services._record_progress = spy
    try:
        services.selection_run(panel_id=closed_panel.pk)
    finally:
        services._record_progress = original
    assert seen[0][0] == SelectionState.RUNNING and seen[0][1] == 2
    assert [p for _s, p, _t in seen] == sorted(p for _s, p, _t in seen)
    assert seen[-1][1] == 95 and len(seen) >= 3


def test_a_pool_smaller_than_the_panel_is_refused_and_nothing_changes(officer):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(2, 1))
    close(panel)
    with pytest.raises(services.PanelError, match="4 places but only 3 people volunteered"):
        services.selection_request(panel=panel, user=officer)
    panel.refresh_from_db()
    assert panel.selection_state == "" and not Selection.objects.exists()
    assert not AuditEntry.objects.filter(action="panels.selection.requested").exists()


def test_quotas_that_cannot_be_met_get_the_librarys_message_and_change_nothing(
        officer, django_capture_on_commit_callbacks):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(1, 9))  # one woman; two are needed
    close(panel)
    panel = draw(panel, officer, django_capture_on_commit_callbacks)
    assert panel.status == PanelStatus.CLOSED
    assert (panel.selection_state, panel.selection_failure) == (SelectionState.FAILED, FailureKind.QUOTAS)
    assert "gender" in panel.selection_error.lower()
    assert not Selection.objects.exists() and not panel.invitations.exists()
    assert AuditEntry.objects.get(action="panels.selection.failed").public
    # Running it again is refused until the quotas change.
    with pytest.raises(services.PanelError, match="Change the quotas first"):
        services.selection_request(panel=panel, user=officer)


def test_after_impossible_quotas_new_quotas_commit_a_new_seed_and_void_the_old_one(
        officer, django_capture_on_commit_callbacks):
    panel = open_panel(size=4, officer=officer)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(1, 9))
    close(panel)
    panel = draw(panel, officer, django_capture_on_commit_callbacks)
    old_seed, old_hash = panel.seed, panel.seed_sha256
    assert services.quotas_editable(panel)
    set_quotas(panel, {"gender": {"woman": (1, 1), "man": (3, 3)}, "disability": {"yes": (1, 4), "no": (0, 4)}})
    panel.refresh_from_db()
    assert panel.seed != old_seed and panel.seed_sha256 == selection.seed_sha256(panel.seed)
    assert panel.inputs_sha256 == services.current_inputs_sha256(panel) and panel.selection_state == ""
    entry = AuditEntry.objects.filter(action="panels.quotas.changed").latest("sequence")
    assert entry.data["void_seed"] == old_seed and entry.data["void_seed_sha256"] == old_hash
    panel = draw(panel, officer, django_capture_on_commit_callbacks)
    assert panel.status == PanelStatus.SELECTED and panel.selection.seed == panel.seed != old_seed


def test_a_successful_draw_cannot_be_repeated(chosen_panel, officer):
    with pytest.raises(services.PanelError, match="only once"):
        services.selection_request(panel=chosen_panel, user=officer)
    assert Selection.objects.count() == 1


def test_answers_changed_after_closing_stop_the_draw(closed_panel, officer, django_capture_on_commit_callbacks):
    volunteer = closed_panel.volunteers.get(number=1)
    volunteer.answers = {**volunteer.answers, "gender": "man"}
    volunteer.save()
    panel = draw(closed_panel, officer, django_capture_on_commit_callbacks)
    assert (panel.selection_state, panel.selection_failure) == (SelectionState.FAILED, FailureKind.ERROR)
    assert "not the ones fixed when recruitment closed" in panel.selection_error
    assert not Selection.objects.exists()


@pytest.mark.parametrize("algorithm", ["maximin", "legacy"])
def test_the_other_algorithms_also_draw_a_panel_within_the_quotas(officer, algorithm,
                                                                   django_capture_on_commit_callbacks):
    panel = open_panel(size=4, officer=officer, algorithm=algorithm)
    set_quotas(panel, QUOTAS)
    add_volunteers(panel, balanced_pool(4, 6))
    close(panel)
    panel = draw(panel, officer, django_capture_on_commit_callbacks)
    assert panel.status == PanelStatus.SELECTED and panel.selection.algorithm == algorithm
    answers = {v.number: v.answers for v in panel.volunteers.all()}
    assert sum(answers[n]["gender"] == "woman" for n in panel.selection.drawn) == 2


def test_at_most_one_person_per_household_is_drawn(officer, django_capture_on_commit_callbacks):
    from coproduce.accounts.tests.factories import ResidentFactory

    panel = open_panel(size=2, officer=officer, questions=("gender",))
    set_quotas(panel, {"gender": {"woman": (1, 1), "man": (1, 1)}})
    shared = {"postcode": "RV1 1AA", "address_line": "1 Mill Lane"}
    people = [ResidentFactory(**shared), ResidentFactory(**shared), ResidentFactory(), ResidentFactory()]
    add_volunteers(panel, [{"gender": "woman"}, {"gender": "man"}, {"gender": "woman"}, {"gender": "man"}],
                   people=people)
    close(panel)
    outcome = draw(panel, officer, django_capture_on_commit_callbacks).selection
    for _p, members in outcome.distribution:
        assert set(members) != {1, 2}
    assert set(outcome.drawn) != {1, 2}


def test_pairs_in_the_lottery_are_panels_of_distinct_people(chosen_panel):
    for _p, members in chosen_panel.selection.distribution:
        assert all(a != b for a, b in itertools.combinations(members, 2))


def test_a_draw_whose_worker_died_does_not_block_the_panel_for_ever(closed_panel, officer):
    import datetime as dt

    from django.utils import timezone

    Panel.objects.filter(pk=closed_panel.pk).update(selection_state=SelectionState.RUNNING,
                                                    selection_requested_at=timezone.now())
    closed_panel.refresh_from_db()
    with pytest.raises(services.PanelError, match="already running"):
        services.selection_request(panel=closed_panel, user=officer)
    Panel.objects.filter(pk=closed_panel.pk).update(
        selection_requested_at=timezone.now() - services.STALE_SELECTION - dt.timedelta(minutes=1))
    closed_panel.refresh_from_db()
    assert services.selection_request(panel=closed_panel, user=officer).selection_state == SelectionState.QUEUED
