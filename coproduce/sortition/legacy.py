"""The legacy greedy method (the Sortition Foundation's method before 2021), for comparison.

One person at a time: among the quota values that still have room and available people, take
the one with the largest (minimum still needed) ÷ (people still available) — the scarcest —
breaking ties at random; choose a uniformly random available person with that value. When a
value reaches its maximum, everyone else with it becomes unavailable; so do the chosen
person's housemates. If a minimum can no longer be met the attempt fails and starts again.

It gives no probabilities of its own: they are estimated by running it many times. Some people
get far lower chances than under LEXIMIN (the reason the method was replaced).
"""

from __future__ import annotations

import random

import numpy as np

from coproduce.sortition.errors import SortitionError
from coproduce.sortition.instance import Instance

MAX_ATTEMPTS = 100


def legacy_panel(instance: Instance, rng: random.Random, attempts: int = MAX_ATTEMPTS) -> frozenset[int]:
    """One panel (people's positions in the pool). Raises `SortitionError` if every attempt fails."""
    for _ in range(attempts):
        panel = _attempt(instance, rng)
        if panel is not None:
            return panel
    raise SortitionError(f"The legacy method found no panel in {attempts} attempts (its greedy choices kept "
                         "running out of people for some quota). Use the leximin method instead.")


def _attempt(instance: Instance, rng: random.Random) -> frozenset[int] | None:
    matrix = instance.matrix
    lower, upper = instance.lower, instance.upper
    available = instance.counts.copy()
    remaining = [list(group) for group in instance.members]
    chosen_count = np.zeros(len(lower), dtype=np.int64)
    chosen: list[int] = []
    for _ in range(instance.size):
        people_with = matrix @ available
        if np.any((chosen_count < lower) & (people_with == 0)):
            return None
        open_rows = (chosen_count < upper) & (people_with > 0)
        if not open_rows.any():
            return None
        ratio = np.where(open_rows, (lower - chosen_count) / np.maximum(people_with, 1), -np.inf)
        best = np.flatnonzero(ratio == ratio.max())
        row = int(best[rng.randrange(len(best))]) if len(best) > 1 else int(best[0])
        candidates = np.flatnonzero(matrix[row] * available)
        weights = available[candidates]
        pick = rng.randrange(int(weights.sum()))
        t = int(candidates[int(np.searchsorted(np.cumsum(weights), pick, side="right"))])
        group = remaining[t]
        person = group.pop(rng.randrange(len(group)))
        chosen.append(person)
        available[t] -= 1
        chosen_count += matrix[:, t]
        full = chosen_count >= upper
        if full.any():
            available[matrix[full].any(axis=0)] = 0
        house = int(instance.household_of[t])
        if house >= 0:
            available[list(instance.households[house])] = 0
    if np.any(chosen_count < lower) or np.any(chosen_count > upper):
        return None
    return frozenset(chosen)
