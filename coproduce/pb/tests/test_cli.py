"""`coproduce pb count | explain | validate`: output, exit codes and messages, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.pb.cli import main
from coproduce.pb.tests.conftest import PABULIB
from coproduce.pb.tests.test_pabulib import GOOD

ROOT = Path(__file__).resolve().parents[3]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "good.pb"
    path.write_text(GOOD.replace("v4;;", "v4;1;"), encoding="utf-8")
    return path


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.pb"
    path.write_text(GOOD.replace("v4;;", "v4;1;").replace("v3;2,c10;44", "v3;2,99;44"), encoding="utf-8")
    return path


def test_count_json_has_the_documented_shape(good_file: Path) -> None:
    code, out, err = run("count", str(good_file), "--rule", "mes_cost", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"rule", "selected", "cost", "budget", "exhaustive", "seconds"}
    assert result["rule"] == "mes_cost"
    assert result["selected"] == ["1"]
    assert result["cost"] == 60 and result["budget"] == 100
    assert result["exhaustive"] is False
    assert isinstance(result["seconds"], float) and result["seconds"] >= 0


def test_count_prints_a_readable_table(good_file: Path) -> None:
    code, out, _ = run("count", str(good_file), "--rule", "greedy_cost")
    assert code == 0
    assert "Rule: greedy_cost" in out
    assert "Budget: 100 GBP; spent 100 GBP (100.0%)" in out
    table = out.splitlines()[-2:]
    assert table[0].split()[:3] == ["1", "1", "60"] and "Park; with a pond" in table[0]
    assert table[1].split()[:2] == ["2", "c10"]


def test_explain_tells_the_story_of_a_winner_and_a_loser(good_file: Path) -> None:
    code, out, _ = run("explain", str(good_file), "--rule", "mes_cost", "--project", "1")
    assert code == 0
    assert "Result: chosen, 1st of the 1 projects chosen." in out
    assert "In round 1" in out
    code, out, _ = run("explain", str(good_file), "--rule", "mes_cost", "--project", "2")
    assert code == 0
    assert "Result: not chosen." in out and "less than its cost of 50 GBP" in out


def test_validate_a_good_file(good_file: Path) -> None:
    code, out, _ = run("validate", str(good_file))
    assert code == 0
    assert out.strip().endswith("0 errors, 0 warnings; it can be counted")


def test_validate_names_every_bad_line(bad_file: Path) -> None:
    code, out, _ = run("validate", str(bad_file))
    assert code == 2
    assert f"{bad_file}:25: error: vote names project '99', which is not in the PROJECTS section" in out
    code, out, _ = run("validate", str(bad_file), "--json")
    assert code == 2
    assert json.loads(out) == [{"line": 25, "severity": "error", "code": "unknown-project",
                                "message": "vote names project '99', which is not in the PROJECTS section"}]


@pytest.mark.parametrize("command", [["count", "--rule", "mes_cost"], ["explain", "--rule", "mes_cost", "--project", "1"]])
def test_bad_files_exit_2_with_the_line(bad_file: Path, command: list[str]) -> None:
    code, out, err = run(command[0], str(bad_file), *command[1:])
    assert code == 2 and out == ""
    assert err == f"coproduce pb: {bad_file}: line 25: vote names project '99', which is not in the PROJECTS section\n"


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["count", "missing.pb", "--rule", "mes_cost"], "cannot read the file"),
        (["count", "{good}", "--rule", "mes_borda"], "needs ordinal ballots"),
        (["count", "{good}", "--rule", "nonsense"], "invalid choice"),
        (["count", "{good}"], "the following arguments are required: --rule"),
        (["explain", "{good}", "--rule", "mes_cost", "--project", "99"], "there is no project '99'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(good_file: Path, argv: list[str], words: str) -> None:
    code, _, err = run(*(a.replace("{good}", str(good_file)) for a in argv))
    assert code == 2
    assert words in err
    assert "Traceback" not in err


def test_constraint_violations_can_be_waived(tmp_path: Path) -> None:
    path = tmp_path / "long.pb"
    path.write_text(GOOD.replace("v4;;", "v4;1;").replace("v3;2,c10;44", "v3;1,2,c10;44"), encoding="utf-8")
    code, _, err = run("count", str(path), "--rule", "greedy_cost")
    assert code == 2 and "line 25" in err and "at most 2 allowed" in err
    code, out, _ = run("count", str(path), "--rule", "greedy_cost", "--ignore-constraints", "--json")
    assert code == 0 and json.loads(out)["selected"] == ["1", "c10"]


@pytest.mark.parametrize("command", ["count", "explain", "validate"])
def test_every_command_has_help(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert out.startswith(f"usage: coproduce pb {command}")


def test_a_real_file_through_the_installed_command(shared_data: Path) -> None:
    """The console script reaches this CLI without Django (`coproduce pb …`)."""
    script = Path(sys.executable).parent / "coproduce"
    if not script.exists():
        pytest.skip("the coproduce console script is not installed in this environment")
    path = PABULIB / "Netherlands_Assen_2024.pb"
    done = subprocess.run([str(script), "pb", "count", str(path), "--rule", "mes_cost_add1", "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["selected"] == ["3", "9", "11", "2", "13", "14", "5", "6", "12"]


def test_importing_the_library_does_not_load_django() -> None:
    code = ("import sys, coproduce.pb, coproduce.pb.cli; "
            "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')); "
            "print(loaded); sys.exit(1 if loaded else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          check=False, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"
