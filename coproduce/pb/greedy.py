"""Greedy by welfare per unit of cost (pabutools' ``greedy_utilitarian_welfare``, additive path).

Projects are taken in decreasing order of total satisfaction divided by cost (ties: smallest
project id). A project that fits in what is left of the budget is chosen; one that does not fit
is skipped and the scan goes on. A project nobody supports has score 0 but is still chosen if it
fits when its turn comes; a free project with supporters comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from coproduce.pb.election import Money
from coproduce.pb.outcome import Dropped, Round
from coproduce.pb.profile import Projects

#: Score of a free project with supporters (pabutools: infinite density).
FREE = float("inf")


def density(total: int | Fraction, cost: Money) -> Fraction | float:
    """Total satisfaction per unit of cost, exactly; ∞ for a free project with supporters."""
    if total > 0:
        return Fraction(total) / cost if cost > 0 else FREE
    return Fraction(0)


def greedy(projects: Projects, totals: Sequence[int | Fraction], budget: Fraction, *,
           already: Sequence[int] = (), score_of: Sequence[int | Fraction] | None = None) -> tuple[list[int], list[Round]]:
    """Chosen project numbers (after `already`) and one round per project considered.

    `totals` is each project's total satisfaction. `score_of`, if given, is the number shown
    as the round's score instead of the density (the vote count for ``greedy_cost``).
    """
    cost = projects.cost
    taken = set(already)
    left = budget - sum(cost[q] for q in already)
    scores = [density(totals[q], cost[q]) for q in range(projects.m)]
    order = sorted((q for q in range(projects.m) if q not in taken),
                   key=lambda q: (0, Fraction(0), q) if scores[q] == FREE else (1, -Fraction(scores[q]), q))
    chosen: list[int] = []
    rounds: list[Round] = []
    for q in order:
        shown = float(score_of[q]) if score_of is not None else float(scores[q])
        if cost[q] <= left:
            chosen.append(q)
            left -= cost[q]
            rounds.append(Round(len(rounds) + 1, projects.ids[q], shown, money_left=float(left)))
        else:
            rounds.append(Round(len(rounds) + 1, None, shown, money_left=float(left),
                                dropped=(Dropped(projects.ids[q], "does-not-fit", float(cost[q]), float(left)),),
                                note="does not fit in the budget left"))
    return chosen, rounds
