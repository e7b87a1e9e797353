import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the site on http://127.0.0.1:8000 (Django's server, or gunicorn with --production)."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000", help="host:port to listen on (default 127.0.0.1:8000).")
        parser.add_argument("--production", action="store_true", help="Serve with gunicorn and whitenoise, as in production.")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (with --production).")

    def handle(self, *args, **options):
        if options["production"]:
            call_command("collectstatic", interactive=False, verbosity=0)
            os.execv(
                sys.executable,
                [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", options["address"],
                 "--workers", str(options["workers"]), "--access-logfile", "-"],
            )
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("runserver", options["address"], use_reloader=False)
        return None


