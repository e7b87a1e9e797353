from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from coproduce.core.demo import demo_is_seeded, demo_seed


class Command(BaseCommand):
    help = "Create the database, seed the demo borough if it is empty, print the demo logins and serve the site."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="127.0.0.1:8000", help="host:port to listen on (default 127.0.0.1:8000).")
        parser.add_argument("--no-serve", action="store_true", help="Set up and seed, then stop.")

    def handle(self, *args, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if not demo_is_seeded():
            demo_seed(log=self.stdout.write)
        from coproduce.accounts.demo import demo_login_table

        self.stdout.write(demo_login_table())
        if options["no_serve"]:
            return
        self.stdout.write(f"Serving the demo borough on http://{options['address']}/  (Ctrl+C to stop)")
        call_command("runserver", options["address"], use_reloader=False)
