"""`coproduce pb`: count, explain and check participatory-budgeting `.pb` files.

    coproduce pb count FILE.pb --rule mes_cost_add1 [--json]
    coproduce pb explain FILE.pb --rule mes_cost_add1 --project 12
    coproduce pb validate FILE.pb

A file with an error (a missing section, a vote for an unknown project, a bad cost, a ballot
breaking the file's own rules…) gets a message naming the line, and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import TextIO

from coproduce.pb.election import Election
from coproduce.pb.errors import PbError
from coproduce.pb.explain import explain, money
from coproduce.pb.outcome import Outcome
from coproduce.pb.pabulib import parse_pb, read_pb_text, validate_pb
from coproduce.pb.rules import DESCRIPTIONS, RULES, count

PROG = "coproduce pb"
BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors through an exception instead of exiting the process."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def _parser() -> argparse.ArgumentParser:
    rules_help = "; ".join(f"{name}: {text}" for name, text in DESCRIPTIONS.items())
    parser = _Parser(prog=PROG, description="Count, explain and check participatory-budgeting .pb files "
                                           "(the pabulib format).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def add_file(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("file", metavar="FILE.pb", help="a pabulib .pb file")

    def add_leniency(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--ignore-constraints", action="store_true",
                         help="count ballots that break the file's own META rules (such as max_length), "
                              "as other counting tools do; they are errors otherwise")

    count_cmd = commands.add_parser("count", help="count the votes with a rule",
                                    description="Count the votes in FILE.pb with RULE and print the projects "
                                                "chosen, in the order the rule chose them.")
    add_file(count_cmd)
    count_cmd.add_argument("--rule", required=True, choices=RULES, metavar="RULE", help=f"one of: {rules_help}")
    count_cmd.add_argument("--json", action="store_true",
                           help='print {"rule", "selected", "cost", "budget", "exhaustive", "seconds"} as JSON')
    count_cmd.add_argument("--no-exhaustive-stop", action="store_true",
                           help="add1 rules: keep raising the voters' shares until the next step would "
                                "overspend, instead of stopping at the first outcome that uses the budget up")
    add_leniency(count_cmd)

    explain_cmd = commands.add_parser("explain", help="explain why a project won or lost",
                                      description="Count FILE.pb with RULE and tell the story of one project "
                                                  "in plain English.")
    add_file(explain_cmd)
    explain_cmd.add_argument("--rule", required=True, choices=RULES, metavar="RULE", help=f"one of: {rules_help}")
    explain_cmd.add_argument("--project", required=True, metavar="ID", help="the project_id to explain")
    add_leniency(explain_cmd)

    validate_cmd = commands.add_parser("validate", help="check a file and list every problem with its line",
                                       description="Check FILE.pb against the pabulib format and its own ballot "
                                                   "rules. Exit code 0 if it can be counted, 2 if it has errors.")
    add_file(validate_cmd)
    validate_cmd.add_argument("--json", action="store_true", help="print the problems as a JSON list")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run `coproduce pb ARGS`; returns the exit code (2 for bad input). Never raises."""
    out = out or sys.stdout
    err = err or sys.stderr
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err  # argparse writes help and usage errors here
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
        if args.command == "validate":
            return _validate(args.file, args.json, out)
        if args.command == "count":
            return _count(args, out)
        return _explain(args, out)
    except _Exit as stop:
        return stop.status
    except PbError as problem:
        err.write(f"{PROG}: {problem}\n")
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as bug:  # a defect in coproduce.pb: say so plainly, without a traceback
        err.write(f"{PROG}: internal error ({type(bug).__name__}: {bug}); please report it with the file\n")
        return 1
    finally:
        sys.stdout, sys.stderr = saved


def _load(path: str, ignore_constraints: bool) -> Election:
    return parse_pb(read_pb_text(path), source=path, check_constraints=not ignore_constraints)


def _count(args: argparse.Namespace, out: TextIO) -> int:
    election = _load(args.file, args.ignore_constraints)
    started = time.perf_counter()
    outcome = count(election, args.rule, stop_when_exhaustive=not args.no_exhaustive_stop)
    seconds = time.perf_counter() - started
    if args.json:
        json.dump({**outcome.to_json(), "seconds": round(seconds, 6)}, out)
        out.write("\n")
    else:
        out.write(_table(outcome, election, seconds))
    return 0


def _table(outcome: Outcome, election: Election, seconds: float) -> str:
    currency = election.currency
    names = {p.id: p.name for p in election.projects}
    costs = election.costs()
    spent = float(outcome.cost)
    share = f" ({spent / float(outcome.budget):.1%})" if outcome.budget else ""
    lines = [
        f"Rule: {outcome.rule} — {DESCRIPTIONS[outcome.rule]}",
        f"Budget: {money(outcome.budget, currency)}; spent {money(outcome.cost, currency)}{share}; "
        f"{'no project left fits' if outcome.exhaustive else 'some unchosen project would still fit'}",
        f"Chosen: {len(outcome.selected)} of {len(election.projects)} projects, in the order chosen"
        f" ({election.num_voters:,} voters; counted in {seconds:.3f} s)",
    ]
    if outcome.voter_budget is not None:
        lines.append(f"Each voter's share of the budget: {money(outcome.voter_budget, currency)}")
    rows = [("#", "project", "cost", "name")]
    rows += [(str(i), pid, money(costs[pid], currency), names.get(pid, ""))
             for i, pid in enumerate(outcome.selected, 1)]
    widths = [max(len(row[c]) for row in rows) for c in range(3)]
    lines.append("")
    for row in rows:
        lines.append(f"{row[0].rjust(widths[0])}  {row[1].ljust(widths[1])}  {row[2].rjust(widths[2])}  {row[3]}"
                     .rstrip())
    return "\n".join(lines) + "\n"


def _explain(args: argparse.Namespace, out: TextIO) -> int:
    election = _load(args.file, args.ignore_constraints)
    if args.project not in set(election.project_ids):
        raise PbError(f"there is no project {args.project!r} in the file", source=args.file)
    outcome = count(election, args.rule)
    out.write(explain(outcome, election, args.project) + "\n")
    return 0


def _validate(path: str, as_json: bool, out: TextIO) -> int:
    problems = validate_pb(read_pb_text(path))
    errors = sum(1 for p in problems if p.is_error)
    if as_json:
        json.dump([{"line": p.line, "severity": p.severity, "code": p.code, "message": p.message}
                   for p in problems], out, ensure_ascii=False)
        out.write("\n")
    else:
        for problem in problems:
            where = f"{path}:{problem.line}" if problem.line is not None else path
            out.write(f"{where}: {problem.severity}: {problem.message}\n")
        warnings = len(problems) - errors
        verdict = "it cannot be counted as it stands" if errors else "it can be counted"
        out.write(f"{path}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning"
                  f"{'s' if warnings != 1 else ''}; {verdict}\n")
    return BAD_INPUT if errors else 0

