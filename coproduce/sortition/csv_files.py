"""Reading pools and quotas from CSV files, with line numbers in every complaint.

Quotas: one row per feature value, with a header naming the columns. Accepted headers:

- ``feature,value,min,max`` (ours and sortition-algorithms');
- ``category,feature,min,max`` (the Nature 2021 replication data: category = feature,
  feature = value);
- ``category,name,min,max`` (sortition-algorithms' older style, used by OpenDLP).

Other columns (``min_flex``, ``suggest min``…) are ignored. People: one row per person, an id
column (``id`` unless named otherwise) and one column per quota feature; other columns are
ignored. Names and answers are matched ignoring case and surrounding spaces. Files are UTF-8
(a byte-order mark is fine). Line numbers are the file's own (line 1 is the header).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from coproduce.sortition.errors import BadInputError, InputProblem
from coproduce.sortition.instance import normal
from coproduce.sortition.model import Person, Quota

ROW_ID = "#line"


def _rows(source: Path | str, text: str | None) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank row; reads the file unless `text` is given."""
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise BadInputError([InputProblem("the file does not exist", str(source))]) from None
        except UnicodeDecodeError:
            raise BadInputError([InputProblem("the file is not UTF-8 text (save it as CSV UTF-8)",
                                              str(source))]) from None
        except OSError as error:
            raise BadInputError([InputProblem(f"the file cannot be read ({error.strerror})",
                                              str(source))]) from None
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    line = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield line, cells
            line = reader.line_num + 1
    except csv.Error as error:
        raise BadInputError([InputProblem(f"this is not valid CSV ({error})", str(source),
                                          reader.line_num)]) from None


def _whole_number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return None


def _open(source: Path | str, text: str | None, label: str, what: str
          ) -> tuple[Iterator[tuple[int, list[str]]], int, list[str], list[str], dict[str, int]]:
    """The rows after the header, the header's line number, the header as written, its normalised
    column names, and the position of each name (the first, when a name repeats)."""
    rows = _rows(source, text)
    first = next(rows, None)
    if first is None:
        raise BadInputError([InputProblem(f"the {what} file is empty", label, 1)])
    header_line, header = first
    columns = [normal(h) for h in header]
    index = {c: i for i, c in reversed(list(enumerate(columns)))}
    return rows, header_line, header, columns, index


def read_quotas_csv(source: Path | str, *, text: str | None = None, name: str | None = None) -> list[Quota]:
    """Quotas from a CSV file (or from `text`, reported as `name`). Raises `BadInputError`."""
    label = name or Path(source).name
    rows, header_line, header, columns, index = _open(source, text, label, "quotas")

    def find(*names: str) -> int | None:
        return next((index[n] for n in names if n in index), None)

    value_col = find("value", "category value", "category_value", "category-value")
    if value_col is not None:
        feature_col = find("feature", "category")
    elif "category" in index and "feature" in index:
        feature_col, value_col = index["category"], index["feature"]
    else:
        feature_col, value_col = find("category"), find("name")
    min_col, max_col = find("min"), find("max")
    if None in (feature_col, value_col, min_col, max_col):
        raise BadInputError([InputProblem(
            "the header must name the columns feature,value,min,max (or category,feature,min,max as in "
            f"the Nature replication data); it has: {', '.join(h.strip() for h in header)}", label, header_line)])
    assert feature_col is not None and value_col is not None and min_col is not None and max_col is not None
    problems: list[InputProblem] = []
    quotas: list[Quota] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        feature, value = cells[feature_col].strip(), cells[value_col].strip()
        low_text, high_text = cells[min_col], cells[max_col]
        low, high = _whole_number(low_text), _whole_number(high_text)
        row_problems = []
        if not feature:
            row_problems.append("the feature is empty")
        if not value:
            row_problems.append("the value is empty")
        if low is None:
            row_problems.append(f"min is '{low_text.strip()}', not a whole number of 0 or more")
        if high is None:
            row_problems.append(f"max is '{high_text.strip()}', not a whole number of 0 or more")
        if low is not None and high is not None and low > high:
            row_problems.append(f"min {low} is more than max {high}")
        key = (normal(feature), normal(value))
        if feature and value and key in seen:
            row_problems.append(f"{feature} '{value}' is already on line {seen[key]}")
        problems.extend(InputProblem(p, label, line) for p in row_problems)
        if row_problems:
            continue
        assert low is not None and high is not None
        seen[key] = line
        quotas.append(Quota(feature=feature, value=value, min=low, max=high))
    if not quotas and not problems:
        problems.append(InputProblem("the quotas file has a header but no quota rows", label, header_line))
    if problems:
        raise BadInputError(problems)
    return quotas


def read_people_csv(source: Path | str, *, quotas: Sequence[Quota] | None = None, id_column: str = "id",
                    household_columns: Sequence[str] = (), text: str | None = None,
                    name: str | None = None) -> list[Person]:
    """People from a CSV file (or from `text`, reported as `name`). Raises `BadInputError`.

    With `quotas`, every quota feature must be a column and every answer one of its values.
    `id_column="#line"` numbers people by their line in the file (for files with no id column,
    like the Nature replication data). People whose `household_columns` (e.g. address and
    postcode) are all equal, ignoring case and spaces, share a household; blank means none.
    """
    label = name or Path(source).name
    rows, header_line, header, columns, index = _open(source, text, label, "people")
    problems: list[InputProblem] = []
    id_col: int | None = None
    if id_column != ROW_ID:
        id_col = index.get(normal(id_column))
        if id_col is None:
            problems.append(InputProblem(
                f"there is no '{id_column}' column; name the id column (--id-column), or number people by "
                f"their line with --id-column '{ROW_ID}'", label, header_line))
    house_cols = []
    for column in household_columns:
        if normal(column) not in index:
            problems.append(InputProblem(f"there is no household column '{column}'", label, header_line))
        else:
            house_cols.append(index[normal(column)])
    values: dict[str, dict[str, str]] = {}
    feature_cols: dict[str, int] = {}
    feature_names: dict[str, str] = {}
    if quotas is not None:
        for quota in quotas:
            key = normal(quota.feature)
            values.setdefault(key, {})[normal(quota.value)] = quota.value
            feature_names.setdefault(key, quota.feature)
        for key, feature in feature_names.items():
            if key not in index:
                problems.append(InputProblem(f"there is no column for the quota feature '{feature}'",
                                             label, header_line))
            else:
                feature_cols[key] = index[key]
    else:
        skip = {id_col, *house_cols}
        feature_cols = {columns[i]: i for i in range(len(header)) if i not in skip and columns[i]}
        feature_names = {columns[i]: header[i].strip() for i in feature_cols.values()}
    if problems:
        raise BadInputError(problems)
    people: list[Person] = []
    seen: dict[str, int] = {}
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        person_id = str(line) if id_col is None else cells[id_col].strip()
        if not person_id:
            problems.append(InputProblem("the id is empty", label, line))
            continue
        if person_id in seen:
            problems.append(InputProblem(f"the id '{person_id}' is already used on line {seen[person_id]}",
                                         label, line))
            continue
        seen[person_id] = line
        answers: dict[str, str] = {}
        for key, position in feature_cols.items():
            answer = cells[position].strip()
            if quotas is not None:
                if not answer:
                    problems.append(InputProblem(f"the answer for {feature_names[key]} is empty", label, line))
                    continue
                if normal(answer) not in values[key]:
                    known = ", ".join(values[key].values())
                    problems.append(InputProblem(
                        f"{feature_names[key]} is '{answer}', which has no quota (the quotas are for: {known})",
                        label, line))
                    continue
                answer = values[key][normal(answer)]
            answers[feature_names[key]] = answer
        household = "|".join(normal(cells[c]) for c in house_cols) if house_cols else ""
        if house_cols and not any(normal(cells[c]) for c in house_cols):
            household = ""
        people.append(Person(id=person_id, features=answers, household=household or None))
    if not people and not problems:
        problems.append(InputProblem("the people file has a header but nobody in it", label, header_line))
    if problems:
        raise BadInputError(problems)
    return people
