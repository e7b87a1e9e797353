"""`coproduce panel`: choose a representative panel from CSV files, without Django.

    coproduce panel select --people people.csv --quotas quotas.csv --size 30 \\
        --algorithm leximin --seed 20240601 [--json]

The quotas file has the columns feature,value,min,max (or category,feature,min,max, as in the
Nature 2021 replication data); the people file has an id column (`--id-column`, or
`--id-column '#line'` to number people by line) and one column per quota feature. A file
with a problem gets a message naming the file and line, and exit code 2; so do quotas that
no panel can meet (with the features to blame and the smallest change that would work).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence

from coproduce.sortition.csv_files import ROW_ID, read_people_csv, read_quotas_csv
from coproduce.sortition.errors import BadInputError, InfeasibleQuotasError, SortitionError
from coproduce.sortition.model import ALGORITHMS, Selection
from coproduce.sortition.selection import select

PROG = "coproduce panel"
BAD_INPUT = 2
FAILED = 1


class _Exit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse that reports errors through an exception instead of exiting the process."""

    def exit(self, status: int = 0, message: str | None = None) -> None:  # type: ignore[override]
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


def _seed(text: str) -> int:
    try:
        return int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not at least 1")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Choose representative panels by stratified sortition: a fair "
                                            "lottery over panels that meet every quota.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    cmd = commands.add_parser(
        "select", help="choose a panel from a pool of volunteers",
        description="Compute a lottery over panels of SIZE people that meet every quota, with each "
                    "person's chance of selection, and draw one panel with the seed.",
        epilog="Exit codes: 0 chosen, 2 bad files or quotas no panel can meet, 1 solver failure.")
    cmd.add_argument("--people", required=True, metavar="FILE",
                     help="CSV with an id column and one column per quota feature")
    cmd.add_argument("--quotas", required=True, metavar="FILE",
                     help="CSV with columns feature,value,min,max (or category,feature,min,max)")
    cmd.add_argument("--size", required=True, type=_positive, metavar="K", help="number of people to choose")
    cmd.add_argument("--algorithm", choices=ALGORITHMS, default="leximin",
                     help="leximin (fairest; default), maximin (only the lowest chance is maximised) or "
                          "legacy (the old greedy method, probabilities estimated)")
    cmd.add_argument("--seed", required=True, type=_seed, metavar="N",
                     help="the random seed that draws the panel from the lottery (record it)")
    cmd.add_argument("--json", action="store_true",
                     help='print {"algorithm", "seed", "panel", "probabilities", "min_probability", '
                          '"panels_in_distribution"} as JSON')
    cmd.add_argument("--id-column", default="id", metavar="NAME",
                     help=f"the people file's id column (default: id; '{ROW_ID}' numbers people by their line)")
    cmd.add_argument("--household-column", action="append", default=[], metavar="NAME",
                     help="a column that identifies a household (repeat for address and postcode); "
                          "at most one person per household is chosen")
    cmd.add_argument("--lottery", type=_positive, metavar="N",
                     help="also print a published lottery of N panels (pipage rounding), drawn after the panel")
    cmd.add_argument("--probabilities", action="store_true",
                     help="list everyone's chance of selection (text output; JSON always has them)")
    cmd.add_argument("--progress", action="store_true", help="report progress on standard error")
    return parser


def main(argv: Sequence[str]) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(list(argv))
    except _Exit as stop:
        return stop.status
    try:
        return _select(args)
    except (BadInputError, InfeasibleQuotasError) as error:
        print(f"{PROG} {args.command}: {error}", file=sys.stderr)
        return BAD_INPUT
    except SortitionError as error:
        print(f"{PROG} {args.command}: {error}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print(f"{PROG}: stopped", file=sys.stderr)
        return 130
    except Exception as error:  # never a traceback for the user
        print(f"{PROG}: unexpected error ({type(error).__name__}: {error}); nothing was chosen", file=sys.stderr)
        return FAILED


def _select(args: argparse.Namespace) -> int:
    quotas = read_quotas_csv(args.quotas)
    people = read_people_csv(args.people, quotas=quotas, id_column=args.id_column,
                             household_columns=args.household_column)

    def progress(stage: str, fraction: float) -> None:
        print(f"[{fraction:4.0%}] {stage}", file=sys.stderr, flush=True)

    rng = random.Random(args.seed)
    selection = select(people, quotas, args.size, algorithm=args.algorithm, rng=rng,
                       progress=progress if args.progress else None)
    order = {person.id: position for position, person in enumerate(people)}
    panel = sorted(selection.panel, key=order.__getitem__)
    tickets = selection.lottery(args.lottery, rng).tickets if args.lottery else None
    if args.json:
        output: dict[str, object] = {
            "algorithm": selection.algorithm,
            "seed": args.seed,
            "panel": panel,
            "probabilities": {person.id: selection.probabilities[person.id] for person in people},
            "min_probability": selection.min_probability,
            "panels_in_distribution": selection.panels_in_distribution,
        }
        if tickets is not None:
            output["lottery"] = [sorted(t, key=order.__getitem__) for t in tickets]
        print(json.dumps(output, ensure_ascii=False))
        return 0
    _print_text(selection, people_order=order, panel=panel, seed=args.seed, show_all=args.probabilities)
    if tickets is not None:
        print(f"\nPublished lottery ({len(tickets)} tickets; draw one uniformly):")
        for number, ticket in enumerate(tickets, start=1):
            print(f"  {number}: {', '.join(sorted(ticket, key=order.__getitem__))}")
    return 0


def _print_text(selection: Selection, *, people_order: dict[str, int], panel: list[str], seed: int,
                show_all: bool) -> None:
    name = selection.algorithm.upper()
    print(f"Panel of {selection.size} chosen by {name} from {len(people_order)} people (seed {seed}).")
    kind = "" if selection.probabilities_exact else " (estimated from repeated runs)"
    print(f"Chances of selection{kind}: lowest {selection.min_probability:.2%}, "
          f"highest {selection.max_probability:.2%}.")
    print(f"The lottery has {selection.panels_in_distribution} different panels.")
    print(f"\nChosen ({len(panel)}): {', '.join(panel)}")
    print("\nHow:")
    for line in selection.explanation:
        print(f"  {line}")
    if show_all:
        print("\nChance of selection:")
        width = max(len(pid) for pid in people_order)
        for pid in sorted(people_order, key=people_order.__getitem__):
            print(f"  {pid.ljust(width)}  {selection.probabilities[pid]:8.4%}")
