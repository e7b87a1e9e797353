"""The add1 completions (and the greedy fill-up after them) equal pabutools' on every instance.

Also pabutools' exhaustion_by_budget_increase(step = n voters) with and without its
exhaustive_stop: without it, this reproduces the official Wieliczka 2023 result.
"""

from __future__ import annotations

from typing import Any

import pytest

from coproduce.pb import count
from coproduce.pb.tests.conftest import election, expected_outcomes
from coproduce.pb.tests.test_expected import cases, check


@pytest.mark.parametrize(("name", "rule", "result"), cases(add1=True))
def test_same_outcome_as_pabutools(name: str, rule: str, result: dict[str, Any]) -> None:
    check(name, rule, result)


def _extra_cases() -> list[Any]:
    found = []
    for name, instance in expected_outcomes().items():
        for key, result in instance.get("extra_results", {}).items():
            stop = not key.endswith("_no_exhaustive_stop")
            found.append(pytest.param(name, stop, result, id=f"{name}-{key}"))
    return found


@pytest.mark.parametrize(("name", "stop", "result"), _extra_cases())
def test_with_and_without_the_exhaustive_stop(name: str, stop: bool, result: dict[str, Any]) -> None:
    outcome = count(election(name), "mes_cost_add1", stop_when_exhaustive=stop)
    assert list(outcome.selected) == result["selected"]
    assert outcome.exhaustive is result["exhaustive"]
