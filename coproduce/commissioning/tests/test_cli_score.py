"""`coproduce commissioning score FILE.json` as an analyst runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

TENDER = {
    "scale_max": 5, "price_weight": 30, "price_formula": "lowest-price-ratio", "aggregation": "consensus",
    "criteria": [{"id": "Q1", "weight": 30}, {"id": "Q2", "weight": 30},
                 {"id": "Q3", "weight": 10, "gate_min": 2, "social_value": True}],
    "abnormally_low_below_estimate": 0.15, "estimate": 170000,
    "bids": [
        {"bidder": "A", "price": 180000, "evaluator_scores": {"Q1": [4, 4, 3], "Q2": [3, 3, 3], "Q3": [4, 4, 4]},
         "consensus_scores": {"Q1": 4, "Q2": 3, "Q3": 4}},
        {"bidder": "B", "price": 140000, "evaluator_scores": {"Q1": [3, 3, 3], "Q2": [3, 2, 4], "Q3": [3, 3, 3]},
         "consensus_scores": {"Q1": 3, "Q2": 3, "Q3": 3}},
        {"bidder": "C", "price": 200000, "consensus_scores": {"Q1": 5, "Q2": 4, "Q3": 1}},
    ],
}


def write(tmp_path: Path, data) -> str:
    path = tmp_path / "tender.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def test_json_output(tmp_path, capsys):
    call_command("commissioning", "score", write(tmp_path, TENDER), "--json")
    out = json.loads(capsys.readouterr().out, parse_float=Decimal)
    rows = out["ranking"]
    # B: quality 3/5×30 + 3/5×30 + 3/5×10 = 42; price 30 × 140000/140000 = 30 → 72
    # A: quality 24 + 18 + 8 = 50; price 30 × 140000/180000 = 23.3333… → 73.3333
    assert [(r["bidder"], r["rank"]) for r in rows] == [("A", 1), ("B", 2), ("C", 3)]
    assert rows[0]["total"] == Decimal("73.3333")
    assert rows[0]["price_score"] == Decimal("23.3333")
    assert rows[1]["quality_score"] == Decimal("42.0000")
    # B: 140000 < 170000 × 0.85 = 144500 → abnormally low; Q2 spread 4 − 2 = 2 → flagged
    assert set(rows[1]["flags"]) == {"abnormally-low", "spread:Q2"}
    assert rows[2]["passed_gates"] is False and rows[2]["flags"] == ["failed-gate:Q3"]
    assert rows[0]["pqp"] is None


def test_table_output(tmp_path, capsys):
    call_command("commissioning", "score", write(tmp_path, TENDER))
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["Rank", "Bidder", "Quality", "Price", "score", "Total", "Gates", "Flags"]
    assert "73.3333" in out and "FAILED" in out


def test_price_per_quality_point_output(tmp_path, capsys):
    data = {**TENDER, "price_weight": 0, "price_formula": "price-per-quality-point",
            "criteria": [{"id": "Q1", "weight": 45}, {"id": "Q2", "weight": 45}, {"id": "Q3", "weight": 10, "gate_min": 2}]}
    call_command("commissioning", "score", write(tmp_path, data), "--json")
    rows = json.loads(capsys.readouterr().out, parse_float=Decimal)["ranking"]
    # B: 27 + 27 + 6 = 60 → 140000/60 = 2333.3333 ; A: 36 + 27 + 8 = 71 → 180000/71 = 2535.2113
    assert [(r["bidder"], r["pqp"]) for r in rows[:2]] == [("B", Decimal("2333.3333")), ("A", Decimal("2535.2113"))]


def test_malformed_file_exit_2_naming_the_field(tmp_path):
    data = json.loads(json.dumps(TENDER))
    data["bids"][1]["consensus_scores"]["Q2"] = 9
    with pytest.raises(CommandError) as error:
        call_command("commissioning", "score", write(tmp_path, data))
    assert error.value.returncode == 2
    assert "bids[1].consensus_scores.Q2: 9 is outside the scale 0–5" in str(error.value)


def test_weights_not_adding_up(tmp_path):
    data = {**TENDER, "price_weight": 40}
    with pytest.raises(CommandError, match="weights must add up to 100 points: price 40"):
        call_command("commissioning", "score", write(tmp_path, data))


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file") as error:
        call_command("commissioning", "score", str(tmp_path / "nope.json"))
    assert error.value.returncode == 2


@pytest.mark.slow
def test_real_process_exit_codes_and_help(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    cli = [sys.executable, "-m", "coproduce.cli", "commissioning"]
    ok = subprocess.run([*cli, "score", write(tmp_path, TENDER), "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ranking"][0]["bidder"] == "A"
    bad = subprocess.run([*cli, "score", write(tmp_path, '{"scale_max": 5}')], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "criteria: is missing" in bad.stderr
    assert "Traceback" not in bad.stderr
    helped = subprocess.run([*cli, "score", "--help"], env=env, capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and "docs/commissioning.md" in helped.stdout
