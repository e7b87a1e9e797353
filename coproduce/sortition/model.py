"""The library's inputs and results: frozen dataclasses, no behaviour beyond checks and views."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from coproduce.sortition.errors import BadInputError

ALGORITHMS = ("leximin", "maximin", "legacy")


@dataclass(frozen=True)
class Person:
    """One volunteer in the pool.

    `features` maps each feature (question) to this person's value (answer), e.g.
    ``{"age": "16-29", "ward": "Northbank"}``; features without quotas are ignored. Feature names
    and values are matched to the quotas ignoring case and surrounding spaces. People with the
    same non-empty `household` key live together: at most one of them is chosen.
    """

    id: str
    features: Mapping[str, str]
    household: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", MappingProxyType(dict(self.features)))

    def __hash__(self) -> int:
        return hash((self.id, tuple(sorted(self.features.items())), self.household))


@dataclass(frozen=True)
class Quota:
    """The panel must have between `min` and `max` people (inclusive) whose `feature` is `value`."""

    feature: str
    value: str
    min: int
    max: int

    def __post_init__(self) -> None:
        problems = []
        for name in ("min", "max"):
            number = getattr(self, name)
            if isinstance(number, bool) or not isinstance(number, int):
                problems.append(f"quota {self.feature} '{self.value}': {name} must be a whole number, "
                                f"not {number!r}")
            elif number < 0:
                problems.append(f"quota {self.feature} '{self.value}': {name} is {number}, below zero")
        if not problems and self.min > self.max:
            problems.append(f"quota {self.feature} '{self.value}': the minimum {self.min} is above "
                            f"the maximum {self.max}")
        if not str(self.feature).strip() or not str(self.value).strip():
            problems.append(f"quota {self.feature!r} {self.value!r}: the feature and value must not be empty")
        if problems:
            raise BadInputError("; ".join(problems))


@dataclass(frozen=True)
class SolveStats:
    """How much work a selection took (for benchmarks and the explanation)."""

    seconds: float = 0.0
    levels: int = 0
    oracle_calls: int = 0
    local_search_panels: int = 0
    lp_solves: int = 0
    panels_generated: int = 0
    people_types: int = 0


@dataclass(frozen=True)
class Level:
    """One step of LEXIMIN: `count` people whose probability was fixed at `probability`."""

    probability: float
    count: int


@dataclass(frozen=True)
class Lottery:
    """A published lottery: `size` panels (repeats allowed), one of which is drawn uniformly.

    Built from a selection's distribution by pipage rounding, so each panel appears ⌊size·p⌋ or
    ⌈size·p⌉ times and everyone's chance in the lottery is within a few tickets of their exact
    probability. `tickets[i]` is the panel on ticket number i + 1.
    """

    tickets: tuple[frozenset[str], ...]

    @property
    def size(self) -> int:
        return len(self.tickets)

    def probabilities(self) -> dict[str, float]:
        """Each person's chance of being chosen when one ticket is drawn uniformly."""
        counts: dict[str, int] = {}
        for panel in self.tickets:
            for person in panel:
                counts[person] = counts.get(person, 0) + 1
        return {person: count / self.size for person, count in counts.items()}

    def draw(self, rng: random.Random) -> tuple[int, frozenset[str]]:
        """Draw a ticket uniformly: returns its number (1-based) and its panel."""
        index = rng.randrange(self.size)
        return index + 1, self.tickets[index]


@dataclass(frozen=True)
class Selection:
    """The result of `select`.

    `distribution` lists the panels of the lottery with their probabilities (they sum to 1) and
    `panel` is the one drawn from it with the caller's random generator. `probabilities[id]` is
    each person's chance of selection under the distribution (the sum over the panels that
    include them), so the probabilities add up to the panel size. They are exact for
    "leximin" and "maximin" (`probabilities_exact`); for "legacy", which has no distribution of
    its own, they are estimated from repeated runs (`legacy_draws`) and the distribution is the
    empirical one. `explanation` tells the story step by step, in plain English.
    """

    algorithm: str
    size: int
    panel: frozenset[str]
    probabilities: Mapping[str, float]
    distribution: tuple[tuple[frozenset[str], float], ...]
    probabilities_exact: bool = True
    levels: tuple[Level, ...] = ()
    explanation: tuple[str, ...] = ()
    stats: SolveStats = field(default_factory=SolveStats)

    @property
    def min_probability(self) -> float:
        return min(self.probabilities.values()) if self.probabilities else 0.0

    @property
    def max_probability(self) -> float:
        return max(self.probabilities.values()) if self.probabilities else 0.0

    @property
    def panels_in_distribution(self) -> int:
        return len(self.distribution)

    def lottery(self, size: int, rng: random.Random) -> Lottery:
        """A published lottery of `size` panels made from this distribution by pipage rounding."""
        from coproduce.sortition.lottery import published_lottery

        return published_lottery(self.distribution, size, rng)
