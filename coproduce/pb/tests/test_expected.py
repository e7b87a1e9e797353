"""Outcomes equal pabutools 1.2.3's (expected_pabutools.json) on every instance and rule it lists."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from coproduce.pb import RULES, count
from coproduce.pb.tests.conftest import election, expected_outcomes

#: (instance, rule) pairs that take more than a few seconds here (add1 on the larger files).
SLOW_INSTANCES = {
    "Poland_Warszawa_2019_Praga-Poludnie.pb", "Poland_Warszawa_2017_Praga-Poludnie.pb",
    "Poland_Warszawa_2019_Ursynow.pb", "France_Toulouse_2024.pb", "Poland_Lodz_2022.pb", "Poland_Lodz_2023.pb",
    "Netherlands_Amsterdam_252.pb", "Netherlands_Amsterdam_309.pb", "Poland_Krakow_2024.pb",
    "Poland_Krakow_2025_Pradnik_Bialy.pb", "Poland_Lodz_2022_Teofilow-Wielkopolska.pb",
    "Poland_Warszawa_2023_Rembertow.pb", "Poland_Czestochowa_2020.pb", "Poland_Katowice_2020.pb",
}


def _cases() -> list[Any]:
    cases = []
    for name, instance in expected_outcomes().items():
        for rule, result in instance["rules"].items():
            if result["status"] != "ok" or rule not in RULES:
                continue
            marks = [pytest.mark.slow] if "add1" in rule and name in SLOW_INSTANCES else []
            cases.append(pytest.param(name, rule, result, id=f"{name}-{rule}", marks=marks))
    return cases


def _extra_cases() -> list[Any]:
    cases = []
    for name, instance in expected_outcomes().items():
        for key, result in instance.get("extra_results", {}).items():
            stop = not key.endswith("_no_exhaustive_stop")
            cases.append(pytest.param(name, stop, result, id=f"{name}-{key}"))
    return cases


def test_reference_outcomes_are_present(shared_data: Path) -> None:
    """Fails (rather than silently running nothing) if the reference file is missing or empty."""
    assert len(_cases()) > 500


@pytest.mark.parametrize(("name", "rule", "result"), _cases())
def test_same_outcome_as_pabutools(name: str, rule: str, result: dict[str, Any]) -> None:
    outcome = count(election(name), rule)
    selected = sorted(outcome.selected) if rule == "seq_phragmen" else list(outcome.selected)
    assert selected == result["selected"]
    assert Fraction(outcome.cost) == Fraction(result["total_cost"])
    assert outcome.exhaustive is result["exhaustive"]
    assert outcome.cost <= outcome.budget


@pytest.mark.parametrize(("name", "stop", "result"), _extra_cases())
def test_add1_with_and_without_the_exhaustive_stop(name: str, stop: bool, result: dict[str, Any]) -> None:
    """pabutools' exhaustion_by_budget_increase(step = n voters), with and without exhaustive_stop.

    Without the stop this reproduces the official Wieliczka 2023 result (see pabutools_notes.md).
    """
    outcome = count(election(name), "mes_cost_add1", stop_when_exhaustive=stop)
    assert list(outcome.selected) == result["selected"]
    assert outcome.exhaustive is result["exhaustive"]
