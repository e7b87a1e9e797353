"""Fixtures for coproduce.pb tests: the shared pabulib instances and pabutools' reference outcomes."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import pytest

from coproduce.pb import Election, read_pb

ROOT = Path(__file__).resolve().parents[3]
PABULIB = Path(os.environ.get("COPRODUCE_SHARED_DIR", ROOT.parent / "shared")) / "data" / "pabulib"
EXPECTED_FILE = PABULIB / "expected_pabutools.json"


def expected_outcomes() -> dict[str, Any]:
    """pabutools' outcomes per instance (empty when the shared data is absent)."""
    if not EXPECTED_FILE.is_file():
        return {}
    return dict(json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))["instances"])


def all_files() -> list[str]:
    """Every .pb file of the shared data, as a path relative to the pabulib folder."""
    if not PABULIB.is_dir():
        return []
    return sorted(str(p.relative_to(PABULIB)) for p in PABULIB.rglob("*.pb"))


@functools.lru_cache(maxsize=8)
def election(name: str) -> Election:
    """A shared instance, read once per test process (ballot rules not enforced, as pabutools)."""
    return read_pb(PABULIB / name, check_constraints=False)


@pytest.fixture
def pabulib(shared_data: Path) -> Path:
    return shared_data / "pabulib"
