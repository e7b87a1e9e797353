"""`coproduce needs list [--ward SLUG] [--category C] [--status S] [--json]`: local needs."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count

from coproduce.needs.models import Category, Need
from coproduce.places.models import Ward


class Command(BaseCommand):
    help = "Local needs: `coproduce needs list [--ward SLUG] [--category C] [--status S] [--json]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser(
            "list", help="List needs, newest first, with their place, status and supporters.",
            description="List needs, newest first, with their place, status, supporters and outcome indicators.",
        )
        listing.add_argument("--ward", metavar="SLUG", help="Only needs in this ward (its neighbourhoods included).")
        listing.add_argument("--category", choices=Category.values, help="Only this category.")
        listing.add_argument("--status", choices=Need.Status.values, help="Only this status.")
        listing.add_argument(
            "--json", action="store_true",
            help='Print [{"id", "title", "kind", "category", "status", "place", "ward", "supporters", '
                 '"indicators"}] as JSON.',
        )

    def handle(self, *args, **options):
        ward = None
        if options.get("ward"):
            ward = Ward.objects.filter(slug=options["ward"]).first()
            if ward is None:
                raise CommandError(f"There is no ward with the slug {options['ward']!r}.", returncode=2)
        needs = Need.objects.select_related("neighbourhood", "ward", "area_ward").annotate(
            indicator_count=Count("indicators")
        ).order_by("-created_at", "-id")
        if ward is not None:
            needs = needs.in_ward(ward)
        if options.get("category"):
            needs = needs.filter(category=options["category"])
        if options.get("status"):
            needs = needs.filter(status=options["status"])
        rows = (
            {
                "id": n.pk, "title": n.title, "kind": n.kind, "category": n.category, "status": n.status,
                "place": n.place_name, "ward": n.area_ward.slug if n.area_ward_id else None,
                "supporters": n.support_count, "indicators": n.indicator_count,
            }
            for n in needs.iterator(chunk_size=2000)
        )
        if options["json"]:
            self.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=2))
            return
        count = 0
        for row in rows:
            count += 1
            self.stdout.write(f"{row['id']}: {row['title']} — {row['place']}, {row['status']}, {row['supporters']} supporters")
        if not count:
            self.stdout.write("No needs match.")
