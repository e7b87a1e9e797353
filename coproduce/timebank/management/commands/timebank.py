"""`coproduce timebank check [--json]`: verify the time-credit ledger; exit 1 when it is broken."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from coproduce.timebank.credits import format_credits, json_credits
from coproduce.timebank.selectors import ledger_check


class Command(BaseCommand):
    help = "The time-credit ledger: `coproduce timebank check [--json]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser(
            "check",
            help="Verify the ledger: balanced transactions, balances summing to 0, no member below 0, "
                 "cached balances matching entries. Exit 1 when any invariant is broken.",
            description="Verify the ledger: balanced transactions, balances summing to 0, no member below 0, "
                        "cached balances matching entries. Exit 1 when any invariant is broken.",
        )
        check.add_argument(
            "--json", action="store_true",
            help='Print {"entries", "accounts", "sum_of_all_balances", "negative_member_balances", '
                 '"issued", "spent", "redeemed"} (amounts in credits); problems go to standard error.',
        )

    def handle(self, *args, **options):
        report = ledger_check()
        if options["json"]:
            self.stdout.write(json.dumps({
                "entries": report.entries,
                "accounts": report.accounts,
                "sum_of_all_balances": json_credits(report.sum_of_all_balances),
                "negative_member_balances": report.negative_member_balances,
                "issued": json_credits(report.issued),
                "spent": json_credits(report.spent),
                "redeemed": json_credits(report.redeemed),
            }))
        else:
            self.stdout.write(
                f"{report.entries} entries in {report.accounts} accounts. Issued {format_credits(report.issued)}, "
                f"spent {format_credits(report.spent)}, redeemed {format_credits(report.redeemed)} credits. "
                f"Sum of all balances: {format_credits(report.sum_of_all_balances)}."
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"The ledger is broken: {len(report.problems)} problem(s) found.", returncode=1)
        if not options["json"]:
            self.stdout.write("The ledger is sound.")
