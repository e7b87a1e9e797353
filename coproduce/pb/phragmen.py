"""Sequential Phragmén (pabutools' ``sequential_phragmen``) on approval ballots.

Voters earn money continuously from 0 (their *load*). A project is bought as soon as its
supporters can pay its cost together; they then all have the same load, the new maximum load
``(Σ supporters' loads + cost) / supporters``. Each round buys the project with the smallest new
maximum load (ties: smallest id). The count stops as soon as one of the projects with the
smallest load does not fit in the budget left. Projects that cost more than the whole budget
are left out from the start; projects nobody approves come last (infinite load).

Loads are exact. Voters are grouped by ballot, and supporters of a project are grouped by load
level (every supporter of a project bought in round t has the round-t load), so a round costs
work in proportion to the supporters of the project bought, not to all voters.
"""

from __future__ import annotations

import math
from fractions import Fraction

from coproduce.pb.outcome import Dropped, Round, Standing
from coproduce.pb.profile import Profile

#: Relative gap under which two float loads are compared again exactly.
TOLERANCE = 1e-9


def phragmen(profile: Profile, budget: Fraction) -> tuple[list[int], list[Round]]:
    """Chosen project numbers in the order bought, and one round per purchase (plus the stop)."""
    ids, cost = profile.projects.ids, profile.projects.cost
    m = profile.m
    supporters = profile.supporters()
    mult = profile.mult
    approvals = [sum(mult[g] for g in s) for s in supporters]
    # every supporter of the project bought in round t ends with the same load: levels[t]
    levels: list[Fraction] = [Fraction(0)]
    level_of = [0] * len(profile.items)
    load_of = [0.0] * len(profile.items)
    load_sum = [0.0] * m  # supporters' loads in total, in floats (exact values are recomputed)
    remaining = {q for q in range(m) if cost[q] <= budget}
    rounds: list[Round] = []
    over = [q for q in range(m) if cost[q] > budget]
    if over:
        rounds.append(Round(1, money_left=float(budget), note="projects costing more than the whole budget are left out",
                            dropped=tuple(Dropped(ids[q], "over-budget", float(cost[q]), float(budget)) for q in over)))
    spent: int | Fraction = 0
    chosen: list[int] = []

    def exact_load(q: int) -> Fraction:
        voters_at: dict[int, int] = {}
        for g in supporters[q]:
            level = level_of[g]
            voters_at[level] = voters_at.get(level, 0) + mult[g]
        total = sum((count * levels[level] for level, count in voters_at.items() if level), Fraction(0))
        return (total + cost[q]) / approvals[q]

    while remaining:
        supported = [q for q in remaining if approvals[q]]
        tied: list[int]
        best: Fraction | None
        if supported:
            floats = {q: (load_sum[q] + cost[q]) / approvals[q] for q in supported}
            low = min(floats.values())
            near = [q for q in supported if floats[q] <= low * (1 + TOLERANCE)]
            exact = {q: exact_load(q) for q in near}
            best = min(exact.values())
            tied = sorted(q for q in near if exact[q] == best)
        else:
            best = None
            tied = sorted(remaining)
        standings: tuple[Standing, ...] = ()
        if best is not None:
            standings = tuple(Standing(ids[q], float(exact[q])) for q in sorted(near))
        blocking = [q for q in tied if spent + cost[q] > budget]
        if blocking:
            left = budget - spent
            stop_note = (f"stopped: project {ids[blocking[0]]} has the smallest load but costs more than the "
                         f"budget left" if best is not None else
                         f"stopped: project {ids[blocking[0]]}, which nobody approves, does not fit in the budget left")
            rounds.append(Round(len(rounds) + 1, money_left=float(left), note=stop_note, standings=standings,
                                dropped=tuple(
                                    Dropped(ids[q], "does-not-fit" if q in blocking else "stopped",
                                            float(cost[q]), float(left)) for q in sorted(remaining))))
            break
        q = tied[0]
        chosen.append(q)
        remaining.discard(q)
        spent += cost[q]
        if best is not None:
            levels.append(best)
            new_level = len(levels) - 1
            best_float = float(best)
            items = profile.items
            for g in supporters[q]:
                rise = mult[g] * (best_float - load_of[g])
                load_of[g] = best_float
                level_of[g] = new_level
                for p in items[g]:
                    load_sum[p] += rise
        rounds.append(Round(len(rounds) + 1, ids[q], float(best) if best is not None else math.inf,
                            float(best) if best is not None else None, approvals[q], approvals[q],
                            money_left=float(budget - spent), tied_with=tuple(ids[t] for t in tied[1:]),
                            standings=standings))
    return chosen, rounds
