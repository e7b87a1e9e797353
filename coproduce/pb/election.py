"""The election a count works on: projects, ballots, budget and vote type.

Build one in code (the budgeting app does this from database rows) or read one from a pabulib
`.pb` file with `coproduce.pb.read_pb`. Every `Election` is checked when it is made: project ids
are unique, costs are exact numbers ≥ 0, every ballot names known projects at most once and
carries points exactly when the vote type needs them. Ballot constraints declared in `meta`
(``max_length``, ``max_sum_points``…) are checked by `constraint_problems`, not here, so that a
published file whose ballots break its own rules can still be recounted on request.

    >>> election = Election(
    ...     projects=[Project("park", 3000, "New park"), Project("bus", 2000, "Bus shelter")],
    ...     ballots=[Ballot("v1", ("park",)), Ballot("v2", ("park", "bus"))],
    ...     budget=4000,
    ... )
    >>> election.num_voters
    2
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from coproduce.pb.errors import ElectionError, Problem

#: A number of points on a cumulative or scoring ballot.
Points = int | Fraction
#: An exact amount of money (a cost or a budget): an int, or a Fraction when it has a fractional part.
Money = int | Fraction

#: Vote types of the pabulib format.
VOTE_TYPES: tuple[str, ...] = ("approval", "choose-1", "ordinal", "cumulative", "scoring")
#: Vote types whose ballots carry points.
POINT_TYPES: frozenset[str] = frozenset({"cumulative", "scoring"})
#: META keys that an `Election` computes from its own fields instead of storing in `meta`.
DERIVED_META: tuple[str, ...] = ("num_projects", "num_votes", "budget", "vote_type")


def _as_exact(value: object, what: str) -> Fraction:
    """An exact number from an int, Fraction, Decimal, integral float or decimal string."""
    if isinstance(value, bool):
        raise ElectionError(f"{what} must be a number, not {value!r}")
    if isinstance(value, int | Fraction | Decimal):
        return Fraction(value)
    if isinstance(value, float):
        if value.is_integer():
            return Fraction(int(value))
        raise ElectionError(f"{what} {value!r} is not exact: give it as an int, Decimal or string")
    if isinstance(value, str):
        parsed = parse_decimal(value)
        if parsed is None:
            raise ElectionError(f"{what} {value!r} is not a number")
        return parsed
    raise ElectionError(f"{what} must be a number, not {type(value).__name__}")


def quick(value: Fraction) -> Money:
    """`value` as an int when it is whole: int arithmetic and comparisons are far quicker."""
    return value.numerator if value.denominator == 1 else value


def parse_decimal(text: str) -> Fraction | None:
    """``"1331751.11"`` → Fraction(133175111, 100); None if `text` is not a plain decimal.

    Accepts an optional sign, digits and one ``.``; no exponent, no comma, no spaces inside.
    """
    text = text.strip()
    body = text[1:] if text[:1] in "+-" else text
    if not body or body == ".":
        return None
    whole, dot, frac_part = body.partition(".")
    if not (whole.isdigit() or whole == "") or not (frac_part.isdigit() or frac_part == ""):
        return None
    if not whole.isascii() or not frac_part.isascii():
        return None
    value = Fraction(int(whole or "0") * 10 ** len(frac_part) + int(frac_part or "0"), 10 ** len(frac_part))
    return -value if text[:1] == "-" else value


@dataclass(frozen=True, slots=True, init=False)
class Project:
    """A project on the ballot. `cost` is exact: an int, or a Fraction for amounts such as 12.50.

    `extra` keeps the other PROJECTS columns of a pabulib file (``votes``, ``category``,
    ``selected``…) as text, so that writing the election back loses nothing.
    """

    id: str
    cost: Money
    name: str
    extra: Mapping[str, str]

    def __init__(self, id: str, cost: int | Fraction | Decimal, name: str = "",  # noqa: A002
                 extra: Mapping[str, str] | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "id", id)
        set_(self, "name", name)
        set_(self, "extra", dict(extra or {}))
        if not isinstance(id, str) or not id or id != id.strip():
            raise ElectionError(f"project id {id!r} must be non-empty text without surrounding spaces")
        if any(ch in id for ch in ",;\r\n\""):
            raise ElectionError(f"project id {id!r} may not contain , ; \" or a line break")
        given: object = cost
        exact: Money
        if isinstance(given, bool) or not isinstance(given, int | Fraction | Decimal):
            if isinstance(given, float) and given.is_integer():
                exact = int(given)
            else:
                raise ElectionError(f"project {id!r}: cost must be an int, Fraction or Decimal, not {given!r}")
        elif isinstance(given, Decimal):
            exact = Fraction(given)
        else:
            exact = given
        if isinstance(exact, Fraction) and exact.denominator == 1:
            exact = int(exact)
        set_(self, "cost", exact)
        if self.cost < 0:
            raise ElectionError(f"project {self.id!r}: cost {self.cost} is negative")


@dataclass(frozen=True, slots=True, init=False)
class Ballot:
    """One voter's ballot.

    * approval / choose-1: `projects` are the approved ids (order kept as given, not meaningful);
    * ordinal: `projects` from most to least preferred;
    * cumulative / scoring: `projects` with the parallel `points`.

    `extra` keeps the other VOTES columns (``age``, ``sex``, ``neighborhood``…) as text.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Points, ...] | None
    extra: Mapping[str, str]

    def __init__(self, voter_id: str, projects: Iterable[str], points: Iterable[Points] | None = None,
                 extra: Mapping[str, str] | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "voter_id", voter_id)
        set_(self, "projects", projects if isinstance(projects, tuple) else tuple(projects))
        if points is not None:
            points = points if isinstance(points, tuple) else tuple(points)
            if any(isinstance(v, Fraction) and v.denominator == 1 for v in points):
                points = tuple(int(v) if isinstance(v, Fraction) and v.denominator == 1 else v for v in points)
        set_(self, "points", points)
        set_(self, "extra", extra if type(extra) is dict else dict(extra or {}))

    @classmethod
    def approval(cls, voter_id: str, project_ids: Iterable[str], **extra: str) -> Ballot:
        """An approval (or choose-1) ballot."""
        return cls(voter_id, tuple(project_ids), None, extra)

    @classmethod
    def ranking(cls, voter_id: str, project_ids: Iterable[str], **extra: str) -> Ballot:
        """An ordinal ballot, most preferred first."""
        return cls(voter_id, tuple(project_ids), None, extra)

    @classmethod
    def with_points(cls, voter_id: str, points: Mapping[str, Points], **extra: str) -> Ballot:
        """A cumulative or scoring ballot from ``{project_id: points}``, listed by decreasing points."""
        ordered = sorted(points.items(), key=lambda item: -item[1])
        return cls(voter_id, tuple(p for p, _ in ordered), tuple(v for _, v in ordered), extra)

    def points_by_project(self) -> dict[str, Points]:
        """``{project_id: points}`` (cumulative / scoring); 1 point per listed project otherwise."""
        if self.points is None:
            return {p: 1 for p in self.projects}
        return dict(zip(self.projects, self.points, strict=True))


@dataclass(frozen=True, slots=True, init=False, weakref_slot=True)
class Election:
    """A participatory-budgeting election.

    `budget` is exact (a `Fraction`; ints, Decimals and decimal strings are accepted).
    `meta` holds the other META fields of a pabulib file as text (``description``,
    ``currency``, ``max_length``…); the four fields an election derives itself
    (``num_projects``, ``num_votes``, ``budget``, ``vote_type``) are not kept there.
    """

    projects: tuple[Project, ...]
    ballots: tuple[Ballot, ...]
    budget: Fraction
    vote_type: str
    meta: Mapping[str, str]

    def __init__(self, projects: Iterable[Project], ballots: Iterable[Ballot],
                 budget: int | Fraction | Decimal | str, vote_type: str = "approval",
                 meta: Mapping[str, str] | None = None) -> None:
        set_ = object.__setattr__
        set_(self, "projects", tuple(projects))
        set_(self, "ballots", tuple(ballots))
        set_(self, "budget", _as_exact(budget, "budget"))
        set_(self, "vote_type", vote_type)
        if self.budget < 0:
            raise ElectionError(f"budget {self.budget} is negative")
        if self.vote_type not in VOTE_TYPES:
            raise ElectionError(f"vote type {self.vote_type!r} is not one of {', '.join(VOTE_TYPES)}")
        set_(self, "meta", _clean_meta(meta or {}, self.budget, self.vote_type))
        for problem in structure_problems(self):
            raise ElectionError(problem.message)

    @classmethod
    def _trusted(cls, *, projects: tuple[Project, ...], ballots: tuple[Ballot, ...], budget: Fraction,
                 vote_type: str, meta: dict[str, str]) -> Election:
        """Build without re-checking (the pabulib reader has already checked, with line numbers)."""
        election = object.__new__(cls)
        set_ = object.__setattr__
        set_(election, "projects", projects)
        set_(election, "ballots", ballots)
        set_(election, "budget", budget)
        set_(election, "vote_type", vote_type)
        set_(election, "meta", meta)
        return election

    @property
    def num_voters(self) -> int:
        return len(self.ballots)

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    def project(self, project_id: str) -> Project:
        """The project with this id; `ElectionError` if there is none."""
        for project in self.projects:
            if project.id == project_id:
                return project
        raise ElectionError(f"there is no project {project_id!r} in this election")

    def costs(self) -> dict[str, Money]:
        return {p.id: p.cost for p in self.projects}

    @property
    def currency(self) -> str:
        return self.meta.get("currency", "")


def _clean_meta(meta: Mapping[str, Any], budget: Fraction, vote_type: str) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for key, value in meta.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise ElectionError(f"meta {key!r}: keys and values must be text")
        if key == "budget":
            if parse_decimal(value) != budget:
                raise ElectionError(f"meta budget {value!r} disagrees with the budget {budget}")
            continue
        if key == "vote_type":
            if value != vote_type:
                raise ElectionError(f"meta vote_type {value!r} disagrees with vote type {vote_type!r}")
            continue
        if key in DERIVED_META:
            continue
        cleaned[key] = value
    return cleaned


def structure_problems(election: Election) -> list[Problem]:
    """Problems that make an election impossible to count (not the META ballot constraints)."""
    problems: list[Problem] = []
    ids: set[str] = set()
    for project in election.projects:
        if not isinstance(project, Project):
            problems.append(Problem(None, f"{project!r} is not a Project", code="not-a-project"))
            continue
        if project.id in ids:
            problems.append(Problem(None, f"project id {project.id!r} is used twice", code="duplicate-project"))
        ids.add(project.id)
    wants_points = election.vote_type in POINT_TYPES
    voters: set[str] = set()
    for ballot in election.ballots:
        if not isinstance(ballot, Ballot):
            problems.append(Problem(None, f"{ballot!r} is not a Ballot", code="not-a-ballot"))
            continue
        who = f"ballot of voter {ballot.voter_id!r}"
        if not isinstance(ballot.voter_id, str) or not ballot.voter_id:
            problems.append(Problem(None, f"{who}: voter id must be non-empty text", code="bad-voter-id"))
        elif ballot.voter_id in voters:
            problems.append(Problem(None, f"voter id {ballot.voter_id!r} is used twice", code="duplicate-voter"))
        voters.add(ballot.voter_id)
        unknown = [p for p in ballot.projects if p not in ids]
        if unknown:
            problems.append(Problem(None, f"{who} names project {unknown[0]!r}, which is not in the election",
                                    code="unknown-project"))
        if len(set(ballot.projects)) != len(ballot.projects):
            problems.append(Problem(None, f"{who} names a project more than once", code="duplicate-in-ballot"))
        if wants_points:
            if ballot.points is None or len(ballot.points) != len(ballot.projects):
                problems.append(Problem(None, f"{who} needs one number of points per project",
                                        code="points-mismatch"))
            else:
                bad = [v for v in ballot.points if isinstance(v, bool) or not isinstance(v, int | Fraction)]
                if bad:
                    problems.append(Problem(None, f"{who}: points must be whole numbers or Fractions, not {bad[0]!r}",
                                            code="bad-points"))
        elif ballot.points is not None:
            problems.append(Problem(None, f"{who} has points, but {election.vote_type} ballots do not",
                                    code="unexpected-points"))
    return problems
