"""coproduce.pb against pabutools 1.2.3 on every shared pabulib instance, rule by rule.

    python -m benchmarks pb_count                      # every instance and rule (several minutes)
    python -m benchmarks pb_count -- --only Krakow      # instances whose file name contains "Krakow"
    python -m benchmarks pb_count -- --max-voters 20000 # a quicker run; skipped instances are listed
    python -m benchmarks pb_count -- --only Budapest_2024 --rule seq_phragmen   # one rule only
    python -m benchmarks pb_count -- --rule mes_cost_add1 --add1-cap 300     # add1 measured, not capped at 30 s

For each instance and rule it prints pabutools' time, ours and the ratio, checks that both give
the outcome recorded in expected_pabutools.json, then prints the geometric mean of the ratios
(per rule, for the Equal Shares rules, for Phragmén, and overall; over all files and over those
with at least 1,000 voters), a verdict on the 50× target, Kraków 2024's parse time against each
rule's count time, and the peak resident memory (the kernel's high-water mark, VmHWM) of a fresh
process that reads Kraków 2024 and counts it with every rule.

Times are CPU seconds of this process (`time.process_time`), measured for both libraries the
same way, in the same process, one after the other: on a shared, busy machine wall-clock time
is several times longer and varies from run to run, CPU time much less. A call that takes under
50 ms is measured five times and the best kept, under 1 s three times (for both); a call under
about 13 ms is measured as a loop of calls lasting about 20 ms, the loop's average, best of four
loops (decision 0314). Garbage is collected before each measurement, so neither library pays
for the other's. The calls
are exactly those recorded in expected_pabutools.json. pabutools is stopped once it has used
`--enough` times our time (default 1,000×) or `--cap` seconds (`--add1-cap` for the add1 rules,
where pabutools often needs minutes): the ratio is then a lower bound, shown with ">", and the
geometric means that include one are marked "≥". Where the reference run
recorded that pabutools did not finish within 300 s (20 add1 counts), it is not run again
(unless `--rerun-timeouts`): its time counts as "> 300 s, recorded". That is an assumption, not a
measurement: here pabutools finishes 9 of them sooner and takes longer on the others, so the
target is also given without those counts. The target is judged on a run that measures them
(decision 0312), one file at a time: pabutools' add1 takes 20–45 MB more memory per CPU second.
Where there is no reference outcome but pabutools finished, the two outcomes are compared.
pabutools (GPL) is used here only as the reference; coproduce.pb never imports it.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PABULIB = Path(os.environ.get("COPRODUCE_SHARED_DIR", ROOT.parent / "shared")) / "data" / "pabulib"
LARGEST = "Poland_Krakow_2024.pb"
REPEAT_BELOW = 0.05
#: a call shorter than two thirds of this is timed as a loop of calls lasting about this long (`again`)
LOOP = 0.02
LARGE_VOTERS = 1000
#: pabutools' time limit in the reference run (expected_pabutools.json, status "timeout_300s")
RECORDED_LIMIT = 300.0
MES_RULES = ("mes_cost", "mes_card", "mes_cost_add1", "mes_card_add1", "mes_points", "mes_borda")


class _OutOfTime(Exception):
    pass


def limited(call: Callable[[], Any], seconds: float) -> tuple[float, Any, bool]:
    """(CPU seconds, result, finished) of `call`, stopped once it has used `seconds` of CPU time.

    Quick calls are repeated as in `timed`. (A CPU-time alarm, ITIMER_VIRTUAL or ITIMER_PROF,
    would be the natural limit, but on this kernel arming one stops the CPU clock from
    advancing for a while; so a wall-clock alarm wakes up and checks the CPU time used.)
    """
    armed = [True]
    gc.collect()  # not the garbage of the call timed before (the other library's, perhaps stopped midway)
    started = time.process_time()

    def alarm(signum: int, frame: object) -> None:
        if not armed[0]:
            return
        used = time.process_time() - started
        if used >= seconds:
            raise _OutOfTime
        signal.setitimer(signal.ITIMER_REAL, max(0.02, seconds - used))

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    result: Any = None
    finished = False
    try:
        result = call()
        armed[0] = False
        finished = True
    except _OutOfTime:
        pass
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.process_time() - started
    if finished and elapsed < REPEAT_BELOW:
        elapsed = again(call, elapsed, 4)
    elif finished and elapsed < 1.0:
        elapsed = again(call, elapsed, 2)
    return elapsed, result, finished


def timed(call: Callable[[], Any], *, repeats: int = 5, below: float = REPEAT_BELOW) -> tuple[float, Any]:
    """CPU seconds of `call` and its result; a call under `below` seconds is measured again (`again`)."""
    gc.collect()  # not the garbage of the call timed before
    started = time.process_time()
    result = call()
    first = time.process_time() - started
    return (again(call, first, repeats - 1) if first < below else first), result


def again(call: Callable[[], Any], first: float, times: int) -> float:
    """The best of `times` more measurements of `call`, which took `first` CPU seconds once.

    A call shorter than two thirds of `LOOP` seconds is timed as a loop of calls lasting about
    `LOOP` (the number of calls rounded), and a measurement is the loop's average: a single call of a few microseconds is at the mercy of the
    timer and of whatever else the machine does at that moment. A longer call is timed alone,
    and its first time counts too.
    """
    calls = max(1, round(LOOP / max(first, 1e-6)))
    best = first if calls == 1 else math.inf
    for _ in range(times):
        gc.collect()
        started = time.process_time()
        for _ in range(calls):
            call()
        best = min(best, (time.process_time() - started) / calls)
    return best


@dataclass
class Row:
    instance: str
    rule: str
    ours: float
    theirs: float
    finished: bool
    same: bool | None
    recorded: bool | None = None  # pabutools' time is the reference run's record, not measured

    def __post_init__(self) -> None:
        if self.recorded is None:  # rows saved before this field: a record is exactly the limit
            self.recorded = not self.finished and self.theirs == RECORDED_LIMIT

    @property
    def ratio(self) -> float:
        return max(self.theirs, 1e-6) / max(self.ours, 1e-6)


def pabutools_call(rule: str, instance: Any, profile: Any, add1_results: dict[str, Any]) -> Callable[[], Any]:
    """The exact call recorded in expected_pabutools.json for this rule."""
    from pabutools.election import (
        Additive_Borda_Sat,
        Additive_Cardinal_Sat,
        ApprovalBallot,
        ApprovalProfile,
        Cardinality_Sat,
        Cost_Sat,
    )
    from pabutools.rules import (
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    sat = {"cost": Cost_Sat, "card": Cardinality_Sat, "points": Additive_Cardinal_Sat, "borda": Additive_Borda_Sat}
    kind = rule.split("_")[1]
    if rule == "seq_phragmen":
        def phragmen() -> Any:
            approval = profile
            if not isinstance(profile, ApprovalProfile):
                approval = ApprovalProfile([ApprovalBallot(list(b)) for b in profile])
            return sequential_phragmen(instance, approval)
        return phragmen
    if rule.endswith("_then_greedy_cost"):
        base = add1_results[rule.removesuffix("_then_greedy_cost")]
        return lambda: greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                  initial_budget_allocation=base)
    if rule.startswith("greedy_"):
        extra = {"is_sat_additive": True} if kind == "borda" else {}
        return lambda: greedy_utilitarian_welfare(instance, profile, sat_class=sat[kind], **extra)
    if rule.endswith("_add1"):
        return lambda: method_of_equal_shares(instance, profile.as_multiprofile(), sat_class=sat[kind],
                                              voter_budget_increment=1)
    return lambda: method_of_equal_shares(instance, profile, sat_class=sat[kind])


def geometric_mean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summarise(title: str, rows: list[Row]) -> str:
    if not rows:
        return f"{title:<34} (no instances)"
    bound = any(not r.finished for r in rows)
    mean = geometric_mean([r.ratio for r in rows])
    note = f"  ({sum(not r.finished for r in rows)} lower bounds)" if bound else ""
    return f"{title:<34} {'≥' if bound else ' '}{mean:8.1f}×  over {len(rows):3d} counts{note}"


def peak_memory(path: Path, rules: list[str]) -> tuple[float, float, str]:
    """Peak resident memory (MB) of a fresh process that reads `path` and counts it with every rule,
    and the same process's memory after its imports (before reading the file).

    The peak is the kernel's high-water mark of the process's resident set (`VmHWM` in
    /proc/self/status), which starts afresh when the process starts its program. (`ru_maxrss`
    does not: on Linux a child started from this process inherits this process's peak, so it
    would report pabutools' memory rather than ours; it is used only where /proc is missing.)
    """
    code = (
        "import resource, sys\n"
        "def peak():\n"
        "    try:\n"
        "        with open('/proc/self/status') as status:\n"
        "            return next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
        "    except OSError:\n"
        "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "from coproduce.pb import read_pb, count\n"
        "from coproduce.pb.rules import forget\n"
        "base = peak()\n"
        f"election = read_pb({str(path)!r}, check_constraints=False)\n"
        f"for rule in {rules!r}:\n"
        "    forget()\n"
        "    count(election, rule)\n"
        "print(peak(), base)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    if done.returncode != 0:
        return float("nan"), float("nan"), done.stderr.strip().splitlines()[-1] if done.stderr else "failed"
    top, base = map(int, done.stdout.split())
    return top / 1024, base / 1024, ""


def report(rows: list[Row], names: list[str], expected: dict[str, Any], rules: tuple[str, ...], *,
           show_target: bool = True) -> int:
    """Print the geometric means (per rule, per group; all files and files with ≥ 1,000 voters)."""
    print()
    print(f"Geometric mean of pabutools time / coproduce.pb time ({len(names)} instances):")
    for rule in rules:
        print("  " + summarise(rule, [r for r in rows if r.rule == rule]))
    print("  " + summarise("Equal Shares rules (all mes_*)", [r for r in rows if r.rule.startswith("mes_")
                                                              and not r.rule.endswith("_then_greedy_cost")]))
    print("  " + summarise("Equal Shares + Phragmén", [r for r in rows if r.rule in MES_RULES
                                                       or r.rule == "seq_phragmen"]))
    print("  " + summarise("every rule", rows))
    large = {n for n in names if expected.get(n, {}).get("num_voters", 0) >= LARGE_VOTERS}
    print(f"The same, over the {len(large)} instances with at least {LARGE_VOTERS:,} voters "
          "(where counting time matters; on the smallest files both take milliseconds):")
    print("  " + summarise("Equal Shares rules (all mes_*)", [r for r in rows if r.instance in large
                                                              and r.rule.startswith("mes_")
                                                              and not r.rule.endswith("_then_greedy_cost")]))
    print("  " + summarise("Equal Shares + Phragmén", [r for r in rows if r.instance in large
                                                       and (r.rule in MES_RULES or r.rule == "seq_phragmen")]))
    print("  " + summarise("every rule", [r for r in rows if r.instance in large]))
    different = [f"{r.instance} {r.rule}" for r in rows if r.same is False]
    if show_target:
        if different:
            print(f"OUTCOMES DIFFERENT FROM THE REFERENCE: {', '.join(different)}")
        target_verdict(rows, names)
    return 1 if different else 0


def target_verdict(rows: list[Row], names: list[str]) -> None:
    """The 50× target: geometric mean over the Equal Shares rules and Phragmén, and per rule."""
    target_rows = [r for r in rows if r.rule in MES_RULES or r.rule == "seq_phragmen"]
    if target_rows:
        mean = geometric_mean([r.ratio for r in target_rows])
        bound = "≥ " if any(not r.finished for r in target_rows) else ""
        print(f"\nTarget ≥ 50× (geometric mean, Equal Shares rules and Phragmén, {len(names)} instances): "
              f"{bound}{mean:.1f}× — {'met' if mean >= 50 else 'NOT MET'}")
        measured = [r for r in target_rows if not r.recorded]
        if len(measured) < len(target_rows):
            mean = geometric_mean([r.ratio for r in measured])
            bound = "≥ " if any(not r.finished for r in measured) else ""
            print(f"  without the {len(target_rows) - len(measured)} counts whose pabutools time is only the "
                  f"reference run's record (> 300 s there): {bound}{mean:.1f}× over {len(measured)} counts")
        for rule in (*MES_RULES, "seq_phragmen"):
            chosen = [r for r in target_rows if r.rule == rule]
            if chosen:
                bound = "≥ " if any(not r.finished for r in chosen) else ""
                print(f"  {rule:<31} {bound}{geometric_mean([r.ratio for r in chosen]):7.1f}×")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks pb_count", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="only instances whose file name contains TEXT (repeatable)")
    parser.add_argument("--skip", action="append", default=[], metavar="TEXT",
                        help="leave out instances whose file name contains TEXT (repeatable)")
    parser.add_argument("--rule", action="append", default=[], metavar="RULE",
                        help="only this rule (repeatable; default: every rule of expected_pabutools.json)")
    parser.add_argument("--max-voters", type=int, default=0,
                        help="skip instances with more voters (0 = no limit); skipped ones are listed")
    parser.add_argument("--enough", type=float, default=1000.0,
                        help="stop pabutools once it has used this many times our time (0 = never)")
    parser.add_argument("--cap", type=float, default=30.0,
                        help="stop any pabutools call after this many CPU seconds")
    parser.add_argument("--add1-cap", type=float, default=0.0, metavar="SECONDS",
                        help="stop a pabutools add1 count after this many CPU seconds instead (0 = --cap); "
                             "300 is the reference run's own limit")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory measurement")
    parser.add_argument("--save", metavar="FILE", help="also write the rows to FILE (JSON) as they are measured, for --combine")
    parser.add_argument("--combine", nargs="+", metavar="FILE",
                        help="run nothing: print the means over the rows saved by earlier runs (a later "
                             "file's row for the same instance and rule replaces an earlier one)")
    parser.add_argument("--rerun-timeouts", action="store_true",
                        help="also run pabutools where the reference run gave up after 300 s (otherwise "
                             "those count as '> 300 s, recorded')")
    args = parser.parse_args(argv or [])
    for option, value in (("--cap", args.cap), ("--add1-cap", args.add1_cap), ("--enough", args.enough)):
        if value < 0:
            parser.error(f"{option} must be 0 or more, not {value:g}")

    from pabutools.election.pabulib import parse_pabulib

    from coproduce.pb import RULES, count, read_pb
    from coproduce.pb.rules import forget

    def count_afresh(election: Any, rule: str) -> Any:
        forget()  # a *_then_greedy_cost count would otherwise reuse the add1 count just timed
        return count(election, rule)

    expected = json.loads((PABULIB / "expected_pabutools.json").read_text(encoding="utf-8"))["instances"]
    if args.combine:
        saved: dict[tuple[str, str], Row] = {}
        for file in args.combine:
            try:
                items = json.loads(Path(file).read_text(encoding="utf-8"))
                found = [Row(**item) for item in items]
            except (OSError, ValueError, TypeError) as problem:
                print(f"--combine {file}: not rows saved by --save ({problem})", file=sys.stderr)
                return 2
            for row in found:
                saved[(row.instance, row.rule)] = row
        combined = list(saved.values())
        print(f"{len(combined)} rows from {len(args.combine)} file(s)")
        return report(combined, sorted({r.instance for r in combined}), expected, RULES)
    names = sorted(expected, key=lambda n: expected[n]["num_voters"] * expected[n]["num_projects"])
    if args.only:
        names = [n for n in names if any(text in n for text in args.only)]
    names = [n for n in names if not any(text in n for text in args.skip)]
    skipped = [n for n in names if args.max_voters and expected[n]["num_voters"] > args.max_voters]
    names = [n for n in names if n not in skipped]

    rows: list[Row] = []
    parse_times: dict[str, tuple[float, float]] = {}
    largest_counts: dict[str, float] = {}
    mismatches: list[str] = []
    started = time.perf_counter()
    print(f"{'instance':<44} {'rule':<31} {'pabutools s':>11} {'ours s':>9} {'ratio':>9}  outcome")
    for name in names:
        path = PABULIB / name
        ours_parse, loaded = timed(lambda path=path: read_pb(path, check_constraints=False), repeats=3)
        election = loaded
        theirs_parse, (instance, profile) = timed(lambda path=path: parse_pabulib(str(path)), repeats=1)
        parse_times[name] = (theirs_parse, ours_parse)
        add1_results: dict[str, Any] = {}
        add1_seconds: dict[str, float] = {}
        for rule, reference in expected[name]["rules"].items():
            if rule not in RULES or (args.rule and rule not in args.rule):
                continue
            # the same rule for both libraries: best of five under 50 ms (of four 20 ms loops under
            # about 13 ms), of three under 1 s
            ours, outcome = timed(lambda rule=rule, election=election: count_afresh(election, rule))
            if REPEAT_BELOW <= ours < 1.0:
                ours = again(lambda rule=rule, election=election: count_afresh(election, rule), ours, 2)
            if name == LARGEST:
                largest_counts[rule] = ours
            recorded = reference["status"] != "ok" and not args.rerun_timeouts
            if recorded:  # pabutools did not finish in 300 s in the reference run: not run again
                theirs, result, finished, limit = RECORDED_LIMIT, None, False, RECORDED_LIMIT
            elif rule.endswith("_then_greedy_cost") and rule.removesuffix("_then_greedy_cost") not in add1_results:
                theirs, finished, result = math.inf, False, None  # the add1 stage did not finish
                limit = add1_seconds.get(rule.removesuffix("_then_greedy_cost"), 0.0)
            else:
                cap = args.add1_cap if args.add1_cap and rule.endswith("_add1") else args.cap
                budget = cap if not args.enough else min(cap, max(0.5, args.enough * ours))
                theirs, result, finished = limited(pabutools_call(rule, instance, profile, add1_results), budget)
                if rule.endswith("_then_greedy_cost"):  # pabutools: add1, then the greedy completion
                    theirs += add1_seconds[rule.removesuffix("_then_greedy_cost")]
                limit = theirs
            if rule.endswith("_add1"):
                add1_seconds[rule] = theirs
                if finished:
                    add1_results[rule] = result
            if not finished:
                theirs = limit
            same: bool | None = None
            if reference["status"] == "ok":
                selected = sorted(outcome.selected) if rule == "seq_phragmen" else list(outcome.selected)
                same = selected == reference["selected"]
            if finished and result is not None:
                same = same is not False and sorted(p.name for p in result) == sorted(outcome.selected)
            if same is False:
                mismatches.append(f"{name} {rule}")
            row = Row(name, rule, ours, theirs, finished, same, recorded)
            rows.append(row)
            if args.save:  # after every row, so that a run stopped early keeps what it measured
                Path(args.save).write_text(json.dumps([vars(r) for r in rows], indent=0), encoding="utf-8")
            shown = f"{theirs:11.3f}" if finished else f">{theirs:10.2f}"
            if recorded:
                shown = f">{theirs:6.0f} rec."
            ratio = f"{row.ratio:9.1f}" if finished else f">{row.ratio:8.1f}"
            verdict = {True: "same", False: "DIFFERENT", None: "(no reference)"}[same]
            print(f"{name[:44]:<44} {rule:<31} {shown} {ours:9.4f} {ratio}  {verdict}", flush=True)
        del instance, profile, election, add1_results
        gc.collect()

    status = report(rows, names, expected, RULES, show_target=False)
    if skipped:
        print(f"Skipped ({len(skipped)}, more than {args.max_voters} voters): {', '.join(skipped)}")
    if mismatches:
        print(f"OUTCOMES DIFFERENT FROM THE REFERENCE: {', '.join(mismatches)}")
    else:
        print("Every outcome equals the reference (expected_pabutools.json) and pabutools' own run.")

    if LARGEST in parse_times:
        theirs_parse, ours_parse = parse_times[LARGEST]
        slowest = max(largest_counts, key=lambda r: largest_counts[r])
        print(f"\n{LARGEST}: parse {ours_parse:.3f} s (pabutools {theirs_parse:.3f} s); counting, per rule:")
        for rule, seconds in largest_counts.items():
            print(f"  {rule:<31} {seconds:7.3f} s = {seconds / ours_parse:4.2f} × parse")
        print(f"  slowest: {slowest}, {largest_counts[slowest] / ours_parse:.2f} × the parse time (target ≤ 2)")
        if not args.no_memory:
            megabytes, base, problem = peak_memory(PABULIB / LARGEST, list(largest_counts))
            print(f"  peak memory (resident, high-water mark) of a fresh process reading it and counting it "
                  f"with every rule: {megabytes:.0f} MB, of which {base:.0f} MB is Python and the imports "
                  f"(target < 500 MB) {problem}".rstrip())
    target_verdict(rows, names)
    print(f"\nbenchmark wall time {time.perf_counter() - started:.0f} s; "
          f"peak memory of this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    return 1 if mismatches or status else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
