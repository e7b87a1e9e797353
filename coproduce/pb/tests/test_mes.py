"""How the Equal Shares engine takes its decisions: floats first, exact fractions for close calls."""

from __future__ import annotations

import pickle
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from coproduce.pb import Ballot, Election, Project, count, mes
from coproduce.pb.errors import RuleError
from coproduce.pb.mes import EqualShares, PassResult, equal_shares_add1
from coproduce.pb.outcome import Trail
from coproduce.pb.profile import build_profile
from coproduce.pb.rules import forget
from coproduce.pb.tests.conftest import election as shared_election


def tie_after_a_supporter_ran_out() -> Election:
    """Nine voters with 40 each.

    Unit utilities: x1, then x2 are bought; x2 takes all voter 3 has. Then A and B cost the same
    and each has two supporters who can pay in full (B's third supporter, voter 3, has nothing
    left): a genuine tie at 37.5 each, won by A (smaller id).
    Cost utilities: B, then x1 (which takes all voter 3 has); then A and x2 tie at 1/2 per unit
    of cost, each with two supporters who pay in full (x2's third, voter 3, has nothing left).
    """
    projects = [Project("x1", 60), Project("x2", 70), Project("A", 75), Project("B", 75)]
    supporters = {"x1": (3, 6, 7), "x2": (3, 8, 9), "A": (1, 2), "B": (3, 4, 5)}
    ballots = [Ballot(str(v), tuple(p for p, who in supporters.items() if v in who)) for v in range(1, 10)]
    return Election(projects, ballots, 9 * 40)


@pytest.mark.parametrize(("utility", "order", "loser"), [("card", ["x1", "x2", "A", "B"], "B"),
                                                       ("cost", ["B", "x1", "A", "x2"], "x2")])
def test_a_tie_with_a_supporter_who_has_nothing_left_is_decided_without_an_exact_rerun(
        utility: str, order: list[str], loser: str) -> None:
    election = tie_after_a_supporter_ran_out()
    engine = EqualShares(build_profile(election, utility), strategy="groups")
    floats = engine.run(Fraction(40))
    exact = engine.run(Fraction(40), exact=True)
    ids = engine.ids
    assert [ids[q] for q in exact.selected] == order
    assert floats.selected == exact.selected
    assert not floats.exact  # the tie was decided from the float pass's exact prices, not by a rerun
    outcome = count(election, f"mes_{utility}")
    assert list(outcome.selected) == order
    tie = outcome.rounds[2]
    assert (tie.selected, tie.tied_with) == ("A", (loser,))
    assert tie.price_per_voter == pytest.approx(37.5)


@pytest.mark.parametrize(("name", "utility"), [("Worldwide_Mechanical_Turk_Utilities_8.pb", "cost"),
                                               ("Worldwide_Mechanical_Turk_Utilities_8.pb", "card"),
                                               ("Worldwide_Mechanical_Turk_Threshold_7.pb", "cost"),
                                               ("Netherlands_Assen_2024.pb", "cost"),
                                               ("Poland_Warszawa_2023_Rembertow.pb", "card"),
                                               ("France_Toulouse_2019.pb", "cost")])
@pytest.mark.parametrize("strategy", ["groups", "patterns"])
def test_add1_passes_that_take_over_certain_rounds_give_the_same_outcome(
        pabulib: Path, name: str, utility: str, strategy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each add1 pass may take over the rounds the pass before proved certain (ADR 0306): the
    outcome equals running Equal Shares afresh at every step of the budget, and it happens."""
    election = shared_election(name)  # `pabulib` skips the test when the shared data is absent
    profile = build_profile(election, utility)
    taken_over: list[int] = []
    run = EqualShares.run

    def spy(self: EqualShares, b: Fraction, **options: Any) -> PassResult:
        prefix = options.get("prefix")
        if prefix is not None:
            taken_over.append(len(prefix.winners))
        return run(self, b, **options)

    monkeypatch.setattr(EqualShares, "run", spy)
    skipping = equal_shares_add1(EqualShares(profile, strategy, repeated=True), election.budget)
    assert taken_over, "no pass took over any round"
    every_step = equal_shares_add1(EqualShares(profile, strategy, repeated=True), election.budget, skip=False)
    assert (skipping.selected, skipping.voter_budget) == (every_step.selected, every_step.voter_budget)
    assert skipping.passes < every_step.passes


@pytest.mark.parametrize(("name", "utility"), [("Poland_Warszawa_2023_Rembertow.pb", "cost"),
                                               ("Poland_Warszawa_2023_Rembertow.pb", "card"),
                                               ("France_Toulouse_2019.pb", "cost"),
                                               ("Poland_Wieliczka_2023_Green_Budget.pb", "card")])
def test_every_budget_in_a_certified_interval_gives_the_same_choices(
        pabulib: Path, name: str, utility: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ADR 0310: a project found unaffordable need not stay so over the interval, only never be
    chosen, and voters far short of a price keep nothing. Passes at budgets inside each proven
    interval, counted afresh, choose the same projects in the same order; and the new argument
    is what proved some of those intervals."""
    election = shared_election(name)
    engine = EqualShares(build_profile(election, utility), "groups", repeated=True)
    proofs: list[bool] = []
    never_chosen = mes._GroupPass._never_chosen

    def spy(self: Any, *args: Any) -> bool:
        proofs.append(never_chosen(self, *args))
        return proofs[-1]

    monkeypatch.setattr(mes._GroupPass, "_never_chosen", spy)
    start = election.budget / election.num_voters
    checked = 0
    for k in range(0, 90, 3):
        certified = engine.run(start + k, certify=True, certify_min=1.0)
        if certified.stable_for <= 0:
            continue
        for part in (Fraction(1, 3), Fraction(999, 1000)):
            later = start + k + Fraction(certified.stable_for) * part
            assert engine.run(later).selected == certified.selected, f"{name} {utility}: b + {k} + {float(part):g}"
            checked += 1
    assert checked >= 4
    assert any(proofs), "no interval needed a project to be shown never chosen"


@pytest.mark.parametrize(("name", "utility", "strategy"), [("Poland_Warszawa_2023_Rembertow.pb", "cost", "groups"),
                                                           ("Poland_Warszawa_2017_Praga-Poludnie.pb", "card", "groups"),
                                                           ("Poland_Warszawa_2017_Praga-Poludnie.pb", "cost", "patterns"),
                                                           ("France_Toulouse_2019.pb", "cost", "groups")])
def test_every_budget_in_an_interval_certified_with_the_short_horizon_gives_the_same_choices(
        pabulib: Path, name: str, utility: str, strategy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """ADR 0313: a voter without money who may get some back within the horizon counts with a
    rate lowered by their shortfall spread over the horizon, and the interval is cut to the
    horizon. Passes at budgets inside each proven interval, counted afresh, choose the same
    projects in the same order; and the lowered rates were used in proving them."""
    election = shared_election(name)
    engine = EqualShares(build_profile(election, utility), strategy, repeated=True)
    lowered: list[float] = []
    secant = mes._Pass._secant

    def spy(self: Any, short: float, rate: float) -> float:
        result = secant(self, short, rate)
        lowered.append(rate - result)
        return result

    monkeypatch.setattr(mes._Pass, "_secant", spy)
    start = election.budget / election.num_voters
    checked = 0
    for k in range(0, 60, 2):
        used = len(lowered)
        certified = engine.run(start + k, certify=True, certify_min=1.0, horizon=mes.SHORT_HORIZON)
        if certified.stable_for <= 0:
            continue
        if len(lowered) > used:  # the interval was cut to the horizon
            assert certified.stable_for <= mes.SHORT_HORIZON
        for part in (Fraction(1, 3), Fraction(999, 1000)):
            later = start + k + Fraction(certified.stable_for) * part
            assert engine.run(later).selected == certified.selected, f"{name} {utility}: b + {k} + {float(part):g}"
            checked += 1
    assert checked >= 4
    assert any(drop > 0 for drop in lowered), "no rate was lowered"


def test_add1_looks_less_far_ahead_where_certified_intervals_are_short(
        pabulib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ADR 0313: after a pass certified for only a few steps, the next ones use the short
    horizon (and the long one again once an interval reaches it). Same outcome as every step
    counted afresh, in fewer passes than with the long horizon throughout."""
    election = shared_election("Poland_Warszawa_2017_Praga-Poludnie.pb")
    profile = build_profile(election, "cost")
    horizons: list[float] = []
    run = EqualShares.run

    def spy(self: EqualShares, b: Fraction, **options: Any) -> PassResult:
        horizons.append(options["horizon"])
        return run(self, b, **options)

    monkeypatch.setattr(EqualShares, "run", spy)
    adaptive = equal_shares_add1(EqualShares(profile, repeated=True), election.budget)
    assert {mes.LONG_HORIZON, mes.SHORT_HORIZON} <= set(horizons)
    monkeypatch.setattr(mes, "SHORT_AFTER", 0.0)  # never switch
    horizons.clear()
    long_only = equal_shares_add1(EqualShares(profile, repeated=True), election.budget)
    assert set(horizons) == {mes.LONG_HORIZON}
    every_step = equal_shares_add1(EqualShares(profile, repeated=True), election.budget, skip=False)
    assert (adaptive.selected, adaptive.voter_budget) == (long_only.selected, long_only.voter_budget) \
        == (every_step.selected, every_step.voter_budget)
    assert adaptive.passes < long_only.passes


def test_cost_and_unit_profiles_group_ballots_as_sets_and_leave_free_projects_out_of_cost() -> None:
    projects = [Project("A", 100), Project("B", 50), Project("F", 0)]
    ballots = [Ballot("1", ("A", "F")), Ballot("2", ("F", "A")), Ballot("3", ("A",)), Ballot("4", ("B", "F"))]
    election = Election(projects, ballots, 150)
    card = build_profile(election, "card")
    assert dict(zip(zip(card.items, card.utils, strict=True), card.mult, strict=True)) == {
        ((0, 2), (1, 1)): 2, ((0,), (1,)): 1, ((1, 2), (1, 1)): 1}
    cost = build_profile(election, "cost")  # F gives no cost utility, so {A, F} and {A} are one group
    assert dict(zip(zip(cost.items, cost.utils, strict=True), cost.mult, strict=True)) == {
        ((0,), (100,)): 3, ((1,), (50,)): 1}
    with_free = build_profile(election, "cost", keep_non_positive=True)
    assert dict(zip(zip(with_free.items, with_free.utils, strict=True), with_free.mult, strict=True)) == {
        ((0, 2), (100, 0)): 2, ((0,), (100,)): 1, ((1, 2), (50, 0)): 1}


def test_points_and_borda_profiles_keep_positive_utilities_and_group_equal_ballots() -> None:
    projects = [Project("A", 10), Project("B", 20), Project("C", 30)]
    scored = Election(projects, [Ballot("1", ("C", "A", "B"), (2, -1, 0)), Ballot("2", ("A", "C", "B"), (-1, 2, 0)),
                                 Ballot("3", ("B",), (Fraction(1, 2),))], 60, vote_type="scoring")
    points = build_profile(scored, "points")  # 0 and negative points make nobody a supporter
    assert dict(zip(zip(points.items, points.utils, strict=True), points.mult, strict=True)) == {
        ((2,), (2,)): 2, ((1,), (Fraction(1, 2),)): 1}
    kept = build_profile(scored, "points", keep_non_positive=True)  # greedy keeps negative points
    assert dict(zip(zip(kept.items, kept.utils, strict=True), kept.mult, strict=True)) == {
        ((0, 2), (-1, 2)): 2, ((1,), (Fraction(1, 2),)): 1}
    ranked = Election(projects, [Ballot("1", ("C", "A", "B")), Ballot("2", ("C", "A", "B")), Ballot("3", ("B", "C")),
                                 Ballot("4", ("A",))], 60, vote_type="ordinal")
    borda = build_profile(ranked, "borda")  # the last-ranked project scores 0; kept in ranking order
    assert dict(zip(zip(borda.items, borda.utils, strict=True), borda.mult, strict=True)) == {
        ((2, 0), (2, 1)): 2, ((1,), (1,)): 1, ((), ()): 1}


@pytest.mark.parametrize(("name", "utility"), [("Poland_Czestochowa_2020_Grabowka.pb", "points"),
                                               ("Worldwide_Mechanical_Turk_Utilities_8.pb", "points"),
                                               ("Poland_Krakow_2018_Swoszowice.pb", "borda")])
def test_points_and_borda_prices_paid_in_full_by_everyone_match_exact_arithmetic(
        pabulib: Path, name: str, utility: str) -> None:
    """Rounds where no supporter runs short are priced at cost ÷ total utility in floats; the trail
    of the float pass says the same as that of the exact pass."""
    election = shared_election(name)
    engine = EqualShares(build_profile(election, utility))
    b = election.budget / election.num_voters
    floats = engine.run(b, record=True)
    exact = engine.run(b, exact=True, record=True)
    assert not floats.exact and floats.selected == exact.selected
    everyone_paid = [r for r in exact.rounds if r.selected and r.paid_in_full == r.supporters]
    assert everyone_paid, "no round where every supporter paid in full"
    for mine, theirs in zip(floats.rounds, exact.rounds, strict=True):
        assert (mine.selected, mine.supporters, mine.paid_in_full, mine.paid_all_left) == (
            theirs.selected, theirs.supporters, theirs.paid_in_full, theirs.paid_all_left)
        if theirs.selected:
            assert mine.score == pytest.approx(theirs.score, rel=1e-12)
            assert mine.supporters_money_after == pytest.approx(theirs.supporters_money_after, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("rule", ["mes_cost", "mes_card_add1"])
@pytest.mark.parametrize("increment", [0, -1, Fraction(-1, 2)])
def test_a_voter_budget_increment_that_is_not_positive_is_refused(rule: str, increment: int | Fraction) -> None:
    with pytest.raises(RuleError, match="voter_budget_increment must be positive"):
        count(tie_after_a_supporter_ran_out(), rule, voter_budget_increment=increment)
    assert count(tie_after_a_supporter_ran_out(), rule, voter_budget_increment=Fraction(1, 2)).selected


@pytest.mark.parametrize("rule", ["mes_cost", "mes_card_add1", "mes_card_add1_then_greedy_cost"])
def test_an_equal_shares_trail_is_made_when_first_read_and_tells_the_count(pabulib: Path, rule: str) -> None:
    """ADR 0311: the count takes its decisions without writing the trail; reading the trail runs
    the final pass again, writing every round, once."""
    election = shared_election("Netherlands_Assen_2024.pb")
    forget()
    outcome = count(election, rule)
    assert isinstance(outcome.trail, Trail)
    assert outcome.voter_budget is not None
    eager = EqualShares(build_profile(election, rule.split("_")[1])).run(outcome.voter_budget, record=True).rounds
    rounds = outcome.rounds
    assert rounds[:len(eager)] == tuple(eager)
    assert [r.selected for r in rounds if r.selected] == list(outcome.selected)
    assert outcome.rounds is rounds
    forget()
    unread = count(election, rule)  # an outcome whose trail was not read yet still pickles
    assert pickle.loads(pickle.dumps(unread)).rounds == rounds
