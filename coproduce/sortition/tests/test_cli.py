"""`coproduce panel select`: JSON shape, exit codes, and line-numbered messages for bad files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coproduce.sortition.cli import main
from coproduce.sortition.tests.conftest import SORTITION, need_shared

ROOT = Path(__file__).resolve().parents[3]
QUOTAS = "feature,value,min,max\ngender,man,1,1\ngender,woman,1,1\n"
PEOPLE = "id,gender,age\nm1,man,30\nm2,Man,40\nw1,woman,50\nw2, WOMAN ,20\nw3,woman,60\nw4,woman,70\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    quotas, people = tmp_path / "quotas.csv", tmp_path / "people.csv"
    quotas.write_text(QUOTAS, encoding="utf-8")
    people.write_text(PEOPLE, encoding="utf-8")
    return quotas, people


def test_json_output_has_the_documented_shape(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    quotas, people = files
    code, out, err = run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
                         "--algorithm", "leximin", "--seed", "42", "--json")
    assert code == 0, err
    document = json.loads(out)
    assert set(document) == {"algorithm", "seed", "panel", "probabilities", "min_probability",
                             "panels_in_distribution"}
    assert document["algorithm"] == "leximin" and document["seed"] == 42
    assert document["probabilities"] == pytest.approx(
        {"m1": 0.5, "m2": 0.5, "w1": 0.25, "w2": 0.25, "w3": 0.25, "w4": 0.25}, abs=1e-9)
    assert document["min_probability"] == pytest.approx(0.25, abs=1e-9)
    assert len(document["panel"]) == 2 and document["panels_in_distribution"] >= 2
    # The same seed, the same panel.
    assert json.loads(run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
                          "--seed", "42", "--json")[1])["panel"] == document["panel"]


def test_text_output_explains_the_draw(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    quotas, people = files
    code, out, _ = run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
                       "--algorithm", "maximin", "--seed", "7", "--probabilities", "--lottery", "10")
    assert code == 0
    assert "Panel of 2 chosen by MAXIMIN from 6 people (seed 7)" in out
    assert "lowest 25.00%" in out and "Published lottery (10 tickets" in out


@pytest.mark.parametrize(("which", "text", "message"), [
    ("quotas", "feature,value,min,max\ngender,man,1,1\ngender,woman,one,1\n",
     "quotas.csv, line 3: min is 'one', not a whole number"),
    ("quotas", "feature,value,min,max\ngender,man,2,1\n", "quotas.csv, line 2: min 2 is more than max 1"),
    ("quotas", "name,low,high\n", "quotas.csv, line 1: the header must name the columns"),
    ("people", "id,gender\nm1,man\nm1,woman\n", "people.csv, line 3: the id 'm1' is already used on line 2"),
    ("people", "id,gender\nm1,man\nw1,child\n", "people.csv, line 3: gender is 'child', which has no quota"),
    ("people", "id,gender\nm1,man\n\nw1,\n", "people.csv, line 4: the answer for gender is empty"),
    ("people", "ident,gender\nm1,man\n", "people.csv, line 1: there is no 'id' column"),
])
def test_bad_files_get_a_line_numbered_message_and_exit_code_2(
        capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], which: str, text: str, message: str) -> None:
    quotas, people = files
    (quotas if which == "quotas" else people).write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
                         "--seed", "1")
    assert code == 2 and out == ""
    assert message in err
    assert "Traceback" not in err


def test_a_missing_file_and_impossible_quotas_also_exit_2(capsys: pytest.CaptureFixture[str],
                                                         files: tuple[Path, Path], tmp_path: Path) -> None:
    quotas, people = files
    code, _, err = run(capsys, "select", "--people", str(tmp_path / "nope.csv"), "--quotas", str(quotas),
                       "--size", "2", "--seed", "1")
    assert code == 2 and "nope.csv: the file does not exist" in err
    quotas.write_text("feature,value,min,max\ngender,man,2,2\ngender,woman,1,1\n", encoding="utf-8")
    code, _, err = run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
                       "--seed", "1")
    assert code == 2 and "'gender'" in err and "smallest change" in err


def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    quotas, people = files
    assert run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "0",
               "--seed", "1")[0] == 2
    assert run(capsys, "select", "--people", str(people), "--quotas", str(quotas), "--size", "2",
               "--seed", "x")[0] == 2


def test_the_console_command_reads_the_nature_replication_files(tmp_path: Path) -> None:
    need_shared()
    folder = SORTITION / "example_small_20"
    done = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "panel", "select", "--people", str(folder / "respondents.csv"),
         "--quotas", str(folder / "categories.csv"), "--id-column", "#line", "--size", "20", "--seed", "3",
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["min_probability"] == pytest.approx(0.1, abs=1e-9)
    assert len(document["panel"]) == 20 and len(document["probabilities"]) == 200
