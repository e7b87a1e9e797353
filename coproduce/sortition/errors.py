"""Errors raised by `coproduce.sortition`, with messages an officer or a resident can read.

Every error is a `SortitionError`:

- `BadInputError`: the people or quotas cannot be used as given (a duplicate id, an answer
  with no quota row, a minimum above its maximum…). When the problem comes from a CSV file,
  each `InputProblem` carries the file name and line number, and `str(error)` lists them as
  ``"quotas.csv, line 7: min is 'five', not a whole number"``.
- `InfeasibleQuotasError`: the input is well formed, but no panel of the requested size meets
  every quota (and the one-person-per-household rule). The message names the features whose
  quotas conflict and suggests the smallest change to the quotas that would make a panel
  possible (`relaxations`).
- `SolverError`: the optimisation solver failed in a way that is not the input's fault.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Problems listed in full in a message; the rest are counted.
MAX_LISTED_PROBLEMS = 20


class SortitionError(Exception):
    """Base class of every error from `coproduce.sortition`; `str(error)` is for people."""


@dataclass(frozen=True)
class InputProblem:
    """One problem in the input: what is wrong and, for files, where."""

    message: str
    source: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = [part for part in (self.source, f"line {self.line}" if self.line is not None else None) if part]
        return f"{', '.join(where)}: {self.message}" if where else self.message


class BadInputError(SortitionError):
    """The people, quotas or panel size cannot be used as given."""

    def __init__(self, problems: Sequence[InputProblem] | str) -> None:
        if isinstance(problems, str):
            problems = [InputProblem(problems)]
        self.problems: tuple[InputProblem, ...] = tuple(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        lines = [str(p) for p in self.problems[:MAX_LISTED_PROBLEMS]]
        hidden = len(self.problems) - MAX_LISTED_PROBLEMS
        if hidden > 0:
            lines.append(f"… and {hidden} more problem{'s' if hidden != 1 else ''}")
        return "\n".join(lines)


@dataclass(frozen=True)
class QuotaChange:
    """A suggested change to one quota row: its minimum and/or maximum move to new values."""

    feature: str
    value: str
    min: int
    max: int
    new_min: int
    new_max: int

    def __str__(self) -> str:
        parts = []
        if self.new_min != self.min:
            parts.append(f"lower the minimum from {self.min} to {self.new_min}")
        if self.new_max != self.max:
            parts.append(f"raise the maximum from {self.max} to {self.new_max}")
        return f"{self.feature} '{self.value}': {' and '.join(parts)}"


class InfeasibleQuotasError(SortitionError):
    """No panel of the requested size meets every quota.

    `features` names the features whose quotas cannot be met together; `relaxations` is the
    smallest set of quota changes (fewest seats moved in total) that makes a panel possible,
    empty when no change to the quotas can help (for example when the pool has fewer
    households than places). `reasons` are plain arithmetic facts found on the way, such as
    "the minimums for age add up to 32, more than the 30 places".
    """

    def __init__(self, *, size: int, pool_size: int, features: Sequence[str],
                 relaxations: Sequence[QuotaChange], reasons: Sequence[str] = (),
                 summary: str | None = None) -> None:
        self.size = size
        self.pool_size = pool_size
        self.features: tuple[str, ...] = tuple(features)
        self.relaxations: tuple[QuotaChange, ...] = tuple(relaxations)
        self.reasons: tuple[str, ...] = tuple(reasons)
        super().__init__(summary or self._message())

    def _message(self) -> str:
        text = (f"No panel of {self.size} from this pool of {self.pool_size} people can meet every quota. ")
        if self.features:
            names = _join_names(self.features)
            verb = "cannot be met together" if len(self.features) > 1 else "cannot be met"
            text += f"The quotas for {names} {verb}."
        for reason in self.reasons:
            text += f"\n- {reason}"
        if self.relaxations:
            total = sum(abs(c.new_min - c.min) + abs(c.new_max - c.max) for c in self.relaxations)
            text += (f"\nThe smallest change that makes a panel possible ({total} "
                     f"place{'s' if total != 1 else ''} in all):")
            text += "".join(f"\n- {change}" for change in self.relaxations)
        return text


class SolverError(SortitionError):
    """The optimisation solver failed; nothing was drawn."""


def _join_names(names: Sequence[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
