"""Reading a file, writing it and reading it again gives the same election, for every shared file."""

from __future__ import annotations

import pytest

from coproduce.pb import parse_pb, validate_pb, write_pb
from coproduce.pb.tests.conftest import PABULIB, all_files


@pytest.mark.parametrize("name", all_files())
def test_round_trip(name: str) -> None:
    text = (PABULIB / name).read_text(encoding="utf-8-sig")
    election = parse_pb(text, check_constraints=False)
    written = write_pb(election)
    again = parse_pb(written, check_constraints=False)
    assert again == election
    assert write_pb(again) == written  # writing is deterministic
    assert [p for p in validate_pb(written) if p.is_error and not p.code.startswith(("too-", "points-"))] == []


def test_every_shared_file_is_checked() -> None:
    if not PABULIB.is_dir():
        pytest.skip("shared pabulib data not found")
    assert len(all_files()) >= 60
