"""Properties every count must have, checked on random small elections.

* no rule spends more than the budget;
* under Equal Shares nobody pays more than their share (checked by replaying the outcome with a
  plain, exact, voter-by-voter implementation written here, which must also agree with it);
* the Equal Shares outcome satisfies EJR up to one project (checked by brute force over every
  set of projects).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.pb import Election, count, rules_for
from coproduce.pb.tests.test_oracle import elections


def utilities(election: Election, kind: str) -> list[dict[str, Fraction]]:
    """Each voter's utility per project, as pabutools' satisfaction classes define them."""
    costs = election.costs()
    result = []
    for ballot in election.ballots:
        if kind == "cost":
            result.append({p: Fraction(costs[p]) for p in ballot.projects})
        elif kind == "card":
            result.append({p: Fraction(1) for p in ballot.projects})
        elif kind == "points":
            result.append({p: Fraction(v) for p, v in ballot.points_by_project().items() if v > 0})
        else:
            length = len(ballot.projects)
            result.append({p: Fraction(length - i - 1) for i, p in enumerate(ballot.projects) if length - i - 1 > 0})
    return result


def plain_equal_shares(election: Election, kind: str) -> tuple[list[str], list[Fraction], Fraction]:
    """MES the textbook way: every voter separately, exact fractions, every project every round."""
    n = election.num_voters
    share = election.budget / n
    money = [share] * n
    utility = utilities(election, kind)
    paid = [Fraction(0)] * n
    costs = election.costs()
    remaining = sorted(p for p in costs if costs[p] > 0 and any(p in u for u in utility))
    chosen = sorted(p for p in costs if costs[p] == 0 and any(p in u for u in utility))
    while True:
        best: tuple[Fraction, str] | None = None
        for project in remaining:
            supporters = [i for i in range(n) if project in utility[i]]
            if sum(money[i] for i in supporters) < costs[project]:
                continue
            # smallest rho with sum(min(money, rho * u)) >= cost
            order = sorted(supporters, key=lambda i: money[i] / utility[i][project])
            covered, weight = Fraction(0), sum(utility[i][project] for i in supporters)
            for i in order:
                rho = (costs[project] - covered) / weight
                if rho * utility[i][project] <= money[i]:
                    break
                covered += money[i]
                weight -= utility[i][project]
            if best is None or (rho, project) < best:
                best = (rho, project)
        if best is None:
            return chosen, paid, share
        rho, project = best
        for i in range(n):
            if project in utility[i]:
                payment = min(money[i], rho * utility[i][project])
                money[i] -= payment
                paid[i] += payment
        chosen.append(project)
        remaining.remove(project)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_no_rule_spends_more_than_the_budget(election: Election) -> None:
    for rule in rules_for(election.vote_type):
        outcome = count(election, rule)
        assert outcome.cost <= election.budget
        assert len(set(outcome.selected)) == len(outcome.selected)


@settings(max_examples=200, deadline=None)
@given(elections())
def test_nobody_pays_more_than_their_share(election: Election) -> None:
    for rule in ("mes_cost", "mes_card", "mes_points", "mes_borda"):
        if rule not in rules_for(election.vote_type):
            continue
        chosen, paid, share = plain_equal_shares(election, rule.split("_")[1])
        assert list(count(election, rule).selected) == chosen
        assert all(amount <= share for amount in paid)
        assert sum(paid) == sum(election.project(p).cost for p in chosen)


def ejr_up_to_one_violation(election: Election, chosen: tuple[str, ...],
                            sat: Callable[[str], Fraction]) -> tuple[str, ...] | None:
    """A set of projects T whose cohesive supporters are all short-changed, or None.

    A group S is T-cohesive if everyone in S approves all of T and |S| / n ≥ cost(T) / budget.
    EJR up to one: in every such group someone has sat(W) + max_{p ∈ T \\ W} sat(p) ≥ sat(T).
    It suffices to look at the voters approving all of T who fail that test: if they alone are
    numerous enough, they form a violating group.
    """
    n, budget = election.num_voters, election.budget
    costs = election.costs()
    ids = [p.id for p in election.projects]
    won = set(chosen)
    for size in range(1, len(ids) + 1):
        for group_projects in combinations(ids, size):
            need = sum(sat(p) for p in group_projects)
            cost = sum(costs[p] for p in group_projects)
            missing = [sat(p) for p in group_projects if p not in won]
            failing = 0
            for ballot in election.ballots:
                if not set(group_projects) <= set(ballot.projects):
                    continue
                have = sum(sat(p) for p in ballot.projects if p in won)
                if have + max(missing, default=0) < need:
                    failing += 1
            if failing and failing * budget >= cost * n:
                return group_projects
    return None


@settings(max_examples=200, deadline=None)
@given(elections(vote_types=("approval",)))
def test_equal_shares_satisfies_ejr_up_to_one(election: Election) -> None:
    costs = election.costs()
    for rule, sat in (("mes_card", lambda p: Fraction(1)), ("mes_cost", lambda p: Fraction(costs[p]))):
        outcome = count(election, rule)
        assert ejr_up_to_one_violation(election, outcome.selected, sat) is None, rule


def test_the_ejr_check_can_fail() -> None:
    """The brute-force check finds a violation when a cohesive group gets nothing."""
    from coproduce.pb import Ballot, Project

    projects = [Project(p, 25) for p in ("a1", "a2", "b1", "b2")]
    ballots = [Ballot(str(i), ("a1", "a2")) for i in range(3)] + [Ballot(str(i), ("b1", "b2")) for i in range(3, 6)]
    election = Election(projects, ballots, 100)
    assert ejr_up_to_one_violation(election, ("a1", "a2"), lambda p: Fraction(1)) == ("b1", "b2")
    assert ejr_up_to_one_violation(election, ("a1", "a2", "b1"), lambda p: Fraction(1)) is None
    assert set(count(election, "mes_card").selected) == {"a1", "a2", "b1", "b2"}


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40))
def test_greedy_by_votes_takes_the_most_voted_first(first: int, second: int) -> None:
    from coproduce.pb import Ballot, Project

    ballots = [Ballot(f"a{i}", ("a",)) for i in range(first)] + [Ballot(f"b{i}", ("b",)) for i in range(second)]
    election = Election([Project("a", 10), Project("b", 10)], ballots, 10)
    winner = "a" if first >= second else "b"  # a tie goes to the smaller id
    assert count(election, "greedy_cost").selected == (winner,)
