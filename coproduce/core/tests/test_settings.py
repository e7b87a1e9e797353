"""Operations: production settings come from COPRODUCE_* variables and refuse to start unsafely."""

import os
import subprocess
import sys

import pytest

from config.settings.base import database_from_url


def _check(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COPRODUCE_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    return subprocess.run([sys.executable, "-m", "coproduce.cli", "check"], env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key():
    result = _check({})
    assert result.returncode != 0
    assert "COPRODUCE_SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_production_starts_with_a_secret_key():
    result = _check({"COPRODUCE_SECRET_KEY": "a-long-random-secret-" + "x" * 40})
    assert result.returncode == 0, result.stderr


def test_database_urls_are_understood():
    pg = database_from_url("postgres://alice:s%40cret@db.example:5433/council?sslmode=require")
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == ("alice", "s@cret", "db.example", "5433", "council")
    assert pg["OPTIONS"] == {"sslmode": "require"}
    lite = database_from_url("sqlite:////tmp/x.sqlite3")
    assert lite["ENGINE"] == "django.db.backends.sqlite3" and lite["NAME"] == "/tmp/x.sqlite3"
    with pytest.raises(ValueError, match="unknown scheme"):
        database_from_url("mysql://x/y")
