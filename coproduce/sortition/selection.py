"""`select`: from a pool, quotas and a panel size to a fair lottery and a drawn panel."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence

from coproduce.sortition.errors import BadInputError
from coproduce.sortition.feasibility import first_panel
from coproduce.sortition.instance import Instance, build_instance
from coproduce.sortition.legacy import legacy_panel
from coproduce.sortition.leximin import find_distribution
from coproduce.sortition.model import ALGORITHMS, Person, Quota, Selection, SolveStats
from coproduce.sortition.oracle import PanelOracle
from coproduce.sortition.people_panels import expand

#: Runs of the legacy method used to estimate its probabilities.
LEGACY_DRAWS = 1000


def select(people: Sequence[Person], quotas: Sequence[Quota], k: int, *, algorithm: str = "leximin",
           rng: random.Random, progress: Callable[[str, float], None] | None = None,
           legacy_draws: int = LEGACY_DRAWS) -> Selection:
    """Choose a panel of `k` people from `people` meeting every quota.

    `algorithm` is "leximin" (the fairest: the Nature 2021 method), "maximin" (only the lowest
    probability is maximised) or "legacy" (the old greedy method, for comparison). The lottery
    depends only on the input; `rng` (whose seed the caller records) is used only to draw the
    panel from it, so anyone with the input and the seed can repeat the draw. `progress`, if
    given, is called with a plain-English stage and the fraction done (0 to 1).

    Raises `BadInputError` for unusable input and `InfeasibleQuotasError` when no panel of `k`
    can meet the quotas (with the features to blame and the smallest relaxation).
    """
    if algorithm not in ALGORITHMS:
        raise BadInputError(f"unknown algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
    if not isinstance(rng, random.Random):
        raise BadInputError("rng must be a random.Random, seeded by the caller")

    def report(message: str, fraction: float) -> None:
        if progress is not None:
            progress(message, fraction)

    started = time.perf_counter()
    report("Checking the pool and the quotas", 0.0)
    instance = build_instance(people, quotas, k)
    oracle = PanelOracle(instance)
    first = first_panel(instance, oracle)
    preface = (f"The pool has {instance.n} people; they fall into {instance.type_count} groups with "
               f"the same answers to every quota question. The panel has {k} places and "
               f"{len(instance.quotas)} quotas over {len(instance.features)} features.")
    if algorithm == "legacy":
        return _legacy(instance, rng, legacy_draws, report, preface, started)
    found = find_distribution(instance, oracle, first, algorithm=algorithm, progress=progress)
    report("Turning the probabilities into a lottery of panels", 0.96)
    distribution = expand(instance, found.panels, found.probabilities)
    probabilities = {person.id: 0.0 for person in instance.people}
    for panel, p in distribution:
        for person in panel:
            probabilities[person] += p
    report("Drawing the panel", 0.99)
    number = rng.random()
    panel = draw(distribution, number)
    explanation = (
        preface,
        *found.explanation,
        f"The lottery has {len(distribution)} different panels. The random number {number:.6f} "
        "picked the panel drawn (panels laid end to end in the order listed).",
    )
    stats = SolveStats(**{**found.stats.__dict__, "seconds": time.perf_counter() - started})
    report("Finished", 1.0)
    return Selection(algorithm=algorithm, size=k, panel=panel, probabilities=probabilities,
                     distribution=distribution, probabilities_exact=True, levels=found.levels,
                     explanation=explanation, stats=stats)


def draw(distribution: Sequence[tuple[frozenset[str], float]], number: float) -> frozenset[str]:
    """The panel whose stretch of [0, 1) contains `number` (panels laid end to end in order)."""
    total = 0.0
    for panel, p in distribution:
        total += p
        if number < total:
            return panel
    return distribution[-1][0]


def _legacy(instance: Instance, rng: random.Random, draws: int, report: Callable[[str, float], None],
            preface: str, started: float) -> Selection:
    if isinstance(draws, bool) or not isinstance(draws, int) or draws < 1:
        raise BadInputError(f"legacy_draws must be a whole number of at least 1, not {draws!r}")
    report("Drawing the panel with the legacy method", 0.02)
    panel = instance.ids(legacy_panel(instance, rng))
    seen: Counter[frozenset[str]] = Counter()
    for number in range(draws):
        seen[instance.ids(legacy_panel(instance, rng))] += 1
        if number % 50 == 0:
            report("Estimating everyone's chances by running the legacy method again and again",
                   0.05 + 0.9 * number / draws)
    distribution = tuple((p, count / draws) for p, count in seen.items())
    probabilities = {person.id: 0.0 for person in instance.people}
    for members, share in distribution:
        for person in members:
            probabilities[person] += share
    explanation = (
        preface,
        "The legacy method chose the panel one person at a time, always from the quota that was "
        "hardest to fill.",
        f"It gives no probabilities of its own: these are the shares of {draws} further runs that "
        "chose each person (an estimate).",
    )
    report("Finished", 1.0)
    return Selection(algorithm="legacy", size=instance.size, panel=panel, probabilities=probabilities,
                     distribution=distribution, probabilities_exact=False, explanation=explanation,
                     stats=SolveStats(seconds=time.perf_counter() - started, people_types=instance.type_count))
