"""`coproduce forget-panel-volunteers [--dry-run] [--json]`: the retention rule for panel volunteers.

Run it daily (cron or Celery beat). It ends panels whose end date has passed, cancels
recruitments that passed their end date without a draw, and erases the volunteers' answers
of every ended or cancelled panel (ADR 0752). Each change is written to the audit log.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_date

from coproduce.panels.services import forget_due

ACTIONS = {"erase": "answers erased", "end": "panel ended, answers erased",
           "cancel": "recruitment cancelled (end date passed without a draw), answers erased"}


class Command(BaseCommand):
    help = ("Erase panel volunteers' answers once a panel has ended (and end panels past their end date). "
            "Run it daily.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done, change nothing.")
        parser.add_argument("--json", action="store_true", help='Print [{"panel", "action"}] as JSON.')
        parser.add_argument("--today", help="Treat this date (YYYY-MM-DD) as today, e.g. to check a schedule.")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            today = parse_date(options["today"]) if len(options["today"]) == 10 else None
            if today is None:
                raise CommandError(f"--today must be a date written YYYY-MM-DD, not {options['today']!r}", returncode=2)
        done = forget_due(today=today, dry_run=options["dry_run"])
        rows = [{"panel": panel.slug, "action": action} for panel, action in done]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        prefix = "Would do" if options["dry_run"] else "Done"
        if not rows:
            self.stdout.write("No panel holds answers it no longer needs.")
        for row in rows:
            self.stdout.write(f"{prefix}: {row['panel']}: {ACTIONS[row['action']]}")
