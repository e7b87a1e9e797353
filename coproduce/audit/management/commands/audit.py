from django.core.management.base import BaseCommand, CommandError

from coproduce.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Work with the append-only audit log."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = sub.add_parser(
            "verify",
            help="Recompute the hash chain; exit 0 when intact, 1 naming the first bad entry.",
            description="Recompute the hash chain; exit 0 when intact, 1 naming the first bad entry.",
        )
        verify.add_argument("--quiet", action="store_true", help="Print nothing when the chain is intact.")

    def handle(self, *args, **options):
        if options["action"] == "verify":
            report = audit_chain_verify()
            if report.intact:
                if not options["quiet"]:
                    self.stdout.write(f"Audit chain intact: {report.entries} entries checked.")
                return
            raise CommandError(f"Audit chain broken at entry #{report.problem.sequence}: {report.problem.reason}.", returncode=1)
