"""The `coproduce` console command: every sub-command answers --help, without a traceback."""

import subprocess
import sys

import pytest

from coproduce.cli import COMMANDS, main


def test_top_level_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_sub_command_has_help(name):
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", name, "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout.lower()
    assert "Traceback" not in result.stderr


def test_an_unknown_command_is_a_clear_error():
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "no-such-command"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "Unknown command: 'no_such_command'" in result.stderr
    assert "Traceback" not in result.stderr
