"""`coproduce coproduction actions [--collaborative SLUG] [--overdue] [--json]`: open actions."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coproduce.coproduction.models import Collaborative
from coproduce.coproduction.selectors import open_actions


class Command(BaseCommand):
    help = "Co-production: `coproduce coproduction actions [--collaborative SLUG] [--overdue] [--json]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        actions = sub.add_parser(
            "actions", help="List the actions not yet done, soonest due first.",
            description="List the actions agreed at co-production meetings that are not yet done, soonest due first.",
        )
        actions.add_argument("--collaborative", metavar="SLUG", help="Only this collaborative's actions.")
        actions.add_argument("--overdue", action="store_true", help="Only actions past their due date.")
        actions.add_argument(
            "--json", action="store_true",
            help='Print [{"id", "collaborative", "title", "owner", "due", "status", "overdue", "needs"}] as JSON.',
        )

    def handle(self, *args, **options):
        collaborative = None
        if options.get("collaborative"):
            collaborative = Collaborative.objects.filter(slug=options["collaborative"]).first()
            if collaborative is None:
                raise CommandError(f"There is no collaborative with the slug {options['collaborative']!r}.", returncode=2)
        today = timezone.localdate()
        qs = open_actions(collaborative=collaborative).prefetch_related("needs")
        if options["overdue"]:
            qs = qs.filter(due_date__lt=today)
        rows = [
            {
                "id": a.pk, "collaborative": a.collaborative.slug, "title": a.title, "owner": a.owner_label,
                "due": a.due_date.isoformat(), "status": a.status, "overdue": a.is_overdue(today),
                "needs": sorted(n.pk for n in a.needs.all()),
            }
            for a in qs
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No open actions.")
        for row in rows:
            late = " (overdue)" if row["overdue"] else ""
            self.stdout.write(f"{row['due']}{late}: {row['title']} — {row['owner']}, {row['collaborative']}")
