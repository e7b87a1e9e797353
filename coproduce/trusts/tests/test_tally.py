"""The counting rules, worked by hand (see docs/trusts.md)."""

import pytest

from coproduce.trusts.tally import count


def test_simple_majority_of_agree_over_disagree_with_abstentions_counting_only_to_quorum():
    t = count(responses=[("m", "agree")] * 3 + [("m", "disagree")] * 2 + [("m", "abstain")] * 5,
              eligible={"m": 20}, quorum_percent=50, by_class=False)
    assert t.outcome == "carried"  # 10 of 20 responded = 50% quorum met; 3 > 2
    assert t.as_dict()["counts"] == {"agree": 3, "abstain": 5, "disagree": 2, "block": 0}


def test_a_tie_does_not_carry():
    t = count(responses=[("m", "agree"), ("m", "disagree")], eligible={"m": 2}, quorum_percent=50, by_class=False)
    assert t.outcome == "not_carried"


def test_quorum_is_exact_at_the_boundary():
    nine = count(responses=[("m", "agree")] * 9, eligible={"m": 20}, quorum_percent=50, by_class=False)
    assert nine.outcome == "inquorate"
    assert nine.reasons == ("9 of 20 members responded; the quorum is 50%.",)
    assert count(responses=[("m", "agree")] * 10, eligible={"m": 20}, quorum_percent=50, by_class=False).outcome == "carried"


def test_a_block_stops_a_quorate_proposal():
    t = count(responses=[("m", "agree")] * 9 + [("m", "block")], eligible={"m": 10}, quorum_percent=50, by_class=False)
    assert t.outcome == "blocked" and t.reasons == ("1 member blocked the proposal.",)


def test_by_class_it_must_carry_in_every_class():
    responses = [("user", "agree")] * 8 + [("staff", "agree")] + [("staff", "disagree")] * 2
    t = count(responses=responses, eligible={"user": 10, "staff": 3}, quorum_percent=50, by_class=True)
    assert t.outcome == "not_carried"  # overall 9–2 would carry; staff 1–2 does not
    assert count(responses=responses, eligible={"user": 10, "staff": 3}, quorum_percent=50, by_class=False).outcome == "carried"


def test_by_class_quorum_applies_to_each_class():
    responses = [("user", "agree")] * 10 + [("staff", "agree")]
    t = count(responses=responses, eligible={"user": 10, "staff": 4}, quorum_percent=50, by_class=True)
    assert t.outcome == "inquorate" and t.reasons == ("1 of 4 the staff class responded; the quorum is 50%.",)


def test_no_members_is_inquorate_and_bad_input_is_refused():
    assert count(responses=[], eligible={}, quorum_percent=10, by_class=False).outcome == "inquorate"
    with pytest.raises(ValueError):
        count(responses=[("m", "maybe")], eligible={"m": 1}, quorum_percent=10, by_class=False)
    with pytest.raises(ValueError):
        count(responses=[], eligible={"m": 1}, quorum_percent=101, by_class=False)
