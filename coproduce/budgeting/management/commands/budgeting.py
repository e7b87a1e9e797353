"""`coproduce budgeting list|export|results|import`: participatory budgets from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from coproduce.budgeting import counting, selectors
from coproduce.budgeting.models import Count, Process

BAD_INPUT = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def _number(pence: int) -> int | float:
    return pence // 100 if pence % 100 == 0 else pence / 100


class Command(BaseCommand):
    help = "Participatory budgets: list processes, export anonymised ballots as .pb, print results, import a .pb file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser("list", help="List every budget process.")
        listing.add_argument("--json", action="store_true", help='Print JSON: [{"slug", "title", "place", "phase", "ballots", "rule"}].')
        export = sub.add_parser("export", help="Write a closed process's projects and anonymised ballots as a pabulib .pb file.")
        export.add_argument("slug", help="The process's slug, as in `list`.")
        export.add_argument("--out", required=True, help="The .pb file to write ('-' for standard output).")
        results = sub.add_parser("results", help="Print the published result of a process.")
        results.add_argument("slug")
        results.add_argument("--json", action="store_true", help='Print JSON: {"rule", "selected", "spent", "budget"}.')
        imported = sub.add_parser("import", help="Create a closed, counted process from a pabulib .pb file.")
        imported.add_argument("file", help="The .pb file.")
        imported.add_argument("--place", required=True, help="Slug of the ward or neighbourhood, or 'borough'.")
        imported.add_argument("--slug", help="Slug for the new process (default: from the file name).")
        imported.add_argument("--title", help="Title (default: the file's description).")

    def handle(self, *args, **options):
        return getattr(self, f"do_{options['action']}")(options)

    def _process(self, slug: str) -> Process:
        try:
            return selectors.process_get(slug=slug)
        except Process.DoesNotExist:
            raise _fail(f"There is no budget process with slug {slug!r}. `coproduce budgeting list` shows them.")

    def do_list(self, options) -> None:
        rows = [
            {
                "slug": p.slug, "title": p.title, "place": p.place_slug,
                "phase": selectors.process_phase_for_listing(p), "ballots": p.ballot_count,
                "rule": counting.engine_rule(p),
            }
            for p in selectors.process_list()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            self.stdout.write(f"{row['slug']:40} {row['phase']:10} {row['ballots']:>7} ballots  {row['rule']:15} {row['title']}")

    def do_export(self, options) -> None:
        process = self._process(options["slug"])
        if not selectors.ballots_are_public(process):
            raise _fail("Voting has not closed for this process, so its ballots are not published yet.")
        try:
            text = counting.published_pb(process)
        except counting.EngineUnavailable as exc:
            raise CommandError(str(exc))
        if options["out"] == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(options["out"])
        if not path.parent.exists():
            raise _fail(f"The folder {path.parent} does not exist.")
        path.write_text(text, encoding="utf-8")
        self.stderr.write(f"Wrote {process.ballots.count()} ballots and {len(counting.ballot_projects(process))} projects to {path}")

    def do_results(self, options) -> None:
        process = self._process(options["slug"])
        count = selectors.published_count(process) or process.counts.filter(
            status=Count.Status.DONE, rule=process.rule).order_by("-finished_at", "-id").first()
        if count is None:
            raise _fail("This process has not been counted yet.")
        result = {"rule": count.engine_rule, "selected": list(count.selected), "spent": count.spent,
                  "budget": _number(process.budget)}
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"{process.title}: {count.get_rule_display()} ({count.engine_rule})")
        self.stdout.write(f"Funded: {', '.join(result['selected']) or 'none'}; spent {result['spent']} of {result['budget']}")

    def do_import(self, options) -> None:
        from coproduce.budgeting import imports

        path = Path(options["file"])
        if not path.is_file():
            raise _fail(f"{path}: no such file.")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise _fail(f"{path}: not a UTF-8 text file.")
        try:
            process = imports.process_import_pb(
                text=text, source_name=path.name, place_slug=options["place"],
                slug=options.get("slug"), title=options.get("title"),
            )
        except imports.ImportProblem as exc:
            raise _fail(f"{path.name}: {exc}")
        except ValidationError as exc:
            raise _fail(f"{path.name}: {'; '.join(exc.messages)}")
        count = selectors.latest_count(process)
        self.stdout.write(
            f"Imported {process.slug}: {process.projects.count()} projects, {process.ballots.count()} ballots; "
            f"count {count.get_status_display().lower() if count else 'not run'}."
        )
