"""Creating HiGHS models quietly and deterministically.

HiGHS is the open-source LP/MIP solver behind every optimisation here (MIT licence, through
`highspy`). Each model runs on one thread with a fixed random seed, so the same input always
gives the same distribution; the caller's random generator is used only to draw from it.
"""

from __future__ import annotations

from typing import Any, cast

import highspy
import numpy as np
import numpy.typing as npt

INF: float = float(highspy.kHighsInf)
Highs = highspy.Highs


def new_model(**options: bool | int | float | str) -> Highs:
    """A silent, single-threaded HiGHS instance with fixed seed and the given options."""
    # The raw core class starts without printing HiGHS's banner on standard output (which
    # would spoil `--json` output); fall back to the public wrapper if it ever goes away.
    factory: Any = getattr(highspy, "_Highs", None) or highspy.Highs
    model = cast(Highs, factory())
    settings: dict[str, bool | int | float | str] = {
        "output_flag": False, "threads": 1, "random_seed": 0, **options,
    }
    for name, value in settings.items():
        model.setOptionValue(name, value)
    return model


def pass_matrix_model(model: Highs, *, cost: npt.NDArray[np.float64], col_lower: npt.NDArray[np.float64],
                      col_upper: npt.NDArray[np.float64], matrix: npt.NDArray[np.float64],
                      row_lower: npt.NDArray[np.float64], row_upper: npt.NDArray[np.float64],
                      integer: bool, maximise: bool = False) -> None:
    """Load `row_lower <= matrix @ x <= row_upper`, `col_lower <= x <= col_upper` into `model`."""
    lp = highspy.HighsLp()
    cols = len(cost)
    lp.num_col_ = cols
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lower, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_upper, dtype=np.float64)
    lp.row_lower_ = np.asarray(row_lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(row_upper, dtype=np.float64)
    entry_col, entry_row = np.nonzero(matrix.T)  # the non-zeros, column by column
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(entry_col, np.arange(cols + 1)).astype(np.int32)
    lp.a_matrix_.index_ = entry_row.astype(np.int32)
    lp.a_matrix_.value_ = np.asarray(matrix[entry_row, entry_col], dtype=np.float64)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * cols
    lp.sense_ = highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
    model.passModel(lp)


def status(model: Highs) -> highspy.HighsModelStatus:
    return model.getModelStatus()


OPTIMAL = highspy.HighsModelStatus.kOptimal
INFEASIBLE = highspy.HighsModelStatus.kInfeasible
SOLUTION_LIMIT = highspy.HighsModelStatus.kSolutionLimit
