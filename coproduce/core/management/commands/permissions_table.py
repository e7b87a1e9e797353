from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from coproduce.core.permissions_table import permissions_markdown


class Command(BaseCommand):
    help = "Print the role × permission table (docs/permissions.md), or write it with --write."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Write docs/permissions.md instead of printing.")

    def handle(self, *args, **options):
        text = permissions_markdown()
        if options["write"]:
            path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {path.relative_to(settings.BASE_DIR)}")
        else:
            self.stdout.write(text, ending="")
