"""`coproduce demo-code EMAIL`: the current sign-in code of a demo staff login (demo only)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from coproduce.accounts import totp
from coproduce.accounts.models import TotpDevice, User


class Command(BaseCommand):
    help = "Print the current 6-digit code of a demo staff login's authenticator. Works only in the demo (COPRODUCE_DEMO)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Email address of a demo officer, councillor or administrator.")

    def handle(self, *args, **options):
        if not settings.COPRODUCE_DEMO:
            raise CommandError(
                "demo-code only works in the demo (COPRODUCE_DEMO=1): a real authenticator's code is never printed.",
                returncode=2,
            )
        email = options["email"].strip().lower()
        try:
            user = User.objects.filter(email__iexact=email).first()
        except DatabaseError:
            raise CommandError("The demo database is not set up yet: run `coproduce demo` first.", returncode=2)
        if user is None:
            raise CommandError(f"No account has the email address {email!r}. Run `coproduce demo` to see the demo logins.", returncode=2)
        device = TotpDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{email} has no authenticator set up (only staff logins have one).", returncode=2)
        code, step = totp.next_usable_code(secret=device.secret, last_used_step=device.last_used_step)
        if step > totp.current_step() + totp.DRIFT_STEPS:
            raise CommandError("The next code is not valid yet: wait 30 seconds and run this again.", returncode=2)
        self.stdout.write(code)
