"""coproduce.sortition's LEXIMIN against sortition-algorithms' MAXIMIN on HiGHS, on every shared pool.

    python -m benchmarks sortition_bench                       # every instance (a few minutes)
    python -m benchmarks sortition_bench -- --only geneva_30    # instances whose name contains "geneva_30"
    python -m benchmarks sortition_bench -- --cap 120           # stop the reference after 120 s

For each instance of ../shared/data/sortition it runs our LEXIMIN and the reference package's
best open-source algorithm, MAXIMIN with the `highspy` backend (its LEXIMIN needs the commercial
Gurobi), one after the other in the same run, and prints both times, the ratio (theirs ÷ ours)
and both minimum selection probabilities. LEXIMIN does strictly more work than MAXIMIN (MAXIMIN
is its first level), so the target is a ratio above 1 everywhere.

Each algorithm runs in a child process of its own (`--child`), so neither pays for the other's
imports or memory; the time measured is the call alone (reading the files is excluded, the
same for both). Wall-clock seconds and CPU seconds of the child are both shown: on a shared,
busy 2-core machine wall time varies from run to run, CPU time much less. The reference is
stopped after `--cap` seconds of wall-clock time (its ratio is then a lower bound, shown as ">",
and its CPU time is not known).
sortition-algorithms (GPL) is used here only as the reference; coproduce.sortition never
imports it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("COPRODUCE_SHARED_DIR", ROOT.parent / "shared")) / "data" / "sortition"
#: Marks the number-by-line id column added to files that have none.
ROW_ID = "#line"


@dataclass(frozen=True)
class Case:
    name: str
    quotas: str
    people: str
    id_column: str
    size: int


CASES = (
    Case("example_small_20", "categories.csv", "respondents.csv", ROW_ID, 20),
    Case("opendlp_monitoring_30", "categories.csv", "respondents.csv", "unique_id", 30),
    Case("sf_fixture_scotland_22", "features.csv", "candidates.csv", "nationbuilder_id", 22),
    Case("geneva_30", "categories.csv", "respondents.csv", "pool_member_identifier", 30),
    Case("example_large_200", "categories.csv", "respondents.csv", ROW_ID, 200),
)


def _ours(case: Case) -> dict[str, Any]:
    import random

    from coproduce.sortition import read_people_csv, read_quotas_csv, select

    folder = DATA / case.name
    quotas = read_quotas_csv(folder / case.quotas)
    people = read_people_csv(folder / case.people, quotas=quotas, id_column=case.id_column)
    wall, cpu = time.perf_counter(), time.process_time()
    selection = select(people, quotas, case.size, algorithm="leximin", rng=random.Random(0))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": wall, "cpu": cpu, "min": selection.min_probability,
            "panels": selection.panels_in_distribution, "levels": selection.stats.levels,
            "oracle_calls": selection.stats.oracle_calls, "lp_solves": selection.stats.lp_solves}


def _theirs(case: Case) -> dict[str, Any]:
    from sortition_algorithms import Settings, read_in_features, read_in_people
    from sortition_algorithms.committee_generation.maximin import find_distribution_maximin

    folder = DATA / case.name
    with open(folder / case.quotas, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    head = list(rows[0])
    if "category" in head and "feature" in head and "value" not in head:
        # The Nature replication header (category = feature, feature = value): renamed, as the
        # package asks.
        rename = {"category": "feature", "feature": "value"}
        head = [rename.get(h, h) for h in head]
        rows = [{rename.get(k, k): v for k, v in row.items()} for row in rows]
    features, feature_column, _ = read_in_features(head, rows, case.size)
    with open(folder / case.people, encoding="utf-8-sig", newline="") as handle:
        people_rows = list(csv.DictReader(handle))
    id_column = case.id_column
    if id_column == ROW_ID:
        id_column = "row_id"
        people_rows = [{id_column: str(number), **row} for number, row in enumerate(people_rows, start=2)]
    settings = Settings(id_column=id_column, columns_to_keep=[])
    people, _ = read_in_people(list(people_rows[0]), people_rows, features, settings, feature_column)
    wall, cpu = time.perf_counter(), time.process_time()
    committees, probabilities, _ = find_distribution_maximin(features, people, case.size, [], "highspy")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    chance = dict.fromkeys(people, 0.0)
    for committee, p in zip(committees, probabilities, strict=True):
        for person in committee:
            chance[person] += p
    return {"wall": wall, "cpu": cpu, "min": min(chance.values()), "panels": len(committees)}


def _child(which: str, name: str) -> int:
    case = next(c for c in CASES if c.name == name)
    result = (_ours if which == "ours" else _theirs)(case)
    print(json.dumps(result))
    return 0


def _run(which: str, case: Case, cap: float) -> dict[str, Any] | None:
    """The child's measurement, or None if it ran out of time."""
    command = [sys.executable, "-m", "benchmarks.sortition_bench", "--child", which, case.name]
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=cap, check=False)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(f"{which} on {case.name} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks sortition_bench",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only instances whose name contains TEXT (repeatable)")
    parser.add_argument("--cap", type=float, default=900.0,
                        help="seconds after which the reference is stopped (default 900)")
    parser.add_argument("--child", nargs=2, metavar=("WHICH", "INSTANCE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv or [])
    if args.child:
        return _child(*args.child)
    if not DATA.is_dir():
        print(f"no shared sortition data at {DATA}: nothing to measure", file=sys.stderr)
        return 1
    cases = [c for c in CASES if not args.only or any(text in c.name for text in args.only)]
    print("instance                 n     k  | ours LEXIMIN wall s (cpu s) | theirs MAXIMIN wall s (cpu s) "
          "| ratio wall (cpu) | min ours | min theirs")
    status = 0
    for case in cases:
        with open(DATA / case.name / case.people, encoding="utf-8-sig") as handle:
            n = sum(1 for line in handle if line.strip()) - 1
        ours = _run("ours", case, 3600.0)
        theirs = _run("theirs", case, args.cap)
        assert ours is not None
        if theirs is None:
            their_text = f">{args.cap:.0f} (stopped)".rjust(29)
            ratio = f">{args.cap / ours['wall']:.0f} (–)".rjust(16)
            their_min = "–"
        else:
            their_text = f"{theirs['wall']:9.2f} ({theirs['cpu']:8.2f})".rjust(29)
            ratio = f"{theirs['wall'] / ours['wall']:6.1f} ({theirs['cpu'] / ours['cpu']:6.1f})".rjust(16)
            their_min = f"{theirs['min']:.4%}"
            if theirs["wall"] <= ours["wall"]:
                status = 1
        print(f"{case.name:<22} {n:5d} {case.size:4d}  | {ours['wall']:13.2f} ({ours['cpu']:8.2f})"
              f"{'':6} | {their_text} | {ratio} | {ours['min']:.4%} | {their_min:>9}", flush=True)
        print(f"{'':30}ours: {ours['levels']} levels, {ours['oracle_calls']} integer programs, "
              f"{ours['lp_solves']} LP solves, {ours['panels']} panels in the lottery", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
