"""Reading the postcode → neighbourhood CSV and finding every problem in it before anything is written.

The format (documented in docs/places.md): UTF-8, a header row with the columns `postcode` and
`neighbourhood` (the neighbourhood's slug) and, optionally, `ward_gss` (the ward's E05 code, to
catch a postcode put in a neighbourhood of the wrong ward). Line numbers are the file's own,
counting the header as line 1.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Neighbourhood
from .postcodes import normalise_postcode

REQUIRED_COLUMNS = ("postcode", "neighbourhood")
OPTIONAL_COLUMNS = ("ward_gss",)


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class PostcodeFile:
    rows: list[tuple[str, Neighbourhood]]
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return not self.problems


def _decode(content: bytes) -> tuple[str, list[RowProblem]]:
    problems = []
    lines = content.split(b"\n")
    for number, line in enumerate(lines, start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(RowProblem(number, _(
                "this line is not UTF-8 text (byte 0x%(byte)02X at character %(position)s). "
                "Save the file as “CSV UTF-8” and try again."
            ) % {"byte": line[error.start], "position": error.start + 1}))
    text = content.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff"), problems


def postcode_rows_read(content: bytes) -> PostcodeFile:
    """Check the whole file. Returns the good rows, or every problem found (with line numbers)."""
    text, problems = _decode(content)
    if problems:
        # A file in another encoding is wrong throughout: the undecodable lines say enough.
        return PostcodeFile(rows=[], problems=problems)
    if not text.strip():
        return PostcodeFile(rows=[], problems=[RowProblem(1, _(
            "the file is empty. It needs a header row “postcode,neighbourhood” and one row per postcode."
        ))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().lower() for column in next(reader)]
    except csv.Error as error:
        return PostcodeFile(rows=[], problems=[RowProblem(1, _("the header row cannot be read: %(error)s") % {"error": error})])
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return PostcodeFile(rows=[], problems=[RowProblem(1, _(
            "the header row has no %(missing)s column. It has: %(found)s. The header must be “postcode,neighbourhood”."
        ) % {"missing": _(" or ").join(f"“{m}”" for m in missing), "found": ", ".join(f"“{h}”" for h in header) or _("nothing")})])
    duplicated = sorted({column for column in header if column and header.count(column) > 1})
    if duplicated:
        return PostcodeFile(rows=[], problems=[RowProblem(1, _("the header row has the column %(columns)s more than once.") % {
            "columns": ", ".join(f"“{c}”" for c in duplicated)})])
    at = {column: header.index(column) for column in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS) if column in header}

    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.select_related("ward")}
    rows: list[tuple[str, Neighbourhood]] = []
    first_seen: dict[str, int] = {}
    problems = []
    data_rows = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(RowProblem(reader.line_num, _("this row cannot be read: %(error)s") % {"error": error}))
            continue
        line = reader.line_num
        if not fields or all(not f.strip() for f in fields):
            continue  # blank lines are harmless
        data_rows += 1
        if len(fields) != len(header):
            problems.append(RowProblem(line, _("expected %(expected)s columns, like the header, but found %(found)s.") % {
                "expected": len(header), "found": len(fields)}))
            continue
        typed_postcode = fields[at["postcode"]].strip()
        slug = fields[at["neighbourhood"]].strip()
        postcode = normalise_postcode(typed_postcode)
        if not typed_postcode:
            problems.append(RowProblem(line, _("the postcode is missing.")))
        elif not postcode:
            problems.append(RowProblem(line, _("“%(value)s” is not a UK postcode, like SE11 5QY.") % {"value": typed_postcode}))
        elif postcode in first_seen:
            problems.append(RowProblem(line, _("the postcode %(postcode)s is already on line %(first)s.") % {
                "postcode": postcode, "first": first_seen[postcode]}))
        else:
            first_seen[postcode] = line
        neighbourhood = neighbourhoods.get(slug)
        if not slug:
            problems.append(RowProblem(line, _("the neighbourhood is missing.")))
        elif neighbourhood is None:
            problems.append(RowProblem(line, _(
                "there is no neighbourhood “%(slug)s”. Use the neighbourhood's short name from its web address, like %(example)s."
            ) % {"slug": slug, "example": next(iter(neighbourhoods), "north-estate")}))
        if "ward_gss" in at and neighbourhood is not None:
            ward_gss = fields[at["ward_gss"]].strip().upper()
            if ward_gss and ward_gss != neighbourhood.ward.gss_code:
                problems.append(RowProblem(line, _(
                    "the neighbourhood “%(slug)s” is in ward %(actual)s (%(ward)s), not %(given)s."
                ) % {"slug": slug, "actual": neighbourhood.ward.gss_code, "ward": neighbourhood.ward.name, "given": ward_gss}))
        if postcode and neighbourhood is not None and not problems_on(problems, line):
            rows.append((postcode, neighbourhood))
    if not data_rows and not problems:
        problems.append(RowProblem(1, _("the file has a header row but no postcodes.")))
    return PostcodeFile(rows=rows if not problems else [], problems=problems)


def problems_on(problems: list[RowProblem], line: int) -> bool:
    return bool(problems) and problems[-1].line == line
