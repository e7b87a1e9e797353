"""`coproduce audit verify` as a user runs it: a real process, real exit codes."""

import os
import sqlite3
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_cli_verify_on_a_real_database_file_detects_tampering(tmp_path):
    env = {**os.environ, "COPRODUCE_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings.dev", "COPRODUCE_VAR_DIR": str(tmp_path)}
    cli = [sys.executable, "-m", "coproduce.cli"]

    def run(*args):
        return subprocess.run([*cli, *args], env=env, capture_output=True, text=True, timeout=120)

    assert run("migrate", "-v0").returncode == 0
    script = (
        "from django.db import transaction\n"
        "from coproduce.audit.services import audit_record\n"
        "for i in range(3):\n"
        "    with transaction.atomic():\n"
        "        audit_record(action='test.cli', summary=f'entry {i}')\n"
    )
    assert run("shell", "-c", script).returncode == 0
    ok = run("audit", "verify")
    assert ok.returncode == 0, ok.stderr
    assert "intact: 3 entries" in ok.stdout

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("UPDATE audit_auditentry SET summary = 'changed' WHERE sequence = 2")
    bad = run("audit", "verify")
    assert bad.returncode == 1
    assert "entry #2" in bad.stderr
