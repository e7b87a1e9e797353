"""`coproduce import-postcodes FILE`: load the postcode → neighbourhood table, all or nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from coproduce.places.postcode_import import postcode_rows_read
from coproduce.places.services import postcodes_import

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Import the postcode → neighbourhood table from a CSV file. The file is UTF-8 with the header "
        "'postcode,neighbourhood' (neighbourhood = its slug) and optionally a 'ward_gss' column. Every "
        "problem is listed with its line number and, if there is any, nothing is imported (exit code 2)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file to import ('-' reads standard input).")
        parser.add_argument(
            "--replace", action="store_true",
            help="Replace the whole table: postcodes not in the file are removed. "
                 "Without it, postcodes in the file are added or moved and the others kept.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report what would change; change nothing.")

    def handle(self, *args, **options):
        name = options["file"]
        try:
            content = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except FileNotFoundError:
            raise CommandError(_("%(file)s: no such file.") % {"file": name}, returncode=BAD_INPUT)
        except IsADirectoryError:
            raise CommandError(_("%(file)s is a folder, not a CSV file.") % {"file": name}, returncode=BAD_INPUT)
        except OSError as error:
            raise CommandError(_("%(file)s cannot be read: %(error)s") % {"file": name, "error": error.strerror},
                               returncode=BAD_INPUT)

        checked = postcode_rows_read(content)
        if not checked.ok:
            count = len(checked.problems)
            lines = [
                _("%(file)s has %(count)s problem(s); nothing was imported:") % {"file": name, "count": count},
                *(f"  {problem}" for problem in checked.problems),
            ]
            raise CommandError("\n".join(lines), returncode=BAD_INPUT)

        with transaction.atomic():
            result = postcodes_import(rows=checked.rows, replace=options["replace"], source=Path(name).name)
            if options["dry_run"]:
                transaction.set_rollback(True)
        figures = {
            "total": result.total, "file": name, "created": result.created, "updated": result.updated,
            "unchanged": result.unchanged, "removed": result.removed,
        }
        if options["dry_run"]:
            self.stdout.write(_(
                "Dry run: %(file)s is good (%(total)s postcodes). Importing it would add %(created)s, move %(updated)s "
                "to another neighbourhood, leave %(unchanged)s unchanged and remove %(removed)s. Nothing was changed."
            ) % figures)
        else:
            self.stdout.write(self.style.SUCCESS(_(
                "Imported %(total)s postcodes from %(file)s: %(created)s added, %(updated)s moved to another "
                "neighbourhood, %(unchanged)s unchanged, %(removed)s removed."
            ) % figures))
