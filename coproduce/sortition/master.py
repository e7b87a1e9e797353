"""The restricted master LP of column generation, kept alive and re-solved warm.

Over the panels found so far (columns λ_P ≥ 0 with Σ λ_P = 1), each type t of people gets the
probability π_t = Σ_P λ_P · x_Pt / c_t (x_Pt people of the type on panel P, c_t in the pool).

- *Level mode*: maximise z subject to π_t ≥ z for every type not yet fixed and π_t ≥ p_t for
  every fixed type. The row duals y_t (scaled so the unfixed ones add up to 1) price new
  panels: a panel is worth adding when Σ_t y_t x_Pt / c_t exceeds the dual ŷ of Σ λ = 1.
- *Slack mode*: with z held at the level's optimum, maximise Σ s_t over unfixed types with
  π_t ≥ z + s_t and 0 ≤ s_t ≤ δ. Types that cannot get any slack are exactly those that
  are at z in every optimal solution: they are fixed. (This replaces the commercial solver's
  "barrier without crossover" that the reference code needs for the same question.)

Rows are types, columns are panels; adding panels keeps the simplex basis, so re-solves are
warm (primal simplex).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coproduce.sortition.errors import SolverError
from coproduce.sortition.instance import BoolArray, FloatArray, Instance, IntArray
from coproduce.sortition.solver import INF, OPTIMAL, new_model

#: HiGHS simplex strategies.
PRIMAL_SIMPLEX = 4
DUAL_SIMPLEX = 1


@dataclass(frozen=True)
class MasterSolution:
    z: float
    slack: FloatArray
    duals: FloatArray
    panel_dual: float
    weights: FloatArray
    panel_probabilities: FloatArray


class RestrictedMaster:
    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.types = types = instance.type_count
        self.counts = instance.counts.astype(np.float64)
        model = new_model(solver="simplex", simplex_strategy=PRIMAL_SIMPLEX)
        self.model = model
        empty_i = np.array([], dtype=np.int32)
        empty_f = np.array([], dtype=np.float64)
        model.addRows(types, np.zeros(types), np.full(types, INF), 0, empty_i, empty_i, empty_f)
        model.addRow(1.0, 1.0, 0, empty_i, empty_f)
        for t in range(types):  # slack column s_t, unused (bounds 0) outside slack mode
            model.addCol(0.0, 0.0, 0.0, 1, np.array([t], dtype=np.int32), np.array([-1.0]))
        model.addCol(-1.0, -INF, INF, types, np.arange(types, dtype=np.int32), -np.ones(types))
        self.z_column = types
        self.panels: list[IntArray] = []
        self._keys: set[bytes] = set()
        self._matrix = np.zeros((16, types), dtype=np.float64)
        self.fixed: dict[int, float] = {}
        self.solves = 0

    @property
    def panel_matrix(self) -> FloatArray:
        """Row i: the type counts of panel i (as floats), for scoring all panels at once."""
        return self._matrix[: len(self.panels)]

    def add(self, x: IntArray) -> bool:
        key = x.tobytes()
        if key in self._keys:
            return False
        self._keys.add(key)
        nonzero = np.nonzero(x)[0]
        index = np.concatenate([nonzero, [self.types]]).astype(np.int32)
        value = np.concatenate([x[nonzero] / self.counts[nonzero], [1.0]])
        self.model.addCol(0.0, 0.0, INF, len(index), index, value)
        if len(self.panels) == len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
        self._matrix[len(self.panels)] = x
        self.panels.append(x.copy())
        return True

    def fix(self, t: int, probability: float) -> None:
        self.fixed[t] = probability
        self.model.changeCoeff(t, self.z_column, 0.0)
        self.model.changeRowBounds(t, probability, INF)

    def slack_mode(self, z: float, delta: float, unfixed: BoolArray) -> None:
        model = self.model
        model.changeColBounds(self.z_column, z, z)
        model.changeColCost(self.z_column, 0.0)
        for t in np.nonzero(unfixed)[0]:
            model.changeColBounds(int(t), 0.0, delta)
            model.changeColCost(int(t), -1.0)

    def level_mode(self, unfixed: BoolArray) -> None:
        model = self.model
        for t in np.nonzero(unfixed)[0]:
            model.changeColBounds(int(t), 0.0, 0.0)
            model.changeColCost(int(t), 0.0)
        model.changeColBounds(self.z_column, -INF, INF)
        model.changeColCost(self.z_column, -1.0)

    def final_mode(self, probabilities: FloatArray) -> None:
        """Every type t at least probabilities[t] + z, maximising z (≈ 0): spreads the solver's
        last rounding evenly instead of handing it all to one type."""
        model = self.model
        for t in range(self.types):
            model.changeColBounds(t, 0.0, 0.0)
            model.changeColCost(t, 0.0)
            model.changeCoeff(t, self.z_column, -1.0)
            model.changeRowBounds(t, float(probabilities[t]), INF)
        self.fixed = {}
        model.changeColBounds(self.z_column, -INF, INF)
        model.changeColCost(self.z_column, -1.0)
        model.setOptionValue("simplex_strategy", DUAL_SIMPLEX)

    def solve(self) -> MasterSolution:
        model = self.model
        self._run()
        if model.getModelStatus() != OPTIMAL:
            # Numerical trouble in the warm start: solve again from scratch (dual simplex); if
            # rounding has left the fixed probabilities a hair too high for the known panels,
            # lower them a little at a time (by at most 10⁻⁶ in all).
            for step in (0.0, 1e-9, 1e-8, 1e-7, 1e-6):
                for t, p in self.fixed.items():
                    model.changeRowBounds(t, max(p - step, 0.0), INF)
                model.clearSolver()
                model.setOptionValue("simplex_strategy", DUAL_SIMPLEX)
                self._run()
                model.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)
                if model.getModelStatus() == OPTIMAL:
                    break
            else:
                raise SolverError(f"the linear program could not be solved ({model.getModelStatus()})")
        solution = self.model.getSolution()
        row_dual = np.asarray(solution.row_dual)
        column = np.asarray(solution.col_value)
        duals = np.maximum(row_dual[: self.types], 0.0)
        return MasterSolution(
            z=float(column[self.z_column]),
            slack=column[: self.types].copy(),
            duals=duals,
            panel_dual=float(-row_dual[self.types]),
            weights=duals / self.counts,
            panel_probabilities=np.maximum(column[self.types + 1 :], 0.0),
        )

    def _run(self) -> None:
        self.solves += 1
        self.model.run()
