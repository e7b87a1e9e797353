"""Phases follow their dates; what each allows is declared once in phases.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from coproduce.budgeting import selectors, services
from coproduce.budgeting.models import CountingRule
from coproduce.budgeting.phases import (
    PHASE_ORDER,
    PHASE_TYPES,
    Action,
    active_phase_kind,
    check_phase_dates,
    phase_allows,
)

from .factories import make_process

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_each_phase_runs_from_its_start_until_the_next_one_starts():
    with freeze_time(START):
        process = make_process(phase="ideas")
    starts = {p.kind: p.starts_at for p in process.phases.all()}
    with freeze_time(starts["ideas"] - dt.timedelta(seconds=1)):
        assert selectors.process_phase(process) is None
    for kind in PHASE_ORDER:
        with freeze_time(starts[kind]):
            assert selectors.process_phase(process) == kind
        with freeze_time(starts[kind] + dt.timedelta(days=6, hours=23)):
            assert selectors.process_phase(process) == kind
    with freeze_time(starts["delivery"] + dt.timedelta(days=400)):
        assert selectors.process_phase(process) == "delivery"


def test_voting_opens_and_closes_on_its_dates():
    from coproduce.accounts.tests.factories import ResidentFactory

    with freeze_time(START):
        process = make_process(phase="review")
        voter = ResidentFactory(neighbourhood=process.neighbourhood)
    starts = {p.kind: p.starts_at for p in process.phases.all()}
    with freeze_time(starts["voting"] - dt.timedelta(minutes=1)), pytest.raises(services.PhaseClosed):
        services.vote_cast(process=process, user=voter, choices={"1": 1})
    with freeze_time(starts["counting"]), pytest.raises(services.PhaseClosed):
        services.vote_cast(process=process, user=voter, choices={"1": 1})
    with freeze_time(starts["counting"] - dt.timedelta(seconds=1)):
        services.vote_cast(process=process, user=voter, choices={"1": 1})
    assert process.ballots.count() == 1


def test_what_each_phase_allows():
    assert phase_allows("voting", Action.VOTE)
    assert not phase_allows("counting", Action.VOTE)
    assert not phase_allows(None, Action.VOTE)
    assert phase_allows("review", Action.REVIEW_PROJECT)
    assert not phase_allows("voting", Action.CHOOSE_RULE)
    assert [k for k in PHASE_ORDER if phase_allows(k, Action.SEE_RESULTS)] == ["results", "delivery"]
    assert set(PHASE_TYPES) == set(PHASE_ORDER)


def test_equal_start_times_resolve_to_the_later_phase_and_dates_must_be_in_order():
    t = timezone.now()
    assert active_phase_kind([("voting", t), ("counting", t)], t) == "counting"
    assert check_phase_dates({"ideas": t, "proposals": t - dt.timedelta(days=1)}) == [
        "The proposals phase must start after the ideas phase."
    ]
    assert check_phase_dates({"voting": t}) == ["Give a date for counting: voting closes when counting starts."]


def test_the_counting_rule_is_fixed_once_voting_opens(officer):
    process = make_process(phase="review")
    services.process_choose_rule(process=process, user=officer, rule=CountingRule.GREEDY)
    process.refresh_from_db()
    assert process.rule == "greedy" and process.rule_published_at is not None
    voting = make_process(phase="voting")
    with pytest.raises(services.PhaseClosed, match="cannot change once voting has opened"):
        services.process_choose_rule(process=voting, user=officer, rule=CountingRule.GREEDY)
    voting.refresh_from_db()
    assert voting.rule == CountingRule.EQUAL_SHARES
