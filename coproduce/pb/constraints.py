"""Ballot constraints declared in META (``min_length``, ``max_sum_points``…) and their checks.

Defaults follow the pabulib format (`docs/pb.md`): approval and ordinal ballots need at least one
project; a choose-1 ballot exactly one; cumulative points are at least 0 and at most
``max_points`` (which defaults to ``max_sum_points``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from coproduce.pb.election import Election, Money, Points, parse_decimal
from coproduce.pb.errors import Problem

#: META keys that constrain ballots: name → True if the value must be a whole number.
CONSTRAINT_KEYS: dict[str, bool] = {
    "min_length": True,
    "max_length": True,
    "min_sum_cost": False,
    "max_sum_cost": False,
    "min_points": False,
    "max_points": False,
    "min_sum_points": False,
    "max_sum_points": False,
}


@dataclass(frozen=True)
class BallotRules:
    """The limits every ballot of an election must respect (None = no limit)."""

    vote_type: str
    min_length: int = 1
    max_length: int | None = None
    min_sum_cost: Fraction | None = None
    max_sum_cost: Fraction | None = None
    min_points: Fraction | None = None
    max_points: Fraction | None = None
    min_sum_points: Fraction | None = None
    max_sum_points: Fraction | None = None


def read_rules(meta: Mapping[str, str], vote_type: str) -> tuple[BallotRules, list[tuple[str, str]]]:
    """Ballot rules from META text, plus (key, message) for each value that is not a number."""
    bad: list[tuple[str, str]] = []
    values: dict[str, Fraction] = {}
    for key, whole in CONSTRAINT_KEYS.items():
        if key not in meta:
            continue
        number = parse_decimal(meta[key])
        if number is None:
            bad.append((key, f"META {key} is {meta[key]!r}, which is not a number"))
        elif whole and number.denominator != 1:
            bad.append((key, f"META {key} is {meta[key]!r}, which is not a whole number"))
        elif number < 0 and key != "min_points" and key != "max_points":
            bad.append((key, f"META {key} is {meta[key]!r}, which is negative"))
        else:
            values[key] = number

    def length(key: str) -> int | None:
        return int(values[key]) if key in values else None

    min_length = length("min_length")
    max_length = length("max_length")
    if vote_type == "choose-1":
        min_length = 1 if min_length is None else min_length
        max_length = 1 if max_length is None else max_length
    min_points = values.get("min_points")
    max_points = values.get("max_points")
    if vote_type == "cumulative":
        min_points = Fraction(0) if min_points is None else min_points
        max_points = values.get("max_sum_points") if max_points is None else max_points
    rules = BallotRules(
        vote_type=vote_type,
        min_length=1 if min_length is None else min_length,
        max_length=max_length,
        min_sum_cost=values.get("min_sum_cost"),
        max_sum_cost=values.get("max_sum_cost"),
        min_points=min_points,
        max_points=max_points,
        min_sum_points=values.get("min_sum_points"),
        max_sum_points=values.get("max_sum_points"),
    )
    return rules, bad


def _plural(count: int | Fraction, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def ballot_violations(rules: BallotRules, projects: Sequence[str], points: Sequence[Points] | None,
                      costs: Mapping[str, Money]) -> list[tuple[str, str]]:
    """(code, message) for each rule this ballot breaks; the ballot is already free of duplicates."""
    found: list[tuple[str, str]] = []
    count = len(projects)
    noun = "ranked project" if rules.vote_type == "ordinal" else (
        "project" if points is not None else "approval")
    if count < rules.min_length:
        found.append(("too-few-projects",
                      f"ballot has {_plural(count, noun)}; at least {rules.min_length} needed (META min_length)"))
    if rules.max_length is not None and count > rules.max_length:
        found.append(("too-many-projects",
                      f"ballot has {_plural(count, noun)}; at most {rules.max_length} allowed (META max_length)"))
    if rules.vote_type in ("approval", "choose-1") and (
            rules.min_sum_cost is not None or rules.max_sum_cost is not None):
        total = sum((costs[p] for p in projects), Fraction(0))
        if rules.min_sum_cost is not None and total < rules.min_sum_cost:
            found.append(("cost-too-low", f"approved projects cost {_show(total)} in total; at least "
                                          f"{_show(rules.min_sum_cost)} needed (META min_sum_cost)"))
        if rules.max_sum_cost is not None and total > rules.max_sum_cost:
            found.append(("cost-too-high", f"approved projects cost {_show(total)} in total; at most "
                                           f"{_show(rules.max_sum_cost)} allowed (META max_sum_cost)"))
    if points is not None:
        for project, value in zip(projects, points, strict=True):
            if rules.min_points is not None and value < rules.min_points:
                found.append(("points-too-low", f"project {project!r} gets {_show(value)} points; at least "
                                                f"{_show(rules.min_points)} needed (META min_points)"))
                break
            if rules.max_points is not None and value > rules.max_points:
                found.append(("points-too-high", f"project {project!r} gets {_show(value)} points; at most "
                                                 f"{_show(rules.max_points)} allowed (META max_points)"))
                break
        total_points = sum(points, Fraction(0))
        if rules.min_sum_points is not None and total_points < rules.min_sum_points:
            found.append(("too-few-points", f"ballot gives {_show(total_points)} points in total; at least "
                                            f"{_show(rules.min_sum_points)} needed (META min_sum_points)"))
        if rules.max_sum_points is not None and total_points > rules.max_sum_points:
            found.append(("too-many-points", f"ballot gives {_show(total_points)} points in total; at most "
                                             f"{_show(rules.max_sum_points)} allowed (META max_sum_points)"))
    return found


def _show(value: Fraction | int) -> str:
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0") if value.denominator in (2, 4, 5, 10, 20, 25, 50, 100) else str(float(value))


def constraint_problems(election: Election) -> list[Problem]:
    """Every ballot of `election` that breaks a META ballot rule (no line numbers: code-built)."""
    rules, bad = read_rules(election.meta, election.vote_type)
    problems = [Problem(None, message, code="bad-meta") for _, message in bad]
    costs = election.costs()
    for ballot in election.ballots:
        for code, message in ballot_violations(rules, ballot.projects, ballot.points, costs):
            problems.append(Problem(None, f"voter {ballot.voter_id!r}: {message}", code=code))
    return problems
