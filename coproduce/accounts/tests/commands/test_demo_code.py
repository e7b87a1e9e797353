import io

import pyotp
import pytest
from django.core.management import CommandError, call_command

from coproduce.accounts import services
from coproduce.accounts.tests.factories import TEST_TOTP_SECRET, OfficerFactory, ResidentFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo_code", *args, stdout=out)
    return out.getvalue().strip()


def test_refused_outside_the_demo(settings):
    settings.COPRODUCE_DEMO = False
    OfficerFactory(email="officer@example.org", with_device=True)
    with pytest.raises(CommandError, match="only works in the demo") as caught:
        run("officer@example.org")
    assert caught.value.returncode == 2


def test_prints_a_code_that_signs_in_once(settings):
    settings.COPRODUCE_DEMO = True
    officer = OfficerFactory(email="officer@example.org", with_device=True)
    code = run("OFFICER@example.org")
    assert code == pyotp.TOTP(TEST_TOTP_SECRET).now()
    assert services.totp_verify(user=officer, code=code)
    # asked again after use, it gives the next code, which is accepted
    second = run("officer@example.org")
    assert second != code
    assert services.totp_verify(user=officer, code=second)


@pytest.mark.parametrize("email, message", [("nobody@example.org", "No account"), ("resident@example.org", "no authenticator")])
def test_bad_emails_get_a_clear_message(settings, email, message):
    settings.COPRODUCE_DEMO = True
    ResidentFactory(email="resident@example.org")
    with pytest.raises(CommandError, match=message) as caught:
        run(email)
    assert caught.value.returncode == 2


def test_the_console_command_exits_2_without_a_traceback():
    import os
    import subprocess
    import sys

    env = {**os.environ, "COPRODUCE_DEMO": "0"}
    result = subprocess.run([sys.executable, "-m", "coproduce.cli", "demo-code", "officer@example.org"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    assert "only works in the demo" in result.stderr and "Traceback" not in result.stderr
