import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from coproduce.timebank.tests.people import person
from coproduce.trusts import services
from coproduce.trusts.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_trusts_list_json_shape(capsys, youth_trust, tenants_trust, estate):
    for _ in range(3):
        MembershipFactory(trust=tenants_trust, user=person(neighbourhood=estate), member_class=tenants_trust.member_classes.get())
    gone = MembershipFactory(trust=tenants_trust, user=person(neighbourhood=estate), member_class=tenants_trust.member_classes.get())
    services.membership_leave(membership=gone, actor=gone.user)
    call_command("trusts", "list", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert rows == [
        {"slug": "marsh-tenants", "name": "Marsh Tenants", "members": 3, "member_classes": ["tenant"]},
        {"slug": "young-riverside", "name": "Young Riverside", "members": 0, "member_classes": ["user", "staff"]},
    ]


def test_trusts_help_and_bad_input_exit_codes():
    help_text = subprocess.run([sys.executable, "-m", "coproduce.cli", "trusts", "list", "--help"],
                               capture_output=True, text=True, env={"DJANGO_SETTINGS_MODULE": "config.settings.test",
                                                                     "PATH": "/usr/bin:/bin"})
    assert help_text.returncode == 0 and "--json" in help_text.stdout
    bad = subprocess.run([sys.executable, "-m", "coproduce.cli", "trusts", "frobnicate"], capture_output=True, text=True,
                         env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"})
    assert bad.returncode == 2 and "invalid choice" in bad.stderr and "Traceback" not in bad.stderr
