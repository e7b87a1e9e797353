"""Budgeting test data: processes in any phase, with projects on the ballot."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from coproduce.accounts.tests.factories import OfficerFactory
from coproduce.budgeting import services
from coproduce.budgeting.models import (
    BallotType,
    CountingRule,
    Process,
    Project,
    ProjectStatus,
    Scope,
)
from coproduce.budgeting.phases import PHASE_ORDER
from coproduce.places.tests.factories import NeighbourhoodFactory

_counter = iter(range(1, 10**9))


def phase_starts(current: str | None, *, now: dt.datetime | None = None) -> dict[str, dt.datetime]:
    """Seven phases a week apart, with `current` running now (None: none started yet)."""
    now = now or timezone.now()
    index = PHASE_ORDER.index(current) if current else -1
    return {kind: now + dt.timedelta(days=7 * (i - index) - (1 if current else 0)) for i, kind in enumerate(PHASE_ORDER)}


def make_process(*, phase: str | None = "voting", ballot_type: str = BallotType.APPROVAL, budget: int = 100_000_00,
                 costs: tuple[int, ...] = (40_000_00, 30_000_00, 20_000_00, 50_000_00), neighbourhood=None,
                 rule: str = CountingRule.EQUAL_SHARES, min_projects: int = 1, max_projects: int | None = None,
                 points: int | None = None, min_age: int | None = None, scope: str = Scope.NEIGHBOURHOOD,
                 ward=None, trust=None, categories: tuple[tuple[str, int | None], ...] = ()) -> Process:
    neighbourhood = neighbourhood or (NeighbourhoodFactory() if scope == Scope.NEIGHBOURHOOD else None)
    n = next(_counter)
    officer = OfficerFactory()
    process = services.process_create(
        user=officer, title=f"Test budget {n}", slug=f"test-budget-{n}", scope=scope, ward=ward, trust=trust,
        neighbourhood=neighbourhood, budget=budget, ballot_type=ballot_type, min_projects=min_projects,
        max_projects=max_projects, points=points if ballot_type == BallotType.CUMULATIVE else None,
        min_age=min_age, rule=rule, phase_starts=phase_starts(phase), categories=categories,
    )
    for i, cost in enumerate(costs, start=1):
        Project.objects.create(process=process, pb_id=str(i), title=f"Project {i}", summary=f"Summary {i}",
                               status=ProjectStatus.FEASIBLE, cost=cost, neighbourhood=neighbourhood)
    return process


def move_to(process: Process, phase: str) -> None:
    """Re-date the phases so that `phase` is running now."""
    for kind, starts_at in phase_starts(phase).items():
        process.phases.filter(kind=kind).update(starts_at=starts_at)
