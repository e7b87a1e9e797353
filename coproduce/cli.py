"""The `coproduce` console command.

`coproduce pb …` and `coproduce panel …` run the pure libraries without starting Django.
Every other sub-command is a Django management command: `coproduce import-postcodes FILE`
runs the `import_postcodes` command, so users never need manage.py.
"""

from __future__ import annotations

import os
import sys

#: Sub-commands shown by `coproduce --help`, in the order a newcomer meets them.
COMMANDS: dict[str, str] = {
    "demo": "Create the database, seed the demo borough and serve it on http://127.0.0.1:8000",
    "serve": "Serve the site (development server, or gunicorn with --production)",
    "migrate": "Create or update the database tables",
    "seed-demo": "Seed the demo borough into the database (without serving it)",
    "demo-code": "Print the current one-time sign-in code of a demo staff login",
    "import-postcodes": "Import the postcode → neighbourhood table from a CSV file (all or nothing)",
    "audit": "Check the audit log: `coproduce audit verify`",
    "trusts": "Community trusts: `coproduce trusts list --json`",
    "needs": "Local needs: `coproduce needs list [--ward SLUG] [--status S] --json`",
    "timebank": "Check the time-credit ledger: `coproduce timebank check --json`",
    "coproduction": "Co-production: open actions, `coproduce coproduction actions [--overdue] --json`",
    "commissioning": "Score a tender from a file, classify a procurement, compute a standstill",
    "worker": "Run a Celery worker for background work (needs COPRODUCE_REDIS_URL)",
    "budgeting": "Neighbourhood budgets: list, export ballots as .pb, results, import a .pb file",
    "pb": "Count, explain and validate participatory-budgeting .pb files",
    "panel": "Select a representative panel by stratified sortition",
    "forget-panel-volunteers": "Erase panel volunteers' answers once their panel has ended (run it daily)",
    "createsuperuser": "Create an administrator account",
    "permissions-table": "Print or write docs/permissions.md, the role × permission table",
    "shell": "Open a Python shell with the project loaded",
}

#: Sub-commands that run a pure library and never load Django.
PURE = {"pb": "coproduce.pb.cli", "panel": "coproduce.sortition.cli"}


def print_help() -> None:
    print("usage: coproduce COMMAND [ARGS…]\n")
    print("The software of a co-operative council. Every command has --help.\n")
    print("commands:")
    width = max(len(name) for name in COMMANDS)
    for name, text in COMMANDS.items():
        print(f"  {name.ljust(width)}  {text}")
    print("\nAny other Django management command also works, e.g. `coproduce check`.")
    print("The database is COPRODUCE_DATABASE_URL, or the demo's SQLite file when unset.")


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print_help()
        return 0
    if args[0] in {"--version", "version"}:
        from coproduce import __version__

        print(__version__)
        return 0
    name, rest = args[0], args[1:]
    if name in PURE:
        import importlib

        module = importlib.import_module(PURE[name])
        return int(module.main(rest) or 0)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    command = name.replace("-", "_")
    try:
        execute_from_command_line(["coproduce", command, *rest])
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
