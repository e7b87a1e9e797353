"""From a lottery over type counts to a lottery over actual people.

A panel over types says "2 of the 4 people of type t"; everyone of that type must end up with
the same probability. Lay the type panels along [0, 1) (panel j takes an interval of length
λ_j). For each type t and each count v with 0 < v < c_t, join the intervals where t has v
people; split that stretch into r = c_t / gcd(v, c_t) equal parts, and in part q choose the v
people at positions q·v, q·v + 1, …, q·v + v − 1 (mod c_t). Those windows tile the circle of
c_t people exactly v / gcd(v, c_t) times, so every member gets the same share. Cutting [0, 1)
at every interval and part boundary gives panels of actual people with exact marginals.

Boundaries closer than `SNAP` are merged, so no panel gets a probability that is only a
rounding error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from coproduce.sortition.instance import Instance, IntArray

SNAP = 1e-12


def expand(instance: Instance, panels: Sequence[IntArray], probabilities: Sequence[float]
           ) -> tuple[tuple[frozenset[str], float], ...]:
    """The people-level lottery for a type-level one (same order of panels, merged repeats)."""
    lam = np.asarray(probabilities, dtype=np.float64)
    lam = lam / lam.sum()
    starts = np.concatenate([[0.0], np.cumsum(lam)[:-1]])
    counts = instance.counts
    matrix = np.array(panels, dtype=np.int64).reshape(len(panels), instance.type_count)

    # For every (type, count) stretch: its intervals in order, and its part length.
    stretches: dict[tuple[int, int], list[int]] = {}
    for j in range(len(panels)):
        for partial in np.nonzero((matrix[j] > 0) & (matrix[j] < counts))[0]:
            stretches.setdefault((int(partial), int(matrix[j, partial])), []).append(j)
    cuts = [float(s) for s in starts]
    # Position of each interval inside its stretch, for every (type, count).
    offsets: dict[tuple[int, int, int], float] = {}
    part_length: dict[tuple[int, int], float] = {}
    for (t, v), intervals in stretches.items():
        c = int(counts[t])
        parts = c // math.gcd(v, c)
        total = float(lam[intervals].sum())
        length = total / parts
        part_length[(t, v)] = length
        position = 0.0
        boundary = 1
        for j in intervals:
            offsets[(t, v, j)] = position
            end = position + lam[j]
            while boundary < parts and boundary * length < end - SNAP:
                cut = starts[j] + boundary * length - position
                if cut > starts[j] + SNAP:
                    cuts.append(float(cut))
                boundary += 1
            position = end
    cuts.append(1.0)
    edges = _snap(sorted(cuts))

    merged: dict[frozenset[str], float] = {}
    order: list[frozenset[str]] = []
    for left, right in zip(edges[:-1], edges[1:], strict=True):
        width = right - left
        if width <= SNAP:
            continue
        middle = (left + right) / 2
        j = int(np.searchsorted(starts, middle, side="right")) - 1
        chosen: list[int] = []
        for type_index in np.nonzero(matrix[j])[0]:
            t = int(type_index)
            v = int(matrix[j, t])
            group = instance.members[t]
            if v == len(group):
                chosen.extend(group)
                continue
            inside = offsets[(t, v, j)] + (middle - starts[j])
            parts = len(group) // math.gcd(v, len(group))
            q = min(int(inside / part_length[(t, v)]), parts - 1)
            first = q * v
            chosen.extend(group[(first + i) % len(group)] for i in range(v))
        panel = instance.ids(chosen)
        if panel not in merged:
            order.append(panel)
            merged[panel] = 0.0
        merged[panel] += width
    total = sum(merged.values())
    return tuple((panel, merged[panel] / total) for panel in order)


def _snap(points: list[float]) -> list[float]:
    snapped = [0.0]
    for point in points:
        if point - snapped[-1] > SNAP:
            snapped.append(point)
    if 1.0 - snapped[-1] <= SNAP:
        snapped[-1] = 1.0
    else:
        snapped.append(1.0)
    return snapped
