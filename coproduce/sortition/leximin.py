"""LEXIMIN and MAXIMIN by column generation, on HiGHS only.

LEXIMIN (Flanigan, Gölz, Gupta, Hennig & Procaccia, Nature 2021) chooses the lottery over
quota-meeting panels whose selection probabilities, sorted from lowest to highest, are
lexicographically largest: the lowest probability is as high as possible; subject to that,
the second lowest; and so on. MAXIMIN stops after the first step.

The work is done level by level (see `master.py`):

1. find panels covering everyone who can be on any panel at all;
2. *level*: raise the lowest unfixed probability z as far as the panels allow, generating new
   panels while any would help (local search first, `neighbourhood.py`; the exact integer
   program `oracle.py` when local search finds nothing, which also proves that z is optimal);
3. *slack*: find which unfixed types cannot rise above z in any optimal lottery (generating
   panels again until proven) and fix them at z;
4. repeat until everyone is fixed. The lottery over the generated panels from the last level is
   the answer.

Differences from the reference implementation that make it fast without a commercial solver
are explained in docs/decisions/0701-leximin-column-generation.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from coproduce.sortition.errors import SolverError
from coproduce.sortition.instance import Instance, IntArray
from coproduce.sortition.master import MasterSolution, RestrictedMaster
from coproduce.sortition.model import Level, SolveStats
from coproduce.sortition.neighbourhood import LocalSearch
from coproduce.sortition.oracle import PanelOracle

#: A panel improves the master when its weight beats the threshold by more than this.
PRICE_TOLERANCE = 1e-6
#: Tolerance in slack mode, where the scale is `SLACK`.
SLACK_TOLERANCE = 1e-8
#: The room each unfixed type may get above the level in slack mode, and the share of it below
#: which a type counts as "cannot rise". An error in a fixed probability is at most about this.
SLACK = 1e-5
SLACK_FIXED_BELOW = 1e-6
#: Fixed probabilities are set this far below the level, so rounding rarely makes the next
#: level infeasible (the master LP relaxes them a little more if it ever does).
FIX_MARGIN = 1e-11
#: Consecutive levels closer than this are one level (the second is rounding, not fairness).
SAME_LEVEL = 1e-6
#: Local search starts from this many of the best known panels.
SEARCH_STARTS = 5
#: Panels kept from each climb (the best ones, at its end).
PANELS_PER_CLIMB = 5
#: Column generation never needs anywhere near this many rounds; it stops a runaway loop.
MAX_ROUNDS = 20_000

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class TypeDistribution:
    """A lottery over panels given as type counts, with what was learned on the way."""

    panels: tuple[IntArray, ...]
    probabilities: tuple[float, ...]
    levels: tuple[Level, ...]
    explanation: tuple[str, ...]
    stats: SolveStats


class _ColumnGeneration:
    def __init__(self, instance: Instance, oracle: PanelOracle, progress: Progress | None) -> None:
        self.instance = instance
        self.oracle = oracle
        self.search = LocalSearch(instance)
        self.master = RestrictedMaster(instance)
        self.progress = progress
        self.searched_panels = 0
        self.started = time.perf_counter()

    def report(self, message: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress(message, min(max(fraction, 0.0), 1.0))

    def cover(self, first: IntArray) -> IntArray:
        """Add panels until every type that can be on some panel is on one; return coverage."""
        inst = self.instance
        master = self.master
        master.add(first)
        covered = first > 0
        last = first
        while not covered.all():
            weights = (~covered).astype(np.float64)
            found = self.search.improve(last, weights, 0.5)
            if found:
                self.searched_panels += len(found)
                panel = found[-1]
            else:
                answer = self.oracle.best(weights)
                if not answer.panels or answer.best_value < 0.5:
                    break  # nobody left uncovered can be on any panel
                panel = answer.panels[-1]
            master.add(panel)
            covered |= panel > 0
            last = panel
            self.report("Finding panels that include everyone who can be chosen",
                        0.02 + 0.03 * float(inst.counts[covered].sum()) / inst.n)
        return covered.astype(np.int64)

    def generate(self, tolerance: float) -> MasterSolution:
        """Add panels until none can improve the master LP; return its optimal solution."""
        master = self.master
        for _ in range(MAX_ROUNDS):
            solution = master.solve()
            threshold = solution.panel_dual + tolerance
            weights = solution.weights
            scores = master.panel_matrix @ weights
            starts = np.argsort(-scores, kind="stable")[:SEARCH_STARTS]
            added = 0
            for start in starts:
                climb = self.search.improve(master.panels[int(start)], weights, threshold)
                for panel in climb[-PANELS_PER_CLIMB:]:
                    added += master.add(panel)
            self.searched_panels += added
            if added:
                continue
            answer = self.oracle.best(weights, cutoff=threshold, first=True)
            if not answer.panels:
                if not answer.complete:
                    raise SolverError("the panel search stopped without an answer")
                return solution
            if not sum(master.add(panel) for panel in answer.panels):
                return solution  # the best panel is already known: nothing can improve
        raise SolverError("column generation did not converge")


def find_distribution(instance: Instance, oracle: PanelOracle, first_panel: IntArray, *,
                      algorithm: str, progress: Progress | None = None) -> TypeDistribution:
    """LEXIMIN (`algorithm="leximin"`) or MAXIMIN (`"maximin"`) over the instance's types."""
    run = _ColumnGeneration(instance, oracle, progress)
    master = run.master
    counts = instance.counts
    run.report("Finding panels that include everyone who can be chosen", 0.02)
    run.cover(first_panel)
    fixed = np.zeros(instance.type_count, dtype=bool)
    level_of = np.zeros(instance.type_count)
    levels: list[Level] = []
    explanation: list[str] = []
    final: MasterSolution | None = None
    while not fixed.all():
        done = float(counts[fixed].sum()) / instance.n
        run.report(f"Raising the lowest chance of selection (step {len(levels) + 1}; "
                   f"{int(counts[fixed].sum())} of {instance.n} people settled)", 0.05 + 0.9 * done)
        solution = run.generate(PRICE_TOLERANCE)
        final = solution
        z = solution.z
        unfixed = ~fixed
        if algorithm == "maximin":
            levels.append(Level(probability=z, count=int(counts[unfixed].sum())))
            explanation.append(_level_text(len(levels), z, int(counts[unfixed].sum()), instance.n, last=True))
            break
        master.slack_mode(z - FIX_MARGIN, SLACK, unfixed)
        final = run.generate(SLACK_TOLERANCE)
        slack = final.slack
        master.level_mode(unfixed)
        settle = unfixed & (slack < SLACK_FIXED_BELOW)
        if not settle.any():  # cannot happen in exact arithmetic; never loop for ever
            settle[int(np.argmin(np.where(unfixed, slack, np.inf)))] = True
        for t in np.nonzero(settle)[0]:
            master.fix(int(t), z - FIX_MARGIN)
            level_of[t] = z
        fixed |= settle
        people = int(counts[settle].sum())
        if levels and abs(levels[-1].probability - z) < SAME_LEVEL:
            # Same value as the previous step (a type that could only rise by a rounding
            # error): report it as part of that level.
            previous = levels.pop()
            explanation.pop()
            people += previous.count
            z = previous.probability
            level_of[settle] = z
        levels.append(Level(probability=z, count=people))
        explanation.append(_level_text(len(levels), z, people, instance.n, last=bool(fixed.all())))
    if final is None:
        raise SolverError("no lottery was found")
    if algorithm == "leximin":
        master.final_mode(level_of)
        final = master.solve()
    lam = final.panel_probabilities
    keep = lam > 1e-12
    total = float(lam[keep].sum())
    if total <= 0:
        raise SolverError("the lottery came out empty")
    panels = tuple(master.panels[i] for i in np.nonzero(keep)[0])
    probabilities = tuple(float(p) / total for p in lam[keep])
    stats = SolveStats(
        seconds=time.perf_counter() - run.started,
        levels=len(levels),
        oracle_calls=oracle.calls,
        local_search_panels=run.searched_panels,
        lp_solves=master.solves,
        panels_generated=len(master.panels),
        people_types=instance.type_count,
    )
    return TypeDistribution(panels=panels, probabilities=probabilities, levels=tuple(levels),
                            explanation=tuple(explanation), stats=stats)


def _level_text(step: int, probability: float, people: int, pool: int, *, last: bool) -> str:
    if step == 1:
        if last:
            return f"Step 1: everyone can be given the same chance, {probability:.2%}."
        return (f"Step 1: the lowest chance that can be guaranteed to everyone is {probability:.2%}. "
                f"{people} of the {pool} people cannot get more in any fair lottery, so their chance is "
                "settled there.")
    if last:
        return (f"Step {step}: keeping those chances, the remaining {people} "
                f"{'person gets' if people == 1 else 'people get'} {probability:.2%}.")
    return (f"Step {step}: keeping those chances, the next lowest that can be guaranteed is "
            f"{probability:.2%}; it is settled for {people} more {'person' if people == 1 else 'people'}.")

