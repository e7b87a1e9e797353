"""Turning a process into a pabulib `.pb` file and counting it with `coproduce.pb`.

The file we publish is the file we count: `process_pb_text` writes the projects and the
anonymised ballots, the engine parses it back, and its canonical `write_pb` output is what
is published and hashed. So anyone who runs `coproduce pb count` (or pabutools) on the
download gets the published result. Rule choices are mapped in ADR 0401.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import BallotType, CountingRule, Process

#: (council's choice, ballot type) → the coproduce.pb rule that implements it.
ENGINE_RULES: dict[tuple[str, str], str] = {
    (CountingRule.EQUAL_SHARES, BallotType.APPROVAL): "mes_cost_add1",
    (CountingRule.EQUAL_SHARES, BallotType.KNAPSACK): "mes_cost_add1",
    (CountingRule.EQUAL_SHARES, BallotType.CUMULATIVE): "mes_points",
    (CountingRule.PHRAGMEN, BallotType.APPROVAL): "seq_phragmen",
    (CountingRule.PHRAGMEN, BallotType.KNAPSACK): "seq_phragmen",
    (CountingRule.GREEDY, BallotType.APPROVAL): "greedy_cost",
    (CountingRule.GREEDY, BallotType.KNAPSACK): "greedy_cost",
    (CountingRule.GREEDY, BallotType.CUMULATIVE): "greedy_points",
}

#: What `meta.rule` says in the published file (pabulib's own names where it has one).
PABULIB_RULE_NAMES = {
    CountingRule.EQUAL_SHARES: "equalshares/add1",
    CountingRule.GREEDY: "greedy",
    CountingRule.PHRAGMEN: "unknown",
}


class EngineUnavailable(RuntimeError):
    """The counting engine coproduce.pb (or one of its functions) is not installed."""


def engine() -> Any:
    try:
        import coproduce.pb as pb
    except ImportError as exc:  # pragma: no cover - only while the engine is missing
        raise EngineUnavailable("The counting engine coproduce.pb is not available.") from exc
    for name in ("parse_pb", "write_pb", "count", "explain"):
        if not hasattr(pb, name):
            raise EngineUnavailable(f"The counting engine has no {name}() yet.")
    return pb


def engine_rule(process: Process, rule: str | None = None) -> str:
    return ENGINE_RULES[(rule or process.rule, process.ballot_type)]


def comparison_rule(process: Process) -> str:
    """Greedy by votes, the comparison shown beside every result."""
    return ENGINE_RULES[(CountingRule.GREEDY, process.ballot_type)]


def pounds(pence: int) -> str:
    value = Decimal(pence) / 100
    return str(value.quantize(Decimal(1))) if pence % 100 == 0 else str(value.quantize(Decimal("0.01")))


def _date(value: dt.datetime | None) -> str:
    if value is None:
        return str(timezone.localdate().year)
    return timezone.localtime(value).strftime("%d.%m.%Y")


def _row(writer, *cells) -> None:
    writer.writerow([str(c) for c in cells])


def ballot_projects(process: Process) -> list:
    return list(process.projects.on_ballot().select_related("category").order_by("pb_id"))


def votes_per_project(process: Process) -> dict[str, int]:
    """Approvals (or points) per project, from the ballot box."""
    totals: Counter[str] = Counter()
    for choices in process.ballots.values_list("choices", flat=True).iterator(chunk_size=2000):
        for pid, points in choices.items():
            totals[pid] += int(points)
    return dict(totals)


def process_pb_text(process: Process) -> str:
    """The process's projects and anonymised ballots in pabulib format (before the engine's rewrite)."""
    projects = ballot_projects(process)
    votes = votes_per_project(process)
    ballots = list(process.ballots.order_by("ballot_id").values_list("ballot_id", "choices"))
    phases = {p.kind: p.starts_at for p in process.phases.all()}
    cumulative = process.ballot_type == BallotType.CUMULATIVE

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    _row(writer, "META")
    _row(writer, "key", "value")
    meta: list[tuple[str, str]] = [
        ("description", process.title),
        ("country", "United Kingdom"),
        ("unit", str(settings.COPRODUCE_COUNCIL_NAME)),
        ("subunit", process.place_name),
        ("instance", process.slug),
        ("num_projects", str(len(projects))),
        ("num_votes", str(len(ballots))),
        ("budget", pounds(process.budget)),
        ("vote_type", "cumulative" if cumulative else "approval"),
        ("rule", PABULIB_RULE_NAMES[CountingRule(process.rule)]),
        ("date_begin", _date(phases.get("voting"))),
        ("date_end", _date(phases.get("counting"))),
        ("currency", "GBP"),
        ("language", "en"),
    ]
    if cumulative:
        meta += [("max_sum_points", str(process.points))]
        if not process.imported_from:  # our own ballots share out exactly this many points
            meta += [("min_sum_points", str(process.points))]
    elif process.ballot_type == BallotType.KNAPSACK:
        meta += [("max_sum_cost", pounds(process.budget))]
    else:
        meta += [("min_length", str(max(process.min_projects, 1)))]
        if process.max_projects is not None:
            meta += [("max_length", str(process.max_projects))]
    meta += [("comment", f"coproduce counting rule: {engine_rule(process)}")]
    for key, value in meta:
        _row(writer, key, value)

    _row(writer, "PROJECTS")
    header = ["project_id", "cost", "votes"] + (["score"] if cumulative else []) + ["name", "category"]
    _row(writer, *header)
    supporters: Counter[str] = Counter()
    if cumulative:
        for _bid, choices in ballots:
            supporters.update(choices.keys())
    for project in projects:
        cells = [project.pb_id, pounds(project.cost)]
        if cumulative:
            cells += [supporters.get(project.pb_id, 0), votes.get(project.pb_id, 0)]
        else:
            cells += [votes.get(project.pb_id, 0)]
        cells += [project.title, project.category.name if project.category else ""]
        _row(writer, *cells)

    _row(writer, "VOTES")
    _row(writer, *(["voter_id", "vote", "points"] if cumulative else ["voter_id", "vote"]))
    for ballot_id, choices in ballots:
        if cumulative:
            ordered = sorted(choices.items(), key=lambda item: (-int(item[1]), item[0]))
            _row(writer, ballot_id, ",".join(p for p, _ in ordered), ",".join(str(v) for _, v in ordered))
        else:
            _row(writer, ballot_id, ",".join(sorted(choices)))
    return out.getvalue()


def published_pb(process: Process) -> str:
    """The `.pb` file as published: the engine's canonical rewrite of `process_pb_text`."""
    pb = engine()
    return str(pb.write_pb(pb.parse_pb(process_pb_text(process))))

