"""Read, check and write pabulib `.pb` files (the format of pabulib.org; see `docs/pb.md`).

* `parse_pb(text)` / `read_pb(path)` return an `Election` or raise `PbFileError` naming the
  line of the first problem (its `problems` lists them all).
* `validate_pb(text)` returns every problem, errors and warnings, each with its line number.
* `write_pb(election)` returns the text of a valid `.pb` file. Reading a file, writing it and
  reading it again gives an equal `Election`.

Repairs (warnings, documented in `docs/pb.md`): a project named twice in one approval or
ordinal ballot counts once (an ordinal ballot keeps its first position); on a cumulative or
scoring ballot the last points given to it count. Blank lines are skipped. A cost written
``4000.0`` is read as 4000.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from fractions import Fraction
from os import PathLike
from pathlib import Path

from coproduce.pb.constraints import BallotRules, ballot_violations, read_rules
from coproduce.pb.election import (
    DERIVED_META,
    POINT_TYPES,
    VOTE_TYPES,
    Ballot,
    Election,
    Money,
    Points,
    Project,
    parse_decimal,
)
from coproduce.pb.errors import PbError, PbFileError, Problem
from coproduce.pb.pick import picker

#: META keys the format requires, in the order the pabulib checker writes them.
MANDATORY_META: tuple[str, ...] = (
    "description", "country", "unit", "instance", "num_projects", "num_votes", "budget",
    "vote_type", "rule", "date_begin", "date_end",
)
#: PROJECTS columns in the pabulib checker's canonical order (others follow in file order).
PROJECT_COLUMNS: tuple[str, ...] = ("votes", "score", "name", "category", "beneficiaries", "selected")
SECTIONS: tuple[str, ...] = ("meta", "projects", "votes")
#: At most this many problems of one kind are listed one by one; the rest are summed up.
MAX_PER_CODE = 50


class _Problems:
    """Collects problems, capping how many of one code are listed individually."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.errors = 0

    def add(self, line: int | None, message: str, code: str, severity: str = "error") -> None:
        seen = self.counts.get(code, 0) + 1
        self.counts[code] = seen
        if severity == "error":
            self.errors += 1
        if seen <= MAX_PER_CODE:
            self.items.append(Problem(line, message, severity, code))

    def finish(self) -> list[Problem]:
        extra = []
        for code, seen in self.counts.items():
            if seen > MAX_PER_CODE:
                severity = next(p.severity for p in self.items if p.code == code)
                extra.append(Problem(None, f"… and {seen - MAX_PER_CODE} more like this ({code})",
                                     severity, code))
        ordered = sorted(self.items, key=lambda p: (p.line is None, p.line or 0))
        return ordered + extra


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record; the number is the record's last line."""
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=";", quotechar='"')
    for row in reader:
        yield reader.line_num, row


def _is_blank(row: list[str]) -> bool:
    return not row or all(not cell.strip() for cell in row)


def _section_name(row: list[str]) -> str | None:
    name = row[0].strip().lower()
    if name in SECTIONS and all(not cell.strip() for cell in row[1:]):
        return name
    return None


def _split_ids(cell: str) -> list[str]:
    parts = cell.split(",")
    if "" in parts or cell != cell.strip() or " " in cell:
        return [p for p in (x.strip() for x in parts) if p]
    return parts


def _read(text: str, *, check_constraints: bool = True) -> tuple[Election | None, list[Problem]]:
    """The election (None if there is an error) and every problem found."""
    problems = _Problems()
    if text.startswith("\ufeff"):
        text = text[1:]

    sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    expect_header: str | None = None
    last_line = 0
    order: list[str] = []
    try:
        for line, row in _rows(text):
            last_line = line
            first = row[0].strip() if row else ""
            if not first and _is_blank(row):
                problems.add(line, "blank line ignored", "blank-line", "warning")
                continue
            name = _section_name(row) if len(first) < 9 else None
            if name is not None:
                if name in sections or name == expect_header:
                    problems.add(line, f"the {name.upper()} section appears twice", "repeated-section")
                    current = None
                    expect_header = None
                    continue
                order.append(name)
                expect_header = name
                current = None
                continue
            if expect_header is not None:
                current = []
                sections[expect_header] = (line, [cell.strip() for cell in row], current)
                expect_header = None
                continue
            if current is None:
                if not order:
                    problems.add(line, "the file must start with a line reading META", "no-meta-first")
                    order.append("?")
                continue
            current.append((line, row))
    except csv.Error as error:
        problems.add(last_line + 1, f"the file is not valid semicolon-separated text ({error})", "bad-csv")
        return None, problems.finish()
    if expect_header is not None:
        problems.add(last_line, f"the {expect_header.upper()} section has no header line", "no-header")

    end = last_line
    for name in SECTIONS:
        if name not in sections and not (name == expect_header):
            problems.add(end, f"the {name.upper()} section is missing", "missing-section")
    real_order = [n for n in order if n in SECTIONS]
    if real_order and real_order != sorted(real_order, key=SECTIONS.index):
        problems.add(None, "sections must come in the order META, PROJECTS, VOTES", "section-order")
    if problems.errors:
        return None, problems.finish()

    meta, meta_lines = _read_meta(sections["meta"], problems)
    vote_type = meta.get("vote_type", "").strip()
    meta_line = meta_lines.get("vote_type", sections["meta"][0])
    if "vote_type" not in meta:
        problems.add(sections["meta"][0], "META has no vote_type", "no-vote-type")
    elif vote_type not in VOTE_TYPES:
        problems.add(meta_line, f"vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}", "bad-vote-type")
    budget: Fraction | None = None
    if "budget" not in meta:
        problems.add(sections["meta"][0], "META has no budget", "no-budget")
    else:
        budget = parse_decimal(meta["budget"])
        if budget is None:
            problems.add(meta_lines["budget"], f"budget {meta['budget']!r} is not a number", "bad-budget")
        elif budget < 0:
            problems.add(meta_lines["budget"], f"budget {meta['budget']} is negative", "bad-budget")
            budget = None
    for key in MANDATORY_META:
        if key not in meta and key not in ("vote_type", "budget"):
            problems.add(sections["meta"][0], f"META has no {key} (the pabulib format requires it)",
                         "missing-meta", "warning")

    broken: set[str] = set()
    projects = _read_projects(sections["projects"], problems, broken)
    ballots: list[Ballot] = []
    if vote_type in VOTE_TYPES:
        rules, bad_rules = read_rules(meta, vote_type)
        for key, message in bad_rules:
            problems.add(meta_lines.get(key), message, "bad-meta")
        ballots = _read_votes(sections["votes"], vote_type, projects, problems, rules, check_constraints, broken)
        if vote_type == "cumulative" and "max_sum_points" not in meta:
            problems.add(sections["meta"][0], "a cumulative file should give max_sum_points in META",
                         "missing-meta", "warning")

    for key, actual in (("num_projects", len(projects)), ("num_votes", len(ballots))):
        if key in meta and not problems.errors and meta[key].strip() != str(actual):
            problems.add(meta_lines[key], f"META {key} is {meta[key]!r} but the file has {actual}",
                         "count-mismatch", "warning")

    if problems.errors or budget is None:
        return None, problems.finish()
    kept = {k: v for k, v in meta.items() if k not in DERIVED_META}
    election = Election._trusted(projects=tuple(projects.values()), ballots=tuple(ballots), budget=budget,
                                 vote_type=vote_type, meta=kept)
    return election, problems.finish()


def _read_meta(section: tuple[int, list[str], list[tuple[int, list[str]]]],
               problems: _Problems) -> tuple[dict[str, str], dict[str, int]]:
    header_line, header, rows = section
    if [h.lower() for h in header[:2]] != ["key", "value"]:
        problems.add(header_line, "the META header must read key;value", "bad-meta-header", "warning")
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        cells = [cell.strip() for cell in row]
        while len(cells) > 2 and cells[-1] == "":
            cells.pop()
        if len(cells) != 2:
            problems.add(line, f"a META line needs a key and a value, found {len(cells)} field"
                               f"{'s' if len(cells) != 1 else ''} (quote values that contain ;)", "bad-meta-row")
            continue
        key, value = cells
        if not key:
            problems.add(line, "a META line has an empty key", "bad-meta-row")
            continue
        if key in meta:
            problems.add(line, f"META {key} is given twice; the later value counts", "repeated-meta", "warning")
        meta[key] = value
        lines[key] = line
    return meta, lines


def _read_cost(text: str) -> tuple[Money | None, str]:
    value = parse_decimal(text)
    if value is None:
        if "," in text and parse_decimal(text.replace(",", ".")) is not None:
            return None, f"cost {text!r} uses a comma; write decimals with a point"
        return None, f"cost {text!r} is not a number"
    if value < 0:
        return None, f"cost {text} is negative"
    return (int(value) if value.denominator == 1 else value), ""


def _read_projects(section: tuple[int, list[str], list[tuple[int, list[str]]]],
                   problems: _Problems, broken: set[str]) -> dict[str, Project]:
    """The projects; ids of projects whose line has an error go into `broken`."""
    header_line, header, rows = section
    projects: dict[str, Project] = {}
    if "project_id" not in header or "cost" not in header:
        missing = "project_id" if "project_id" not in header else "cost"
        problems.add(header_line, f"the PROJECTS header has no {missing} column", "bad-projects-header")
        return projects
    if len(set(header)) != len(header):
        problems.add(header_line, "the PROJECTS header names a column twice", "bad-projects-header")
        return projects
    i_id, i_cost = header.index("project_id"), header.index("cost")
    i_name = header.index("name") if "name" in header else None
    others = [(i, h) for i, h in enumerate(header) if h not in ("project_id", "cost", "name")]
    width = len(header)
    for line, row in rows:
        if len(row) != width:
            problems.add(line, f"a PROJECTS line has {len(row)} fields but the header has {width}", "bad-row")
            continue
        project_id = row[i_id].strip()
        if not project_id:
            problems.add(line, "a project has an empty project_id", "bad-project-id")
            continue
        if any(ch in project_id for ch in ",\"\r\n"):
            problems.add(line, f"project id {project_id!r} contains a comma, quote or line break", "bad-project-id")
            continue
        if project_id in projects:
            problems.add(line, f"project id {project_id!r} is used twice", "duplicate-project")
            continue
        cost, why = _read_cost(row[i_cost].strip())
        if cost is None:
            problems.add(line, f"project {project_id!r}: {why}", "bad-cost")
            broken.add(project_id)
            continue
        name = row[i_name].strip() if i_name is not None else ""
        extra = {h: row[i].strip() for i, h in others}
        projects[project_id] = Project(project_id, cost, name, extra)
    return projects


def _read_points(cell: str) -> list[Points] | str:
    values: list[Points] = []
    for piece in cell.split(","):
        piece = piece.strip()
        if not piece:
            continue
        number = parse_decimal(piece)
        if number is None:
            return f"points {piece!r} is not a number"
        values.append(int(number) if number.denominator == 1 else number)
    return values


def _read_votes(section: tuple[int, list[str], list[tuple[int, list[str]]]], vote_type: str,
                projects: dict[str, Project], problems: _Problems, rules: BallotRules,
                check_constraints: bool, broken: set[str]) -> list[Ballot]:
    header_line, header, rows = section
    ballots: list[Ballot] = []
    with_points = vote_type in POINT_TYPES
    needed = ["voter_id", "vote"] + (["points"] if with_points else [])
    for column in needed:
        if column not in header:
            problems.add(header_line, f"the VOTES header has no {column} column", "bad-votes-header")
            return ballots
    if len(set(header)) != len(header):
        problems.add(header_line, "the VOTES header names a column twice", "bad-votes-header")
        return ballots
    i_voter, i_vote = header.index("voter_id"), header.index("vote")
    i_points = header.index("points") if with_points else -1
    others = [(i, h) for i, h in enumerate(header) if h not in needed]
    other_names = [h for _, h in others]
    pick_others = picker([i for i, _ in others])
    width = len(header)
    known = projects.keys()
    costs = {p.id: p.cost for p in projects.values()}
    constraint_severity = "error" if check_constraints else "warning"
    simple_rules = (rules.max_length is None and rules.min_length <= 1 and rules.min_sum_cost is None
                    and rules.max_sum_cost is None and not with_points)
    voters: set[str] = set()
    # identical vote (and points) cells give one shared tuple: less memory, and grouping
    # identical ballots for a count compares them by identity (decision 0309)
    clean_votes: dict[str, tuple[str, ...]] = {}
    parsed_points: dict[str, tuple[Points, ...]] = {}
    for line, row in rows:
        if len(row) != width:
            problems.add(line, f"a VOTES line has {len(row)} fields but the header has {width}", "bad-row")
            continue
        voter_id = row[i_voter].strip()
        if not voter_id:
            problems.add(line, "a vote has an empty voter_id", "bad-voter-id")
            continue
        if voter_id in voters:
            problems.add(line, f"voter id {voter_id!r} is used twice", "duplicate-voter")
            continue
        voters.add(voter_id)
        cell = row[i_vote]
        shared = clean_votes.get(cell)  # this cell was read before, without a problem
        ids: Sequence[str] = shared if shared is not None else _split_ids(cell)
        if shared is None and not known >= set(ids):
            unknown = next(p for p in ids if p not in known)
            if unknown not in broken:  # a project whose own line is wrong is reported there
                problems.add(line, f"vote names project {unknown!r}, which is not in the PROJECTS section",
                             "unknown-project")
            continue
        points: Sequence[Points] | None = None
        if with_points:
            points_cell = row[i_points]
            read: Sequence[Points] | str | None = parsed_points.get(points_cell)
            if read is None:
                read = _read_points(points_cell)
                if not isinstance(read, str):
                    read = parsed_points.setdefault(points_cell, tuple(read))
            if isinstance(read, str):
                problems.add(line, f"voter {voter_id!r}: {read}", "bad-points")
                continue
            if len(read) != len(ids):
                problems.add(line, f"voter {voter_id!r} lists {len(ids)} projects but {len(read)} points",
                             "points-mismatch")
                continue
            points = read
        if shared is None and len(set(ids)) == len(ids):
            shared = clean_votes.setdefault(cell, tuple(ids))
            ids = shared
        elif shared is None:
            ids, points = _collapse(list(ids), None if points is None else list(points))
            repair = ("the last points given count" if with_points
                      else "its first position counts" if vote_type == "ordinal" else "it counts once")
            problems.add(line, f"voter {voter_id!r} names a project more than once; {repair}",
                         "duplicate-in-ballot", "warning")
        if not simple_rules or not ids:
            for code, message in ballot_violations(rules, ids, points, costs):
                problems.add(line, f"voter {voter_id!r}: {message}", code, constraint_severity)
        extra = dict(zip(other_names, map(str.strip, pick_others(row)), strict=True)) if others else {}
        ballots.append(Ballot(voter_id, tuple(ids), None if points is None else tuple(points), extra))
    return ballots


def _collapse(ids: list[str], points: list[Points] | None) -> tuple[list[str], list[Points] | None]:
    """Remove repeated ids: keep the first position; with points, the last value given."""
    if points is None:
        return list(dict.fromkeys(ids)), None
    merged: dict[str, Points] = {}
    for project, value in zip(ids, points, strict=True):
        merged[project] = value
    return list(merged), list(merged.values())


def parse_pb(text: str, *, source: str = "", check_constraints: bool = True) -> Election:
    """The election in the text of a `.pb` file.

    Raises `PbFileError` (a `PbError` whose `line` is that of the first problem) if the file
    has an error. With ``check_constraints=False`` ballots that break the file's own META
    ballot rules are accepted (reported by `validate_pb` as warnings): use it to recount a
    published file exactly as other tools do.
    """
    election, problems = _read(text, check_constraints=check_constraints)
    if election is None:
        raise PbFileError(problems, source=source)
    return election


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PbFileError([Problem(line, "the file is not UTF-8 text", code="not-utf8")], source=source) from None


def read_pb(path: str | PathLike[str], *, check_constraints: bool = True) -> Election:
    """The election in the `.pb` file at `path` (see `parse_pb`)."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PbError(f"cannot read the file ({error.strerror or error})", source=source) from None
    return parse_pb(_decode(data, source), source=source, check_constraints=check_constraints)


def read_pb_text(path: str | PathLike[str]) -> str:
    """The text of a `.pb` file (UTF-8, BOM removed), or `PbError` naming the problem."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PbError(f"cannot read the file ({error.strerror or error})", source=source) from None
    return _decode(data, source)


def validate_pb(text: str) -> list[Problem]:
    """Every problem in the text of a `.pb` file, errors and warnings, in line order."""
    return _read(text, check_constraints=True)[1]


def format_number(value: Fraction | int) -> str:
    """Exact decimal text of a number: 5 → ``"5"``, 1331751.11 → ``"1331751.11"``.

    Raises `PbError` for a number with no finite decimal form (such as 1/3).
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    rest, twos, fives = value.denominator, 0, 0
    while rest % 2 == 0:
        rest, twos = rest // 2, twos + 1
    while rest % 5 == 0:
        rest, fives = rest // 5, fives + 1
    if rest != 1:
        raise PbError(f"{value} has no exact decimal form; the pabulib format needs one")
    digits = max(twos, fives)
    scaled = abs(value.numerator) * (10**digits // value.denominator)
    text = str(scaled).rjust(digits + 1, "0")
    sign = "-" if value < 0 else ""
    return f"{sign}{text[:-digits]}.{text[-digits:]}"


def write_pb(election: Election) -> str:
    """The text of a pabulib `.pb` file holding `election` (LF line endings).

    Missing mandatory META fields (``description``, ``country``, ``unit``, ``instance``,
    ``rule``, ``date_begin``, ``date_end``) are written as ``unknown``.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\n")
    meta = dict(election.meta)
    derived = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.ballots)),
        "budget": format_number(election.budget),
        "vote_type": election.vote_type,
    }
    out.write("META\n")
    writer.writerow(["key", "value"])
    for key in MANDATORY_META:
        writer.writerow([key, derived[key] if key in derived else meta.pop(key, "unknown")])
    for key, value in meta.items():
        writer.writerow([key, value])

    out.write("PROJECTS\n")
    columns: dict[str, None] = {}
    has_names = any(p.name for p in election.projects)
    for project in election.projects:
        columns.update(dict.fromkeys(project.extra))
    ordered = [c for c in PROJECT_COLUMNS if c in columns or (c == "name" and has_names)]
    ordered += [c for c in columns if c not in PROJECT_COLUMNS]
    writer.writerow(["project_id", "cost", *ordered])
    for project in election.projects:
        cells = [project.name if c == "name" else project.extra.get(c, "") for c in ordered]
        writer.writerow([project.id, format_number(project.cost), *cells])

    out.write("VOTES\n")
    with_points = election.vote_type in POINT_TYPES
    vote_columns: dict[str, None] = {}
    for ballot in election.ballots:
        if ballot.extra:
            vote_columns.update(dict.fromkeys(ballot.extra))
    extra_columns = list(vote_columns)
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *extra_columns])
    for ballot in election.ballots:
        row = [ballot.voter_id, ",".join(ballot.projects)]
        if with_points:
            row.append(",".join(format_number(v) for v in ballot.points or ()))
        if extra_columns:
            row.extend(ballot.extra.get(c, "") for c in extra_columns)
        writer.writerow(row)
    return out.getvalue()
