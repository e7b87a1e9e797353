"""`count(election, rule)`: the counting rules, named as in pabutools' reference outcomes.

=================================  ===========================================================
rule                               meaning (pabutools call)
=================================  ===========================================================
greedy_cost                        greedy by number of votes (Cost_Sat)
greedy_card                        greedy by votes per unit of cost (Cardinality_Sat)
mes_cost                           Equal Shares, cost utilities (the equalshares.net rule)
mes_card                           Equal Shares, one unit of utility per supported project
mes_cost_add1, mes_card_add1       Equal Shares completed by raising every voter's share by 1
                                   until the outcome is exhaustive (voter_budget_increment=1)
mes_*_add1_then_greedy_cost        add1, then fill up greedily by number of votes
seq_phragmen                       sequential Phragmén (approval; other ballots as approvals)
greedy_points, mes_points          cumulative / scoring ballots: utility = points
greedy_borda, mes_borda            ordinal ballots: Borda utility, last-ranked project = 0
=================================  ===========================================================

Ties are broken towards the smallest project id compared as text, as pabutools does.
"""

from __future__ import annotations

import weakref
from fractions import Fraction
from functools import partial
from typing import Any

from coproduce.pb.election import POINT_TYPES, Election, Money, quick
from coproduce.pb.errors import RuleError
from coproduce.pb.greedy import greedy
from coproduce.pb.mes import Add1Result, EqualShares, equal_shares, equal_shares_add1
from coproduce.pb.outcome import Outcome, Round, Trail
from coproduce.pb.phragmen import phragmen
from coproduce.pb.profile import Projects, approval_counts, build_profile

#: Every rule `count` knows, in the order a newcomer meets them.
RULES: tuple[str, ...] = (
    "greedy_cost",
    "greedy_card",
    "mes_cost",
    "mes_card",
    "mes_cost_add1",
    "mes_card_add1",
    "mes_cost_add1_then_greedy_cost",
    "mes_card_add1_then_greedy_cost",
    "seq_phragmen",
    "greedy_points",
    "mes_points",
    "greedy_borda",
    "mes_borda",
)

#: One-line descriptions for people (CLI help, explanations).
DESCRIPTIONS: dict[str, str] = {
    "greedy_cost": "greedy by number of votes: most-voted first, skipping projects that do not fit",
    "greedy_card": "greedy by votes per unit of cost, skipping projects that do not fit",
    "mes_cost": "Method of Equal Shares with cost utilities (equalshares.net), no completion",
    "mes_card": "Method of Equal Shares with one unit of utility per supported project, no completion",
    "mes_cost_add1": "Method of Equal Shares (cost utilities), each voter's share raised by 1 until exhaustive",
    "mes_card_add1": "Method of Equal Shares (unit utilities), each voter's share raised by 1 until exhaustive",
    "mes_cost_add1_then_greedy_cost": "mes_cost_add1, then the money left filled greedily by number of votes",
    "mes_card_add1_then_greedy_cost": "mes_card_add1, then the money left filled greedily by number of votes",
    "seq_phragmen": "sequential Phragmén: supporters earn money until they can buy a project together",
    "greedy_points": "greedy by points per unit of cost (cumulative or scoring ballots)",
    "mes_points": "Method of Equal Shares where a voter's utility is the points they gave",
    "greedy_borda": "greedy by Borda score per unit of cost (ordinal ballots; last place scores 0)",
    "mes_borda": "Method of Equal Shares with Borda utilities (ordinal ballots; last place scores 0)",
}


def rules_for(vote_type: str) -> tuple[str, ...]:
    """The rules that can count ballots of this vote type."""
    return tuple(rule for rule in RULES if _suits(rule, vote_type))


def _suits(rule: str, vote_type: str) -> bool:
    if rule.endswith("_points"):
        return vote_type in POINT_TYPES
    if rule.endswith("_borda"):
        return vote_type == "ordinal"
    return True


def _utility(rule: str) -> str:
    for utility in ("cost", "card", "points", "borda"):
        if rule.startswith(f"mes_{utility}") or rule == f"greedy_{utility}":
            return utility
    raise RuleError(f"unknown rule {rule!r}")


#: The utility of each rule but seq_phragmen (looked up by every count rather than worked out
#: from the rule's name again)
_UTILITY: dict[str, str] = {rule: _utility(rule) for rule in RULES if rule != "seq_phragmen"}


def count(election: Election, rule: str, *, exact: bool = False, stop_when_exhaustive: bool = True,
          voter_budget_increment: int | Fraction = 1, skip_stable_steps: bool = True) -> Outcome:
    """Count `election` with `rule` (one of `RULES`).

    * ``exact``: do every MES step in exact fractions (slow; the default already decides every
      close call exactly, so outcomes are the same).
    * ``stop_when_exhaustive`` (add1 rules): stop at the first exhaustive outcome (pabutools'
      default). False keeps raising the voters' shares until the next outcome would overspend,
      as Wieliczka 2023 did.
    * ``voter_budget_increment`` (add1 rules): how much each voter's share grows per step.
    * ``skip_stable_steps`` (add1 rules): skip steps proven to give the same outcome.
    """
    if rule not in RULES:
        raise RuleError(f"unknown rule {rule!r}; known rules: {', '.join(RULES)}")
    if not _suits(rule, election.vote_type):
        needed = "cumulative or scoring" if rule.endswith("_points") else "ordinal"
        raise RuleError(f"rule {rule} needs {needed} ballots; this election has {election.vote_type} ballots")
    if voter_budget_increment != 1 and Fraction(voter_budget_increment) <= 0:
        raise RuleError("voter_budget_increment must be positive")
    options: dict[str, Any] = {}
    projects = Projects.of(election)
    budget = election.budget
    voter_budget: Fraction | None = None
    initial: Fraction | None = None
    passes = 0
    chosen: list[int]
    trail: tuple[Round, ...] | Trail
    if rule.startswith("greedy_"):
        chosen, rounds = _greedy(election, projects, _UTILITY[rule])
        trail = tuple(rounds)
    elif rule == "seq_phragmen":
        chosen, rounds = phragmen(build_profile(election, "card", projects=projects), budget)
        trail = tuple(rounds)
    else:
        if election.num_voters == 0:
            result = Add1Result([], Fraction(0), 0, Trail(lambda: [Round(1, note="there are no ballots")]))
        elif "_add1" in rule:
            increment = Fraction(voter_budget_increment)
            options = {"stop_when_exhaustive": stop_when_exhaustive, "voter_budget_increment": increment}
            key = (_UTILITY[rule], stop_when_exhaustive, increment, exact, skip_stable_steps)
            remembered = _remembered(election, key)
            if remembered is None:
                profile = build_profile(election, _UTILITY[rule], projects=projects)
                remembered = equal_shares_add1(EqualShares(profile, repeated=True), budget, increment=increment,
                                               stop_when_exhaustive=stop_when_exhaustive, exact=exact,
                                               skip=skip_stable_steps)
                _remember(election, key, remembered)
            result = remembered
            initial = budget / election.num_voters
        else:
            profile = build_profile(election, _UTILITY[rule], projects=projects)
            result = equal_shares(EqualShares(profile), budget, exact=exact)
        chosen, trail, voter_budget, passes = result.selected, result.trail, result.voter_budget, result.passes
        if rule.endswith("_then_greedy_cost"):
            counts = approval_counts(election, projects)
            totals = [c * projects.cost[q] for q, c in enumerate(counts)]
            more, extra = greedy(projects, totals, budget, already=chosen, score_of=counts)
            trail = Trail(partial(_then, result.trail, extra))
            chosen = chosen + more
    selected = tuple(map(projects.ids.__getitem__, chosen))
    total = sum(map(projects.cost.__getitem__, chosen))
    return Outcome(rule, selected, total, budget, _exhaustive(projects, chosen, total, budget), trail,
                   voter_budget, initial, passes, options)


#: The add1 completions last computed, per election (they are by far the most expensive part of
#: a count, and ``mes_*_add1_then_greedy_cost`` starts from the same one). Elections are
#: immutable, so a remembered result stays right; it goes when its election does.
_ADD1: dict[int, tuple[weakref.ref[Election], dict[tuple[Any, ...], Add1Result]]] = {}
_ADD1_ELECTIONS = 4


def _remembered(election: Election, key: tuple[Any, ...]) -> Add1Result | None:
    entry = _ADD1.get(id(election))
    if entry is None or entry[0]() is not election:
        return None
    return entry[1].get(key)


def _remember(election: Election, key: tuple[Any, ...], result: Add1Result) -> None:
    entry = _ADD1.get(id(election))
    if entry is None or entry[0]() is not election:
        while len(_ADD1) >= _ADD1_ELECTIONS:
            _ADD1.pop(next(iter(_ADD1)))
        number = id(election)

        def gone(_: weakref.ref[Election], number: int = number) -> None:
            _ADD1.pop(number, None)

        entry = (weakref.ref(election, gone), {})
        _ADD1[number] = entry
    entry[1][key] = result


def forget() -> None:
    """Forget remembered add1 completions (for timing counts from scratch)."""
    _ADD1.clear()


def _then(add1: Trail, extra: list[Round]) -> list[Round]:
    """The add1 count's rounds, then the greedy completion's, numbered on."""
    first = add1()
    return [*first, *(_renumber(r, len(first), "filling up greedily by number of votes") for r in extra)]


def _renumber(item: Round, offset: int, note: str) -> Round:
    return item._replace(number=item.number + offset, note=item.note or note)


def _greedy(election: Election, projects: Projects, utility: str) -> tuple[list[int], list[Round]]:
    if utility in ("cost", "card"):
        counts = approval_counts(election, projects)
        if utility == "cost":
            totals: list[int | Fraction] = [c * projects.cost[q] for q, c in enumerate(counts)]
        else:
            totals = list(counts)
        return greedy(projects, totals, election.budget, score_of=counts if utility == "cost" else None)
    profile = build_profile(election, utility, projects=projects, keep_non_positive=True)
    return greedy(projects, profile.totals(), election.budget)


def _exhaustive(projects: Projects, chosen: list[int], spent: Money, budget: Fraction) -> bool:
    """True if no project outside `chosen` (which cost `spent`) fits in what is left of the budget."""
    left = quick(budget) - spent
    taken = set(chosen)
    return all(cost > left for q, cost in enumerate(projects.cost) if q not in taken)

