"""Published lotteries by pipage rounding (the "transparent lottery").

A distribution over panels can be published as a numbered list of `size` tickets, each a
panel, from which one ticket is drawn uniformly in public. Panel P with probability p gets
⌊size·p⌋ or ⌈size·p⌉ tickets: the fractional parts are rounded by pipage rounding, which moves
mass between two fractional entries at a time so that each entry's expectation stays exactly
size·p and the total stays exactly `size`. Arithmetic is exact (`Fraction`); only the coin
flips use the injected random generator.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from fractions import Fraction

from coproduce.sortition.errors import BadInputError
from coproduce.sortition.model import Lottery


def pipage_round(values: Sequence[Fraction], rng: random.Random) -> list[int]:
    """Round non-negative values whose sum is a whole number to integers with the same sum,
    each rounded down or up, keeping every value's expectation."""
    whole = [math.floor(v) for v in values]
    fraction = [v - w for v, w in zip(values, whole, strict=True)]
    open_ = [i for i, f in enumerate(fraction) if 0 < f < 1]
    while len(open_) >= 2:
        i, j = open_[0], open_[1]
        a, b = fraction[i], fraction[j]
        up = min(1 - a, b)  # a rises by `up`, b falls by it …
        down = min(a, 1 - b)  # … or a falls by `down`, b rises by it
        if Fraction(rng.random()) * (up + down) < down:
            a, b = a + up, b - up
        else:
            a, b = a - down, b + down
        fraction[i], fraction[j] = a, b
        open_ = [k for k in open_ if 0 < fraction[k] < 1]
    if open_:
        raise ValueError("the values do not add up to a whole number")
    return [w + int(f) for w, f in zip(whole, fraction, strict=True)]


def published_lottery(distribution: Sequence[tuple[frozenset[str], float]], size: int,
                      rng: random.Random) -> Lottery:
    """`size` tickets from a distribution over panels (see the module docstring)."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise BadInputError(f"a lottery needs at least one ticket, not {size!r}")
    if not distribution:
        raise BadInputError("the distribution has no panels")
    weights = [Fraction(p) for _, p in distribution]
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise BadInputError("panel probabilities must be non-negative and not all zero")
    total = sum(weights)
    counts = pipage_round([size * w / total for w in weights], rng)
    tickets: list[frozenset[str]] = []
    for (panel, _), count in zip(distribution, counts, strict=True):
        tickets.extend([panel] * count)
    return Lottery(tickets=tuple(tickets))
