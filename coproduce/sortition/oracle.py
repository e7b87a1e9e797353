"""The panel oracle: the best feasible panel for given weights, by integer programming.

Variables are "how many people of each type" (see `instance.py`); constraints are the panel
size, every quota and at most one person per household. The model is built once and only
its objective changes between calls. Solved exactly by HiGHS's branch and bound, so an answer
"no panel is worth more than the cutoff" is a proof, which is what makes the column
generation in `leximin.py` exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coproduce.sortition.instance import FloatArray, Instance, IntArray
from coproduce.sortition.solver import (
    INF,
    INFEASIBLE,
    OPTIMAL,
    SOLUTION_LIMIT,
    new_model,
    pass_matrix_model,
)

#: HiGHS's "no limit" for the number of improving solutions.
NO_LIMIT = 2_147_483_647


@dataclass(frozen=True)
class OracleAnswer:
    """Panels (type-count vectors) worth more than the cutoff, best last, and whether the
    search was completed (so that an empty list proves there is none)."""

    panels: tuple[IntArray, ...]
    best_value: float
    complete: bool


class PanelOracle:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        types = instance.type_count
        rows = [np.ones(types), *instance.matrix.astype(np.float64)]
        lower = [float(instance.size), *instance.lower.astype(np.float64)]
        upper = [float(instance.size), *instance.upper.astype(np.float64)]
        households = instance.household_rows(types)
        rows.extend(households)
        lower.extend([0.0] * len(households))
        upper.extend([1.0] * len(households))
        self.model = new_model(mip_rel_gap=0.0, mip_abs_gap=1e-9, mip_improving_solution_save=True)
        pass_matrix_model(
            self.model, cost=np.zeros(types), col_lower=np.zeros(types),
            col_upper=instance.counts.astype(np.float64), matrix=np.array(rows),
            row_lower=np.array(lower), row_upper=np.array(upper), integer=True,
        )
        self.columns = np.arange(types, dtype=np.int32)
        self.calls = 0

    def best(self, weights: FloatArray, *, cutoff: float | None = None, first: bool = False) -> OracleAnswer:
        """Panels with weight above `cutoff` (all panels found when it is None).

        With `first`, stop at the first panel above the cutoff; otherwise find the best. If no
        panel beats the cutoff the answer is empty and `complete` is True: that is a proof.
        """
        self.calls += 1
        model = self.model
        model.changeColsCost(len(weights), self.columns, -np.asarray(weights, dtype=np.float64))
        model.setOptionValue("objective_bound", -cutoff if cutoff is not None else INF)
        model.setOptionValue("mip_max_improving_sols", 1 if first and cutoff is not None else NO_LIMIT)
        model.run()
        found = self._solutions()
        values = [float(weights @ x) for x in found]
        if model.getModelStatus() == SOLUTION_LIMIT and (cutoff is None or max(values, default=-INF) <= cutoff):
            # HiGHS counts a heuristic's first solution even when it is below the cutoff:
            # carry on to a proof.
            model.setOptionValue("mip_max_improving_sols", NO_LIMIT)
            model.run()
            more = self._solutions()
            found += more
            values += [float(weights @ x) for x in more]
        complete = model.getModelStatus() in (OPTIMAL, INFEASIBLE)
        best: dict[bytes, tuple[float, IntArray]] = {}
        for x, value in zip(found, values, strict=True):
            if cutoff is None or value > cutoff:
                best[x.tobytes()] = (value, x)
        ordered = sorted(best.values(), key=lambda item: item[0])
        return OracleAnswer(
            panels=tuple(x for _, x in ordered),
            best_value=max(values, default=-INF),
            complete=complete or bool(ordered),
        )

    def _solutions(self) -> list[IntArray]:
        saved = [np.asarray(s.col_value) for s in self.model.getSavedMipSolutions()]
        final = self.model.getSolution()
        if final.value_valid:
            saved.append(np.asarray(final.col_value))
        return [self._panel(values) for values in saved if len(values) == self.instance.type_count]

    def _panel(self, values: FloatArray) -> IntArray:
        x = np.rint(values).astype(np.int64)
        return np.clip(x, 0, self.instance.counts)

    def is_panel(self, x: IntArray) -> bool:
        """Whether a type-count vector is a feasible panel (checked directly, not by HiGHS)."""
        inst = self.instance
        if x.sum() != inst.size or np.any(x < 0) or np.any(x > inst.counts):
            return False
        counts = inst.matrix @ x
        if np.any(counts < inst.lower) or np.any(counts > inst.upper):
            return False
        return all(int(x[list(h)].sum()) <= 1 for h in inst.households)
