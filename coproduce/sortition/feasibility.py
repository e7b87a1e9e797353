"""Can the quotas be met at all? If not: which features conflict, and the smallest fix.

A panel must have exactly `size` people, between min and max of every quota value, and at most
one person per household. When no panel can, an integer program finds the smallest total
change to the quotas (seats moved: minimums lowered plus maximums raised) that makes one
possible; the features it touches are the ones that "cannot be met". Plain arithmetic facts
(minimums adding up to more than the places, a minimum above the number of volunteers with
that answer…) are listed first because they are the easiest to act on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from coproduce.sortition.errors import InfeasibleQuotasError, QuotaChange
from coproduce.sortition.instance import Instance, IntArray, build_instance
from coproduce.sortition.model import Person, Quota
from coproduce.sortition.oracle import PanelOracle
from coproduce.sortition.solver import OPTIMAL, new_model, pass_matrix_model


def check_quotas(people: Sequence[Person], quotas: Sequence[Quota], k: int) -> None:
    """Raise `BadInputError` or `InfeasibleQuotasError` if no panel of `k` can be chosen.

    Cheap (one integer program): for forms that want to refuse impossible quotas early.
    """
    instance = build_instance(people, quotas, k)
    first_panel(instance, PanelOracle(instance))


def first_panel(instance: Instance, oracle: PanelOracle) -> IntArray:
    """Any panel meeting every quota; raises `InfeasibleQuotasError` when there is none."""
    answer = oracle.best(np.zeros(instance.type_count))
    if answer.panels and oracle.is_panel(answer.panels[-1]):
        return answer.panels[-1]
    raise diagnose(instance)


def _units(instance: Instance) -> IntArray:
    """For each quota row, how many people with that value could be on one panel together
    (people sharing a household count once)."""
    available = instance.matrix @ instance.counts
    for household in instance.households:
        members = list(household)
        having = instance.matrix[:, members].sum(axis=1)
        available -= np.maximum(having - 1, 0)
    return available


def reasons(instance: Instance) -> list[tuple[str, list[str]]]:
    """Simple arithmetic reasons, each with the features it concerns."""
    found: list[tuple[str, list[str]]] = []
    size = instance.size
    quotas = instance.quotas
    for name, rows in instance.features:
        low = int(instance.lower[list(rows)].sum())
        high = int(instance.upper[list(rows)].sum())
        if low > size:
            found.append((f"the minimums for {name} add up to {low}, more than the {size} places", [name]))
        if high < size:
            found.append((f"the maximums for {name} add up to {high}, fewer than the {size} places", [name]))
    available = _units(instance)
    for q, quota in enumerate(quotas):
        if quota.min > available[q]:
            who = "people or households" if instance.households else "people"
            found.append((f"{quota.feature} '{quota.value}' needs at least {quota.min}, but only "
                          f"{int(available[q])} {who} in the pool have it", [quota.feature]))
    units = int(instance.counts.sum()) - sum(len(h) - 1 for h in instance.households)
    if units < size:
        found.append((f"the pool has only {units} separate households, fewer than the {size} places "
                      "(people who live together count once)", []))
    return found


def diagnose(instance: Instance) -> InfeasibleQuotasError:
    facts = reasons(instance)
    changes = smallest_relaxation(instance)
    # The features that cannot be met together, then any others the suggested change touches.
    names: list[str] = conflicting_features(instance)
    for change in changes or []:
        if change.feature not in names:
            names.append(change.feature)
    if not names:
        for _, features in facts:
            names.extend(f for f in features if f not in names)
    # Keep the feature order of the quotas.
    order = [name for name, _ in instance.features]
    names.sort(key=lambda n: order.index(n) if n in order else len(order))
    return InfeasibleQuotasError(size=instance.size, pool_size=instance.n, features=names,
                                 relaxations=changes or (), reasons=[text for text, _ in facts])


def conflicting_features(instance: Instance) -> list[str]:
    """A smallest-by-inclusion set of features whose quotas no panel can meet together (empty
    when the panel size and households alone rule every panel out).

    Deletion filter: drop one feature's quotas at a time and keep it dropped while the rest
    still has no panel; what is left conflicts, and every feature in it is needed for that.
    One small integer program per feature.
    """
    kept = list(range(len(instance.features)))
    if _has_panel(instance, []):
        for index in list(kept):
            trial = [other for other in kept if other != index]
            if not _has_panel(instance, trial):
                kept = trial
    else:
        kept = []
    return [instance.features[index][0] for index in kept]


def _has_panel(instance: Instance, features: Sequence[int]) -> bool:
    """Whether some panel meets the size, the households and the quotas of `features` only."""
    types = instance.type_count
    rows = [np.ones(types)]
    lower = [float(instance.size)]
    upper = [float(instance.size)]
    for index in features:
        for q in instance.features[index][1]:
            rows.append(instance.matrix[q].astype(np.float64))
            lower.append(float(instance.lower[q]))
            upper.append(float(instance.upper[q]))
    households = instance.household_rows(types)
    rows.extend(households)
    lower.extend([0.0] * len(households))
    upper.extend([1.0] * len(households))
    model = new_model()
    pass_matrix_model(model, cost=np.zeros(types), col_lower=np.zeros(types),
                      col_upper=instance.counts.astype(np.float64), matrix=np.array(rows),
                      row_lower=np.array(lower), row_upper=np.array(upper), integer=True)
    model.run()
    return bool(model.getModelStatus() == OPTIMAL)


def smallest_relaxation(instance: Instance) -> list[QuotaChange] | None:
    """The fewest seats of quota change that allow a panel, or None if no quota change can."""
    types = instance.type_count
    rows_count = len(instance.quotas)
    size = instance.size
    # Columns: x_t (types), down_q (rows), up_q (rows).
    cols = types + 2 * rows_count
    cost = np.concatenate([np.zeros(types), np.ones(2 * rows_count)])
    lower = np.zeros(cols)
    upper = np.concatenate([instance.counts.astype(np.float64), instance.lower.astype(np.float64),
                            np.full(rows_count, float(size))])
    rows: list[np.ndarray] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    size_row = np.zeros(cols)
    size_row[:types] = 1.0
    rows.append(size_row)
    row_lower.append(size)
    row_upper.append(size)
    for q in range(rows_count):
        at_least = np.zeros(cols)
        at_least[:types] = instance.matrix[q]
        at_least[types + q] = 1.0
        rows.append(at_least)
        row_lower.append(float(instance.lower[q]))
        row_upper.append(np.inf)
        at_most = np.zeros(cols)
        at_most[:types] = instance.matrix[q]
        at_most[types + rows_count + q] = -1.0
        rows.append(at_most)
        row_lower.append(-np.inf)
        row_upper.append(float(instance.upper[q]))
    households = instance.household_rows(cols)
    rows.extend(households)
    row_lower.extend([0.0] * len(households))
    row_upper.extend([1.0] * len(households))
    model = new_model(mip_rel_gap=0.0)
    pass_matrix_model(model, cost=cost, col_lower=lower, col_upper=upper, matrix=np.array(rows),
                      row_lower=np.array(row_lower), row_upper=np.array(row_upper), integer=True)
    model.run()
    if model.getModelStatus() != OPTIMAL:
        return None
    values = np.rint(np.asarray(model.getSolution().col_value)).astype(np.int64)
    down = values[types: types + rows_count]
    up = values[types + rows_count:]
    changes = []
    for q, quota in enumerate(instance.quotas):
        if down[q] or up[q]:
            changes.append(QuotaChange(feature=quota.feature, value=quota.value, min=quota.min, max=quota.max,
                                       new_min=quota.min - int(down[q]), new_max=quota.max + int(up[q])))
    return changes
