from django.core.management.base import BaseCommand, CommandError

from coproduce.core.demo import DEMO_SEED, demo_is_seeded, demo_seed


class Command(BaseCommand):
    help = "Seed the demo borough (wards, neighbourhoods, residents, organisations, demo logins)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help=f"Random seed (default {DEMO_SEED}).")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has a borough.")

    def handle(self, *args, **options):
        if demo_is_seeded():
            if options["if_empty"]:
                self.stdout.write("The demo borough is already seeded.")
                return
            raise CommandError("The database already has a borough. Use a fresh database to seed the demo again.")
        demo_seed(log=self.stdout.write, seed=options["seed"])
        self.stdout.write(self.style.SUCCESS("Demo borough seeded."))
