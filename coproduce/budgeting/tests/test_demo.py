"""The demo borough's budgets: one delivered, one open to the demo resident, one collecting ideas."""

import random

import pytest

from coproduce.core.demo import DEMO_SEED, demo_modules


def seed_up_to_budgeting(log) -> None:
    """Seed the apps budgeting's demo builds on, then budgeting, as `demo_seed` does (same order, same rng)."""
    rng = random.Random(DEMO_SEED)
    for module in demo_modules():
        module.seed(rng=rng, log=log)
        if module.__name__ == "coproduce.budgeting.demo":
            return

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_budgets_are_complete_and_consistent(client):
    from django.urls import reverse

    from coproduce.accounts.models import User
    from coproduce.budgeting import counting, selectors
    from coproduce.budgeting.models import Ballot, Process, VoterRecord
    from coproduce.budgeting.predicates import voter_problem

    lines: list[str] = []
    seed_up_to_budgeting(lines.append)
    assert any("budgets:" in line for line in lines), lines
    phases = {p.slug: selectors.process_phase(p) for p in Process.objects.all()}
    assert phases["borough-community-fund-2026"] == "delivery"
    assert sorted(phases.values()).count("voting") == 1 and "ideas" in phases.values()

    done = Process.objects.get(slug="borough-community-fund-2026")
    # Every ballot has exactly one voter record and vice versa.
    assert Ballot.objects.filter(process=done).count() == VoterRecord.objects.filter(process=done).count() >= 300
    count = selectors.published_count(done)
    assert count is not None and count.status == "done" and count.selected
    assert count.spent <= done.budget // 100
    assert count.selected != count.comparison_selected  # the demo shows what proportionality changes
    rollup = selectors.delivery_rollup(done)
    assert 0 < rollup["progress"] < 100 and rollup["completed"] >= 1 and rollup["milestones_done"] >= 1
    pb = counting.engine()
    assert list(pb.count(pb.parse_pb(counting.published_pb(done)), count.engine_rule).selected) == count.selected

    resident = User.objects.get(email="resident@demo.coproduce.org.uk")
    voting = next(p for p in Process.objects.all() if phases[p.slug] == "voting")
    assert voter_problem(resident, voting) is None
    assert not VoterRecord.objects.filter(process=voting, user=resident).exists()
    assert voting.ballots.count() > 0

    for process in Process.objects.all():
        assert client.get(reverse("budgeting:process_detail", kwargs={"slug": process.slug})).status_code == 200
    assert client.get(reverse("budgeting:results", kwargs={"slug": done.slug})).status_code == 200
    assert client.get(reverse("budgeting:delivery", kwargs={"slug": done.slug})).status_code == 200
