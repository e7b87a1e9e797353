"""The thin layer between panel rows and the `coproduce.sortition` library.

Rows become the library's frozen dataclasses (`Person`, `Quota`); the library's result
becomes plain JSON-ready values keyed by volunteer number. Everything here is deterministic
given the seed, so anyone holding the published lottery and the revealed seed can check the
draw and the reserve list (ADR 0750, ADR 0751).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Seeds are 128 random bits written as 32 hex digits.
SEED_HEX_DIGITS = 32
#: After this many draws from the lottery the reserve list is completed by a seeded shuffle.
RESERVE_DRAWS = 20_000


@dataclass(frozen=True)
class PoolEntry:
    """One volunteer as the library sees them: their number, answers and household key."""

    number: int
    answers: Mapping[str, str]
    household: str = ""


@dataclass(frozen=True)
class QuotaRow:
    """A quota by keys; the labels (if given) are what the library sees, so that its messages
    say "Gender 'Woman or girl'" rather than "gender 'woman'"."""

    feature: str
    value: str
    min: int
    max: int
    feature_label: str = ""
    value_label: str = ""


@dataclass(frozen=True)
class Draw:
    """A finished draw, keyed by volunteer number."""

    algorithm: str
    library: str
    probabilities: dict[int, float]
    min_probability: float
    distribution: list[tuple[float, list[int]]]
    drawn: list[int]
    reserve: list[int]
    explanation: list[str]
    probabilities_exact: bool


def seed_sha256(seed: str) -> str:
    """The public commitment to a seed: SHA-256 of its 32 hex digits as ASCII text."""
    return hashlib.sha256(seed.encode("ascii")).hexdigest()


def seed_rng(seed: str) -> random.Random:
    """The generator the library draws the panel with: Python's `random.Random(int(seed, 16))`."""
    return random.Random(int(seed, 16))


def reserve_rng(seed: str) -> random.Random:
    """The generator for the reserve list: separate from the draw, so the library's use of
    randomness can change between versions without changing how the reserve list is made."""
    return random.Random(int(hashlib.sha256(f"{seed}/reserve".encode("ascii")).hexdigest(), 16))


def household_key(*, secret: str, postcode: str, address_line: str) -> str:
    """A keyed hash of a normalised address: equal for people at the same address, and not
    reversible by someone who reads the database without the key."""
    address = re.sub(r"[^a-z0-9]", "", f"{postcode}|{address_line}".lower())
    if not address:
        return ""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()


def inputs_sha256(*, size: int, algorithm: str, one_per_household: bool, quotas: Iterable[QuotaRow],
                  pool: Iterable[PoolEntry]) -> str:
    """SHA-256 of a canonical JSON of everything the draw depends on except the seed."""
    canonical = {
        "size": size,
        "algorithm": algorithm,
        "one_per_household": one_per_household,
        "quotas": sorted([q.feature, q.value, q.min, q.max] for q in quotas),
        "pool": sorted(
            [p.number, sorted(p.answers.items()), p.household if one_per_household else ""] for p in pool
        ),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _library() -> Any:
    # Imported when a draw runs, so pages that never draw do not load the solver.
    from coproduce import sortition

    return sortition


def library_name() -> str:
    return f"coproduce.sortition {getattr(_library(), '__version__', '')}".strip()


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def library_names(quotas: Sequence[QuotaRow]) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The names the library sees: labels when they are given and tell every feature (and every
    answer within a feature) apart once case and spacing are ignored, keys otherwise."""
    features = {q.feature: q.feature_label or q.feature for q in quotas}
    if len({_normal(name) for name in features.values()}) != len(features):
        features = {q.feature: q.feature for q in quotas}
    values: dict[tuple[str, str], str] = {}
    for feature in features:
        rows = [q for q in quotas if q.feature == feature]
        names = {(q.feature, q.value): q.value_label or q.value for q in rows}
        if len({_normal(name) for name in names.values()}) != len(names):
            names = {(q.feature, q.value): q.value for q in rows}
        values.update(names)
    return features, values


def to_people(pool: Iterable[PoolEntry], *, one_per_household: bool,
              quotas: Sequence[QuotaRow] = ()) -> list[Any]:
    sortition = _library()
    features, values = library_names(quotas)
    return [
        sortition.Person(
            id=str(p.number),
            features={features.get(f, f): values.get((f, v), v) for f, v in p.answers.items()},
            household=(p.household or None) if one_per_household else None)
        for p in pool
    ]


def to_quotas(quotas: Sequence[QuotaRow]) -> list[Any]:
    sortition = _library()
    features, values = library_names(quotas)
    return [sortition.Quota(feature=features[q.feature], value=values[(q.feature, q.value)], min=q.min, max=q.max)
            for q in quotas]


def draw(*, pool: Sequence[PoolEntry], quotas: Sequence[QuotaRow], size: int, algorithm: str,
         one_per_household: bool, seed: str,
         progress: Callable[[str, float], None] | None = None) -> Draw:
    """Run the library and turn its answer into volunteer numbers. Raises the library's
    `SortitionError` (and its `InfeasibleQuotasError`) unchanged: their messages are for people."""
    result = _library().select(
        to_people(pool, one_per_household=one_per_household, quotas=quotas), to_quotas(quotas), size,
        algorithm=algorithm, rng=seed_rng(seed), progress=progress,
    )
    probabilities = {int(pid): float(p) for pid, p in result.probabilities.items()}
    for entry in pool:  # the library may leave out people it can never choose
        probabilities.setdefault(entry.number, 0.0)
    # Kept in the library's order: the panel drawn is the one whose stretch of [0, 1), with the
    # panels laid end to end in this order, contains `random.Random(int(seed, 16)).random()`.
    distribution = [(float(p), sorted(int(pid) for pid in members)) for members, p in result.distribution]
    drawn = sorted(int(pid) for pid in result.panel)
    return Draw(
        algorithm=str(result.algorithm),
        library=library_name(),
        probabilities=dict(sorted(probabilities.items())),
        min_probability=float(result.min_probability),
        distribution=distribution,
        drawn=drawn,
        reserve=reserve_order(seed=seed, distribution=distribution, drawn=drawn, everyone=sorted(probabilities)),
        explanation=[str(line) for line in getattr(result, "explanation", ())],
        probabilities_exact=bool(getattr(result, "probabilities_exact", True)),
    )


def reserve_order(*, seed: str, distribution: Sequence[tuple[float, Sequence[int]]], drawn: Iterable[int],
                  everyone: Sequence[int]) -> list[int]:
    """The reserve list (ADR 0751): keep drawing panels from the same lottery with the reserve
    generator and list each person the first time they come up; anyone the lottery never
    reaches follows, in a seeded shuffle. Deterministic for a given seed and lottery."""
    rng = reserve_rng(seed)
    listed = set(drawn)
    order: list[int] = []
    wanted = {n for n in everyone if n not in listed}
    panels = [members for p, members in distribution if p > 0]
    weights = [p for p, _members in distribution if p > 0]
    cumulative: list[float] = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    draws = 0
    while wanted and panels and draws < RESERVE_DRAWS:
        draws += 1
        point = rng.random() * total
        index = next((i for i, edge in enumerate(cumulative) if point < edge), len(panels) - 1)
        for number in panels[index]:
            if number in wanted:
                wanted.discard(number)
                order.append(number)
    rest = sorted(wanted)
    rng.shuffle(rest)
    return order + rest


def meets_quotas(*, members: Iterable[PoolEntry], quotas: Iterable[QuotaRow], one_per_household: bool) -> bool:
    """Whether a set of people is within every quota (and has one person per household)."""
    members = list(members)
    counts: dict[tuple[str, str], int] = {}
    for member in members:
        for feature, value in member.answers.items():
            counts[(feature, value)] = counts.get((feature, value), 0) + 1
    if any(not q.min <= counts.get((q.feature, q.value), 0) <= q.max for q in quotas):
        return False
    if one_per_household:
        households = [m.household for m in members if m.household]
        if len(households) != len(set(households)):
            return False
    return True
