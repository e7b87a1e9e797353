"""Reading a file, writing it and reading it again gives the same election, for every shared file."""

from __future__ import annotations

import pytest

from coproduce.pb import parse_pb, validate_pb, write_pb
from coproduce.pb.tests.conftest import PABULIB, all_files

#: Files up to this size are also checked for a stable rewrite and a clean validation.
SMALL = 400_000


@pytest.mark.parametrize("name", all_files())
def test_round_trip(name: str) -> None:
    path = PABULIB / name
    election = parse_pb(path.read_text(encoding="utf-8-sig"), check_constraints=False)
    written = write_pb(election)
    again = parse_pb(written, check_constraints=False)
    assert again == election
    if path.stat().st_size <= SMALL:
        assert write_pb(again) == written  # writing is deterministic
        problems = [p for p in validate_pb(written) if p.is_error]
        assert all(p.code in ("too-few-points", "too-many-points") for p in problems), problems


def test_every_shared_file_is_checked() -> None:
    if not PABULIB.is_dir():
        pytest.skip("shared pabulib data not found")
    assert len(all_files()) >= 60
