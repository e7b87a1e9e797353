"""Errors raised by `coproduce.pb`, with messages a resident or an officer can read.

Every error is a `PbError`. When the problem comes from a line of a `.pb` file, `line` holds its
number (1-based) and `str(error)` starts with it, e.g. ``"votes.pb: line 12: vote names project
'99', which is not in the PROJECTS section"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class PbError(Exception):
    """Base class of every error from `coproduce.pb`."""

    def __init__(self, message: str, *, line: int | None = None, source: str = "") -> None:
        self.message = message
        self.line = line
        self.source = source
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(self.source)
        if self.line is not None:
            where.append(f"line {self.line}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class ElectionError(PbError):
    """An election built in code is inconsistent (unknown project, duplicate id, bad cost…)."""


class RuleError(PbError):
    """The counting rule is unknown or does not suit the election's vote type."""


class CountError(PbError):
    """A count could not be completed (for example a completion that never ends)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in a `.pb` file.

    `severity` is ``"error"`` (the file cannot be counted as it stands) or ``"warning"``
    (the file is read, with the documented repair or default). `code` is a stable short name
    for programs and tests; `message` is the plain-English text.
    """

    line: int | None
    message: str
    severity: str = "error"
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.severity}: {self.message}"


class PbFileError(PbError):
    """A `.pb` file has at least one error. `problems` lists every error found, in line order."""

    def __init__(self, problems: Sequence[Problem], *, source: str = "") -> None:
        errors = [p for p in problems if p.is_error]
        self.problems: tuple[Problem, ...] = tuple(errors)
        first = errors[0] if errors else Problem(None, "the file could not be read")
        message = first.message
        if len(errors) > 1:
            more = len(errors) - 1
            message += f" (and {more} more problem{'s' if more != 1 else ''})"
        super().__init__(message, line=first.line, source=source)
