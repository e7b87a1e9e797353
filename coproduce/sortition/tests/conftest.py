"""Fixtures for coproduce.sortition tests: the shared pools and an independent lottery check.

The shared instances live in `../shared/data/sortition` (see its SOURCES.md); tests that need
them skip with a reason when it is absent. `check_lottery` checks a selection with plain
Python over the raw CSV rows, without the library's readers or solvers.
"""

from __future__ import annotations

import csv
import functools
import os
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from coproduce.sortition import Selection, read_people_csv, read_quotas_csv, select

ROOT = Path(__file__).resolve().parents[3]
SORTITION = Path(os.environ.get("COPRODUCE_SHARED_DIR", ROOT.parent / "shared")) / "data" / "sortition"
REFERENCE = SORTITION / "reference_figures"
ROW_ID = "#line"


@dataclass(frozen=True)
class Case:
    name: str
    quotas: str
    people: str
    id_column: str
    size: int


CASES = {
    case.name: case for case in (
        Case("example_small_20", "categories.csv", "respondents.csv", ROW_ID, 20),
        Case("opendlp_monitoring_30", "categories.csv", "respondents.csv", "unique_id", 30),
        Case("sf_fixture_scotland_22", "features.csv", "candidates.csv", "nationbuilder_id", 22),
        Case("geneva_30", "categories.csv", "respondents.csv", "pool_member_identifier", 30),
        Case("example_large_200", "categories.csv", "respondents.csv", ROW_ID, 200),
    )
}


def need_shared() -> None:
    if not SORTITION.is_dir():
        pytest.skip(f"shared sortition data not found at {SORTITION} (set COPRODUCE_SHARED_DIR)")


@dataclass(frozen=True)
class RawInstance:
    """An instance read with the csv module only: people's answers and the quota bounds."""

    answers: Mapping[str, Mapping[str, str]]  # id -> feature -> value (case-folded)
    bounds: Mapping[tuple[str, str], tuple[int, int]]  # (feature, value), case-folded -> (min, max)
    size: int


def raw_instance(name: str) -> RawInstance:
    need_shared()
    case = CASES[name]
    folder = SORTITION / name
    with open(folder / case.quotas, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    if "value" in header:
        feature_key, value_key = "feature", "value"
    elif "feature" in header:
        feature_key, value_key = "category", "feature"
    else:
        feature_key, value_key = "category", "name"
    bounds = {(r[feature_key].strip().casefold(), r[value_key].strip().casefold()): (int(r["min"]), int(r["max"]))
              for r in rows}
    features = {f for f, _ in bounds}
    with open(folder / case.people, encoding="utf-8-sig", newline="") as handle:
        people = list(csv.DictReader(handle))
    answers = {}
    for line, row in enumerate(people, start=2):
        pid = str(line) if case.id_column == ROW_ID else row[case.id_column].strip()
        folded = {k.strip().casefold(): v.strip().casefold() for k, v in row.items()}
        answers[pid] = {f: folded[f] for f in features}
    return RawInstance(answers=answers, bounds=bounds, size=case.size)


@functools.cache
def solved(name: str, algorithm: str = "leximin", seed: int = 0) -> Selection:
    """A shared instance solved once per test process."""
    need_shared()
    case = CASES[name]
    folder = SORTITION / name
    quotas = read_quotas_csv(folder / case.quotas)
    people = read_people_csv(folder / case.people, quotas=quotas, id_column=case.id_column)
    return select(people, quotas, case.size, algorithm=algorithm, rng=random.Random(seed))


def check_panel(panel: frozenset[str], raw: RawInstance, households: Mapping[str, str] | None = None) -> None:
    """Assert that `panel` has the right size and meets every quota and the household rule."""
    assert len(panel) == raw.size, f"a panel of {len(panel)} people, not {raw.size}"
    assert panel <= raw.answers.keys(), "a panel has someone from outside the pool"
    counts = Counter((f, v) for person in panel for f, v in raw.answers[person].items())
    for key, (low, high) in raw.bounds.items():
        assert low <= counts[key] <= high, f"{key}: {counts[key]} not within [{low}, {high}]"
    if households:
        homes = [households[person] for person in panel if households.get(person)]
        assert len(homes) == len(set(homes)), "two people from one household on a panel"


def check_lottery(selection: Selection, raw: RawInstance, households: Mapping[str, str] | None = None,
                  *, exact: bool = True) -> None:
    """Assert that `selection` is a valid lottery for `raw`, recomputing everything.

    With `exact` (LEXIMIN, MAXIMIN) the drawn panel is one of the lottery's and everyone's
    probability is the sum over the panels that include them; LEGACY's distribution is an
    estimate from further runs, so its drawn panel need not be among them.
    """
    assert selection.distribution, "the lottery is empty"
    total = 0.0
    chance: dict[str, float] = {}
    for panel, p in selection.distribution:
        assert p > 0
        total += p
        check_panel(panel, raw, households)
        for person in panel:
            chance[person] = chance.get(person, 0.0) + p
    assert total == pytest.approx(1.0, abs=1e-9)
    assert sum(selection.probabilities.values()) == pytest.approx(raw.size, abs=1e-6)
    assert set(selection.probabilities) == set(raw.answers)
    for person, p in selection.probabilities.items():
        assert chance.get(person, 0.0) == pytest.approx(p, abs=1e-9)
    check_panel(selection.panel, raw, households)
    if exact:
        assert selection.panel in {panel for panel, _ in selection.distribution}
