"""The explanation trail and its plain-English telling, for each family of rules."""

from __future__ import annotations

from fractions import Fraction

import pytest

from coproduce.pb import Ballot, Election, ElectionError, Project, count, explain

#: Five voters want the park (and the pool), two the bench, two the library: the bench and the
#: library cost the same and have as many supporters, so they tie. Each voter's share is 12.50.
ELECTION = Election(
    projects=[Project("park", 60, "Park"), Project("bench", 20, "Bench"), Project("lib", 20, "Library"),
              Project("pool", 90, "Pool")],
    ballots=[Ballot(f"p{i}", ("park", "pool")) for i in range(5)]
    + [Ballot("b1", ("bench",)), Ballot("b2", ("bench", "lib")), Ballot("l1", ("lib",))],
    budget=100,
    meta={"currency": "GBP"},
)


def test_equal_shares_trail_and_story() -> None:
    # park: 60 shared by 5 (12 each, ρ = 12/60); bench: 20 by 2 (10 each, ρ = 1/2); the library's
    # supporters then have 2.50 + 12.50 < 20
    outcome = count(ELECTION, "mes_cost")
    assert outcome.selected == ("park", "bench")
    assert outcome.voter_budget == Fraction(100, 8)
    first = outcome.rounds[0]
    assert first.number == 1 and first.selected == "park"
    assert first.price_per_voter == pytest.approx(12.0)
    assert (first.supporters, first.paid_in_full, first.paid_all_left, first.had_nothing_left) == (5, 5, 0, 0)
    assert first.effective_votes == pytest.approx(5.0)
    assert first.money_left == pytest.approx(40.0)
    assert first.supporters_money_after == pytest.approx(2.5)
    dropped = {d.project_id: d for r in outcome.rounds for d in r.dropped}
    assert set(dropped) == {"lib", "pool"}
    assert dropped["lib"].reason == "cannot-afford" and dropped["lib"].available == pytest.approx(15.0)
    assert dropped["pool"].available == pytest.approx(62.5)  # ruled out in round 1: 5 × 12.50 < 90
    assert outcome.rounds[-1].selected is None
    story = explain(outcome, ELECTION, "park")
    assert "Result: chosen, 1st of the 2 projects chosen." in story
    assert "A full share was 12 GBP per supporter" in story
    assert "Of its 5 supporters, 5 paid their full share" in story
    lost = explain(outcome, ELECTION, "lib")
    assert "Result: not chosen." in lost
    assert "its supporters had only 15 GBP left between them, less than its cost of 20 GBP" in lost


def test_a_tie_is_explained() -> None:
    # unit utilities: bench and library both cost 10 per supporter; "bench" < "lib"
    outcome = count(ELECTION, "mes_card")
    assert outcome.selected[0] == "bench"
    assert outcome.rounds[0].tied_with == ("lib",)
    assert "It tied exactly with lib; ties go to the smallest project id" in explain(outcome, ELECTION, "bench")


def test_greedy_story() -> None:
    outcome = count(ELECTION, "greedy_cost")
    assert outcome.selected == ("park", "bench", "lib")
    assert "it came 1st in that order (5 votes)" in explain(outcome, ELECTION, "park")
    skipped = explain(outcome, ELECTION, "pool")
    assert "(2nd in the order, 5 votes) only 40 GBP of the budget was left, less than its cost of 90 GBP" in skipped


def test_phragmen_story() -> None:
    # loads: bench and library 20 / 2 = 10 (tie, bench first), then park 60 / 5 = 12
    outcome = count(ELECTION, "seq_phragmen")
    assert outcome.selected[:2] == ("bench", "park")
    assert outcome.rounds[0].tied_with == ("lib",)
    assert "reached a load of 12 GBP" in explain(outcome, ELECTION, "park")
    assert "Result: not chosen." in explain(outcome, ELECTION, "pool")


def test_add1_story_says_how_far_shares_were_raised() -> None:
    outcome = count(ELECTION, "mes_cost_add1")
    story = explain(outcome, ELECTION, "park")
    assert "the shares were raised" in story and "by 1 GBP" in story


def test_unknown_project() -> None:
    with pytest.raises(ElectionError, match="no project 'nope'"):
        explain(count(ELECTION, "mes_cost"), ELECTION, "nope")


def test_the_examples_in_the_docstrings_run() -> None:
    import doctest

    import coproduce.pb
    import coproduce.pb.election

    for module in (coproduce.pb, coproduce.pb.election):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
