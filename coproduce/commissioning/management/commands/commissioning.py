"""`coproduce commissioning …`: the analysts' tools, running the same code as the web pages."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

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

        classify = sub.add_parser(
            "classify",
            help="Which procurement regime an estimated value falls under, with routes, notices and standstill.",
            description=(
                "Classify an estimated contract value (in pounds, including VAT, over the whole term) against the "
                "thresholds recorded for the procurement's start date."
            ),
        )
        classify.add_argument("value", help="Estimated value in pounds including VAT, such as 150000")
        classify.add_argument("--date", help="Procurement start date, YYYY-MM-DD (default: today)")
        classify.add_argument("--service-type", default="services",
                              help="services, light-touch, light-touch-reservable or works (default: services)")
        classify.add_argument("--term-months", type=int, help="Contract term in months (a reserved contract is at most 60)")

        standstill = sub.add_parser(
            "standstill",
            help="The last day of the 8-working-day standstill after a contract award notice.",
            description="Count 8 working days (England and Wales bank holidays from the database) from the notice date.",
        )
        standstill.add_argument("date", help="Day the contract award notice is published, YYYY-MM-DD")

        holidays = sub.add_parser(
            "import-bank-holidays",
            help="Add England and Wales bank holidays from GOV.UK's bank-holidays.json (all or nothing).",
            description=(
                "Read a copy of https://www.gov.uk/bank-holidays.json and add the England and Wales dates not yet "
                "stored. Nothing changes if any entry is malformed."
            ),
        )
        holidays.add_argument("file", metavar="FILE.json")


    def handle(self, *args, **options):
        action = options["action"]
        if action == "score":
            return self.score(options)
        if action == "classify":
            return self.classify(options)
        if action == "standstill":
            return self.standstill(options)
        if action == "import-bank-holidays":
            return self.import_bank_holidays(options)
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

    @staticmethod
    def _date(text: str | None, name: str) -> dt.date:
        if not text:
            return timezone.localdate()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"{name}: {text!r} is not a date; write it as YYYY-MM-DD", returncode=2)

    def classify(self, options):
        from coproduce.commissioning.models import Regime, Route, ServiceType
        from coproduce.commissioning.selectors import procurement_classify
        from coproduce.core.money import pounds_to_pence

        try:
            value = pounds_to_pence(options["value"])
        except ValueError:
            raise CommandError(f"value: {options['value']!r} is not an amount in pounds", returncode=2)
        if options["service_type"] not in ServiceType.values:
            raise CommandError(f"--service-type: {options['service_type']!r} is not a service type; use one of "
                               + ", ".join(ServiceType.values), returncode=2)
        on = self._date(options["date"], "--date")
        try:
            result = procurement_classify(value_pence=value, on_date=on, service_type=options["service_type"],
                                          term_months=options["term_months"])
        except (ValidationError, ValueError) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)])), returncode=2)
        lines = [f"{Regime(result.regime.value).label} ({result.regime.value})", *result.reasons, "", "Routes allowed:"]
        lines += [f"  - {Route(r.value).label} ({r.value})" for r in result.routes]
        lines += ["Notices and duties:"] + [f"  - {n}" for n in result.notices]
        lines.append(f"Standstill: {result.standstill.value}")
        self.stdout.write("\n".join(lines))

    def standstill(self, options):
        from coproduce.commissioning.selectors import standstill_compute

        on = self._date(options["date"], "date")
        try:
            period = standstill_compute(published_on=on)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2)
        skipped = ", ".join(f"{day:%-d %B}" for day in period.days_skipped) or "none"
        self.stdout.write(
            f"Contract award notice published {on:%A %-d %B %Y}.\n"
            f"Standstill: {period.working_days} working days, last day {period.last_day:%A %-d %B %Y} "
            f"({period.calendar_days} calendar days; bank holidays skipped: {skipped}).\n"
            f"The contract may be entered into from {period.contract_from:%A %-d %B %Y}."
        )

    def import_bank_holidays(self, options):
        from coproduce.commissioning.services import bank_holidays_import

        text = self._read(options["file"])
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{options['file']}: not valid JSON (line {exc.lineno}: {exc.msg})", returncode=2)
        try:
            added = bank_holidays_import(data=data)
        except ValidationError as exc:
            raise CommandError(f"{options['file']}: " + "; ".join(exc.messages), returncode=2)
        self.stdout.write(f"{added} added.")
