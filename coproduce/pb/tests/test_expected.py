"""Outcomes equal pabutools 1.2.3's (expected_pabutools.json) on every instance and rule it lists.

The add1 rules are in `test_expected_add1.py`, so that two test workers share the work.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from coproduce.pb import RULES, count
from coproduce.pb.tests.conftest import election, expected_outcomes

#: add1 counts that take more than about 5 seconds here (the largest files).
SLOW = {
    ("Poland_Lodz_2023.pb", "mes_cost"), ("Poland_Lodz_2023.pb", "mes_card"),
    ("Poland_Lodz_2022.pb", "mes_cost"), ("Poland_Lodz_2022.pb", "mes_card"),
    ("France_Toulouse_2024.pb", "mes_card"),
}


def cases(add1: bool) -> list[Any]:
    """(instance, rule, pabutools' result) for every finished reference count."""
    found = []
    for name, instance in expected_outcomes().items():
        for rule, result in instance["rules"].items():
            if result["status"] != "ok" or rule not in RULES or ("add1" in rule) != add1:
                continue
            base = "_".join(rule.split("_")[:2])
            marks = [pytest.mark.slow] if (name, base) in SLOW else []
            found.append(pytest.param(name, rule, result, id=f"{name}-{rule}", marks=marks))
    return found


def check(name: str, rule: str, result: dict[str, Any], **options: Any) -> None:
    outcome = count(election(name), rule, **options)
    selected = sorted(outcome.selected) if rule == "seq_phragmen" else list(outcome.selected)
    assert selected == result["selected"]
    assert Fraction(outcome.cost) == Fraction(result["total_cost"])
    assert outcome.exhaustive is result["exhaustive"]
    assert outcome.cost <= outcome.budget


def test_reference_outcomes_are_present(shared_data: Path) -> None:
    """Fails (rather than silently running nothing) if the reference file is missing or empty."""
    assert len(cases(add1=False)) > 300 and len(cases(add1=True)) > 150


@pytest.mark.parametrize(("name", "rule", "result"), cases(add1=False))
def test_same_outcome_as_pabutools(name: str, rule: str, result: dict[str, Any]) -> None:
    check(name, rule, result)
