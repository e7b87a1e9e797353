"""`coproduce commissioning …`: the analysts' tools, running the same code as the web pages."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from coproduce.commissioning import scoring


class Command(BaseCommand):
    help = "Commissioning tools: score a tender from a file, classify a procurement, compute a standstill."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        score = sub.add_parser(
            "score",
            help="Score and rank the bids in a tender file (format: docs/commissioning.md).",
            description=(
                "Score and rank the bids in a tender file, exactly as the evaluation pages do. "
                "The file format is documented in docs/commissioning.md. Exit code 2 when the file "
                "is malformed, with a message naming the field."
            ),
        )
        score.add_argument("file", metavar="FILE.json", help="The tender: criteria, weights and bids.")
        score.add_argument("--json", action="store_true", help="Print the ranking as JSON instead of a table.")


    def handle(self, *args, **options):
        action = options["action"]
        if action == "score":
            return self.score(options)
        raise CommandError(f"Unknown action {action}", returncode=2)  # pragma: no cover (argparse)

    def _read(self, name: str) -> str:
        path = Path(name)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{name}: no such file", returncode=2)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{name}: cannot be read ({exc})", returncode=2)

    def score(self, options):
        text = self._read(options["file"])
        try:
            tender = scoring.tender_from_json(text)
            evaluation = scoring.evaluate(tender)
        except scoring.ScoringError as exc:
            raise CommandError(f"{options['file']}: {exc}", returncode=2)
        if options["json"]:
            self.stdout.write(scoring.dumps(scoring.evaluation_as_dict(evaluation)))
        else:
            self.stdout.write(scoring.evaluation_as_text(evaluation))
