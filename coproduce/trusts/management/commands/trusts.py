"""`coproduce trusts list [--json]`: the trusts, their member counts and classes."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from coproduce.trusts.selectors import trust_list


class Command(BaseCommand):
    help = "Community trusts: `coproduce trusts list [--json]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = sub.add_parser(
            "list",
            help="List every trust with its current member count and classes of member.",
            description="List every trust with its current member count and classes of member.",
        )
        listing.add_argument(
            "--json", action="store_true",
            help='Print [{"slug", "name", "members", "member_classes"}] as JSON (classes by slug).',
        )

    def handle(self, *args, **options):
        rows = [
            {
                "slug": trust.slug,
                "name": trust.name,
                "members": trust.members,
                "member_classes": [c.slug for c in trust.member_classes.all()],
            }
            for trust in trust_list()
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No trusts yet.")
        for row in rows:
            self.stdout.write(f"{row['slug']}: {row['name']} — {row['members']} members ({', '.join(row['member_classes'])})")
