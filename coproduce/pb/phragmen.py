"""Sequential Phragmén (pabutools' ``sequential_phragmen``) on approval ballots.

Voters earn money continuously from 0 (their *load*). A project is bought as soon as its
supporters can pay its cost together; they then all have the same load, the new maximum load
``(Σ supporters' loads + cost) / supporters``. Each round buys the project with the smallest new
maximum load (ties: smallest id). The count stops as soon as one of the projects with the
smallest load does not fit in the budget left. Projects that cost more than the whole budget
are left out from the start; projects nobody approves come last (infinite load).

Loads are exact where it matters. Voters are grouped by ballot. A project's new maximum load
can only grow from one round to the next (its supporters' loads only grow), so each round
re-computes it only for projects whose last known value could still be the smallest (lazy
evaluation), summing at C speed what its supporters' groups have paid (float load × voters,
kept as loads change). When more than one load is within a relative 1e-9 of the smallest, those
are computed exactly (every supporter of a project bought in round t has the round-t load, an
exact fraction) to decide the round and its ties. A round decided by floats alone keeps what its
exact load is made from, and makes it exact only if a later close call needs it
(docs/decisions/0305-*.md); which round's load each group has is only worked out then too.
"""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction

from coproduce.pb.election import quick
from coproduce.pb.outcome import Dropped, Round, Standing
from coproduce.pb.pick import picker
from coproduce.pb.profile import Profile

#: Relative gap under which two float loads are compared again exactly.
TOLERANCE = 1e-9


def phragmen(profile: Profile, budget: Fraction) -> tuple[list[int], list[Round]]:
    """Chosen project numbers in the order bought, and one round per purchase (plus the stop)."""
    ids, cost = profile.projects.ids, profile.projects.cost
    m = profile.m
    limit = quick(budget)  # compared once per project per round
    supporters = profile.supporters()
    mult = profile.mult
    everyone = list(mult)
    pick = [picker(s) for s in supporters]
    weights: list[tuple[int, ...]] = [pick[q](everyone) for q in range(m)]
    approvals: list[int] = [sum(w) for w in weights]
    # every supporter of the project bought in round t ends with the same load: levels[t]. It is
    # made exact only when a close call needs it: until then it is None, and `pending[t]` keeps
    # what it is made from (`bought[t]` and the levels its supporters had just before).
    levels: list[Fraction | None] = [Fraction(0)]
    bought: list[int] = [-1]
    pending: dict[int, tuple[int, tuple[int, ...]]] = {}
    # each group's level (the t of its load levels[t]), brought up to date only when a close call
    # reads it (`catch_up`): most counts have none, and keeping it up to date was a pass over the
    # supporters of every project bought. It is up to date up to level `synced`.
    level_of = [0] * len(profile.items)
    synced = 0
    # each group's load times its number of voters: a project's supporters pay sum(pick[q](paid))
    paid = [0.0] * len(profile.items)
    remaining = {q for q in range(m) if cost[q] <= limit}
    # a lower bound on each project's new maximum load (exact at the start: nobody has a load)
    bound = [float(cost[q]) / approvals[q] if approvals[q] else math.inf for q in range(m)]
    rounds: list[Round] = []
    over = [q for q in range(m) if cost[q] > limit]
    if over:
        rounds.append(Round(1, money_left=float(limit), note="projects costing more than the whole budget are left out",
                            dropped=tuple(Dropped(ids[q], "over-budget", float(cost[q]), float(limit)) for q in over)))
    spent: int | Fraction = 0
    chosen: list[int] = []

    # where, among the supporters of a project, the groups standing for more than one voter are
    heavy: dict[int, list[int]] = {}

    def catch_up() -> None:
        """Bring `level_of` up to date, noting what each level not yet exact is made from."""
        nonlocal synced
        for t in range(synced + 1, len(levels)):
            made_of = bought[t]
            if levels[t] is None:
                pending[t] = (made_of, pick[made_of](level_of))  # before its supporters' levels change
            for g in supporters[made_of]:
                level_of[g] = t
        synced = len(levels) - 1

    def load_from(q: int, at: tuple[int, ...]) -> Fraction:
        """q's exact new maximum load when its supporters' groups are at the levels `at`."""
        voters_at = Counter(at)  # one per group (C speed), then the groups' other voters
        members = supporters[q]
        if q not in heavy:
            heavy[q] = [i for i, g in enumerate(members) if mult[g] > 1]
        for i in heavy[q]:
            voters_at[at[i]] += mult[members[i]] - 1
        if pending:
            needed = max((level for level in voters_at if level in pending), default=0)
            for t in sorted(t for t in pending if t <= needed):  # in order: a level is made from earlier ones
                made_of, before = pending.pop(t)
                levels[t] = load_from(made_of, before)
        total = Fraction(0)
        for level, count in voters_at.items():
            if level:
                made = levels[level]
                assert made is not None  # made exact above
                total += count * made
        return (total + cost[q]) / approvals[q]

    approved = {q for q in remaining if approvals[q]}  # those of `remaining` that someone approves
    while remaining:
        supported = sorted(approved, key=bound.__getitem__)
        tied: list[int]
        best: float | None  # the smallest new maximum load (None: nobody approves what is left)
        exact: Fraction | None = None  # the same, exactly, when a close call had to compute it
        standings: tuple[Standing, ...] = ()
        if supported:
            low = math.inf
            evaluated: list[int] = []
            for q in supported:
                if bound[q] > low * (1 + TOLERANCE):
                    break  # its load is at least its bound: it cannot be within the tolerance
                value = (sum(pick[q](paid)) + float(cost[q])) / approvals[q]
                bound[q] = value
                evaluated.append(q)
                if value < low:
                    low = value
            if len(evaluated) == 1:
                near = evaluated
            else:
                cut = low * (1 + TOLERANCE)
                near = sorted([q for q in evaluated if bound[q] <= cut])
            if len(near) == 1:  # no close call: the float decides, the exact load can wait
                tied, best = near, low
                standings = (Standing(ids[near[0]], low),)
            else:
                catch_up()
                loads = {q: load_from(q, pick[q](level_of)) for q in near}
                exact = min(loads.values())
                tied = [q for q in near if loads[q] == exact]
                best = float(exact)
                standings = tuple(Standing(ids[q], float(loads[q])) for q in near)
        else:
            best = None
            tied = sorted(remaining)
        blocking = [q for q in tied if spent + cost[q] > limit]
        if blocking:
            left = limit - spent
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
        approved.discard(q)
        spent += cost[q]
        if best is not None:
            bought.append(q)
            levels.append(exact)
            # every supporter of q now has the load `best`, and has paid it per voter (a plain loop:
            # quicker than a C-speed `map` over `paid.__setitem__`, whose calls are slow)
            for g, voters in zip(supporters[q], weights[q], strict=True):
                paid[g] = best * voters
        rounds.append(Round(len(rounds) + 1, ids[q], best if best is not None else math.inf, best,
                            approvals[q], approvals[q], money_left=float(limit - spent),
                            tied_with=tuple([ids[t] for t in tied[1:]]) if len(tied) > 1 else (),
                            standings=standings))
    return chosen, rounds

