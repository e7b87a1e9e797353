"""Random small elections: coproduce.pb gives pabutools' outcome for every rule, in the same order.

pabutools (GPL) is a test-only oracle: it reads the file our writer produces, so the writer is
checked at the same time. The float engine is also checked against exact arithmetic and both
MES strategies against each other.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.pb import Ballot, Election, Project, count, rules_for, write_pb
from coproduce.pb.mes import EqualShares, equal_shares, equal_shares_add1
from coproduce.pb.profile import build_profile

#: Ids chosen so that text order differs from numeric order ("10" < "2"), as in real files.
IDS = ["1", "10", "2", "9", "c10", "c2", "a"]


@st.composite
def elections(draw: st.DrawFn, vote_types: tuple[str, ...] = ("approval", "cumulative", "ordinal")) -> Election:
    vote_type = draw(st.sampled_from(vote_types))
    count_projects = draw(st.integers(1, 6))
    ids = draw(st.permutations(IDS))[:count_projects]
    cost_pool = draw(st.lists(st.integers(1, 60), min_size=1, max_size=3))  # few distinct costs → ties
    projects = [Project(pid, draw(st.sampled_from(cost_pool))) for pid in ids]
    voters = draw(st.integers(1, 10))
    ballots = []
    for v in range(voters):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=count_projects, unique=True))
        if vote_type == "cumulative":
            points = draw(st.lists(st.integers(0, 4), min_size=len(chosen), max_size=len(chosen)))
            ballots.append(Ballot(f"v{v}", tuple(chosen), tuple(points)))
        else:
            ballots.append(Ballot(f"v{v}", tuple(chosen)))
    total = sum(p.cost for p in projects)
    budget = draw(st.integers(1, int(total) + 20))
    return Election(projects, ballots, budget, vote_type)


def pabutools_outcome(election: Election, rule: str) -> list[str]:
    from pabutools.election import (  # type: ignore[import-untyped]
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
    )
    from pabutools.election.pabulib import parse_pabulib_from_string  # type: ignore[import-untyped]
    from pabutools.rules import (  # type: ignore[import-untyped]
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib_from_string(write_pb(election))
    sat: dict[str, Any] = {"cost": Cost_Sat, "card": Cardinality_Sat, "points": Additive_Cardinal_Sat,
                           "borda": Additive_Borda_Sat}
    kind = rule.split("_")[1]
    if rule == "seq_phragmen":
        if election.vote_type != "approval":
            profile = ApprovalProfile([ApprovalBallot(list(b)) for b in profile])
        result = sequential_phragmen(instance, profile)
    elif rule.startswith("greedy_"):
        extra = {"is_sat_additive": True} if kind == "borda" else {}
        result = greedy_utilitarian_welfare(instance, profile, sat_class=sat[kind], **extra)
    elif "add1" in rule:
        result = method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=sat[kind],
                                        voter_budget_increment=1)
        if rule.endswith("_then_greedy_cost"):
            result = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                initial_budget_allocation=result)
    else:
        result = method_of_equal_shares(instance, profile, sat_class=sat[kind])
    return [p.name for p in result]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_same_outcome_as_pabutools(election: Election) -> None:
    for rule in rules_for(election.vote_type):
        ours = count(election, rule)
        expected = pabutools_outcome(election, rule)
        selected = sorted(ours.selected) if rule == "seq_phragmen" else list(ours.selected)
        assert selected == expected, rule
        assert ours.cost == sum(election.project(p).cost for p in ours.selected)
        assert ours.cost <= election.budget


@settings(max_examples=150, deadline=None)
@given(elections())
def test_float_engine_agrees_with_exact_arithmetic(election: Election) -> None:
    for rule in rules_for(election.vote_type):
        if rule.startswith("mes_"):
            assert count(election, rule).selected == count(election, rule, exact=True).selected, rule


@settings(max_examples=150, deadline=None)
@given(elections())
def test_both_strategies_and_step_skipping_agree(election: Election) -> None:
    for utility in ("cost", "card"):
        profile = build_profile(election, utility)
        results = []
        for strategy in ("groups", "patterns"):
            engine = EqualShares(profile, strategy)
            results.append(equal_shares(engine, election.budget).selected)
            results.append(equal_shares_add1(engine, election.budget).selected)
            results.append(equal_shares_add1(engine, election.budget, skip=False).selected)
        assert results[0::3].count(results[0]) == 2
        assert len(set(map(tuple, results[1::3] + results[2::3]))) == 1


def test_add1_takes_the_increment_it_is_given() -> None:
    election = Election([Project("a", 30), Project("b", 30), Project("c", 40)],
                        [Ballot("1", ("a",)), Ballot("2", ("b", "c")), Ballot("3", ("c",))], 90)
    one = count(election, "mes_cost_add1")
    assert one.initial_voter_budget == 30
    assert one.voter_budget is not None and one.voter_budget >= one.initial_voter_budget
    coarse = count(election, "mes_cost_add1", voter_budget_increment=Fraction(7, 2))
    assert coarse.voter_budget is not None and (coarse.voter_budget - 30) % Fraction(7, 2) == 0
