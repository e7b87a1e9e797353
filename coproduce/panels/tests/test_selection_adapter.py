"""The adapter between rows and the library: commitments, fingerprints, the reserve list, fitting a place."""

from __future__ import annotations

import hashlib
import random
from collections import Counter

from coproduce.panels import selection
from coproduce.panels.selection import PoolEntry, QuotaRow
from coproduce.panels.services import can_take_place


def test_the_seed_commitment_is_plain_sha256_of_the_hex_text():
    seed = "00ff" * 8
    assert selection.seed_sha256(seed) == hashlib.sha256(seed.encode()).hexdigest()
    assert selection.seed_rng(seed).random() == random.Random(int(seed, 16)).random()


def test_the_reserve_generator_is_independent_of_the_draw_generator():
    seed = "1234" * 8
    assert selection.reserve_rng(seed).random() != selection.seed_rng(seed).random()
    assert selection.reserve_rng(seed).random() == selection.reserve_rng(seed).random()


def test_the_inputs_fingerprint_ignores_order_but_not_content():
    pool = [PoolEntry(1, {"g": "w", "d": "no"}, "h1"), PoolEntry(2, {"g": "m", "d": "yes"}, "h2")]
    quotas = [QuotaRow("g", "w", 1, 1), QuotaRow("g", "m", 0, 1)]
    digest = selection.inputs_sha256(size=1, algorithm="leximin", one_per_household=True, quotas=quotas, pool=pool)
    same = selection.inputs_sha256(size=1, algorithm="leximin", one_per_household=True, quotas=quotas[::-1],
                                   pool=[PoolEntry(2, {"d": "yes", "g": "m"}, "h2"), pool[0]])
    assert digest == same
    changed_answer = [PoolEntry(1, {"g": "m", "d": "no"}, "h1"), pool[1]]
    for other in (
        selection.inputs_sha256(size=2, algorithm="leximin", one_per_household=True, quotas=quotas, pool=pool),
        selection.inputs_sha256(size=1, algorithm="maximin", one_per_household=True, quotas=quotas, pool=pool),
        selection.inputs_sha256(size=1, algorithm="leximin", one_per_household=True, quotas=quotas,
                                pool=changed_answer),
        selection.inputs_sha256(size=1, algorithm="leximin", one_per_household=True,
                                quotas=[QuotaRow("g", "w", 0, 1), quotas[1]], pool=pool),
    ):
        assert other != digest


def test_household_keys_match_the_same_address_written_differently_and_need_the_secret():
    a = selection.household_key(secret="k", postcode="RV1 2AB", address_line="Flat 3, Elm Court")
    b = selection.household_key(secret="k", postcode="rv12ab", address_line="flat 3 elm court")
    c = selection.household_key(secret="k", postcode="RV1 2AB", address_line="Flat 4, Elm Court")
    assert a == b != c
    assert selection.household_key(secret="other", postcode="RV1 2AB", address_line="Flat 3, Elm Court") != a
    assert selection.household_key(secret="k", postcode="", address_line="") == ""


def test_the_reserve_list_follows_the_lottery_and_lists_everyone_once():
    # Person 9 is in no panel of the lottery; 1–3 are the panel drawn.
    distribution = [(0.5, [1, 2, 3]), (0.3, [4, 5, 6]), (0.2, [6, 7, 8])]
    everyone = list(range(1, 10))
    order = selection.reserve_order(seed="ab" * 16, distribution=distribution, drawn=[1, 2, 3], everyone=everyone)
    assert sorted(order) == [4, 5, 6, 7, 8, 9]
    assert order[-1] == 9  # never reached by the lottery: after everyone it reaches
    assert order == selection.reserve_order(seed="ab" * 16, distribution=distribution, drawn=[1, 2, 3],
                                            everyone=everyone)


def test_people_more_likely_in_the_lottery_tend_to_come_first_on_the_reserve_list():
    distribution = [(0.9, [1, 2]), (0.1, [3, 4])]
    firsts = Counter(
        selection.reserve_order(seed=f"{n:032x}", distribution=distribution, drawn=[], everyone=[1, 2, 3, 4])[0]
        for n in range(400)
    )
    assert firsts[1] + firsts[2] > 300 and firsts[3] + firsts[4] > 10


QUOTAS = [QuotaRow("g", "w", 2, 2), QuotaRow("g", "m", 2, 2), QuotaRow("d", "yes", 1, 4), QuotaRow("d", "no", 0, 4)]


def _p(n, g, d, h=""):
    return PoolEntry(n, {"g": g, "d": d}, h or f"house-{n}")


def test_with_one_empty_place_only_someone_who_keeps_every_quota_fits():
    seated = [_p(1, "w", "no"), _p(2, "m", "yes"), _p(3, "m", "no")]  # needs a woman
    assert can_take_place(seated=seated, candidate=_p(9, "w", "no"), quotas=QUOTAS, size=4, one_per_household=True)
    assert not can_take_place(seated=seated, candidate=_p(9, "m", "no"), quotas=QUOTAS, size=4,
                              one_per_household=True)
    # Disability yes is needed once; it is already there, so either answer fits.
    assert can_take_place(seated=seated, candidate=_p(9, "w", "yes"), quotas=QUOTAS, size=4, one_per_household=True)


def test_the_same_household_as_a_member_does_not_fit_unless_households_are_ignored():
    seated = [_p(1, "w", "no", "flat-1"), _p(2, "m", "yes"), _p(3, "m", "no")]
    sharing = _p(9, "w", "no", "flat-1")
    assert not can_take_place(seated=seated, candidate=sharing, quotas=QUOTAS, size=4, one_per_household=True)
    assert can_take_place(seated=seated, candidate=sharing, quotas=QUOTAS, size=4, one_per_household=False)


def test_with_two_empty_places_a_candidate_fits_if_the_last_place_can_still_meet_the_minimums():
    seated = [_p(1, "w", "no"), _p(2, "m", "no")]  # needs a woman, a man and one "yes" in 2 places
    assert can_take_place(seated=seated, candidate=_p(9, "w", "yes"), quotas=QUOTAS, size=4, one_per_household=True)
    # One more person can still be both a man and a "yes".
    assert can_take_place(seated=seated, candidate=_p(9, "w", "no"), quotas=QUOTAS, size=4, one_per_household=True)
    # If two "yes" answers are needed, a third "no" would leave one place for two of them.
    two_yes = [*QUOTAS[:2], QuotaRow("d", "yes", 2, 4), QuotaRow("d", "no", 0, 4)]
    assert not can_take_place(seated=seated, candidate=_p(9, "w", "no"), quotas=two_yes, size=4,
                              one_per_household=True)
    assert can_take_place(seated=seated, candidate=_p(9, "w", "yes"), quotas=two_yes, size=4,
                          one_per_household=True)


def test_a_full_panel_takes_no_one():
    seated = [_p(1, "w", "no"), _p(2, "m", "yes"), _p(3, "m", "no"), _p(4, "w", "no")]
    assert not can_take_place(seated=seated, candidate=_p(9, "w", "no"), quotas=QUOTAS, size=4,
                              one_per_household=True)


def test_meets_quotas_checks_counts_and_households():
    panel = [_p(1, "w", "no"), _p(2, "m", "yes"), _p(3, "m", "no"), _p(4, "w", "no")]
    assert selection.meets_quotas(members=panel, quotas=QUOTAS, one_per_household=True)
    assert not selection.meets_quotas(members=panel[:3] + [_p(4, "m", "no")], quotas=QUOTAS, one_per_household=True)
    shared = panel[:3] + [_p(4, "w", "no", "house-1")]
    assert not selection.meets_quotas(members=shared, quotas=QUOTAS, one_per_household=True)
    assert selection.meets_quotas(members=shared, quotas=QUOTAS, one_per_household=False)


def test_the_library_sees_labels_so_its_messages_read_well_unless_labels_clash():
    quotas = [QuotaRow("gender", "woman", 1, 2, "Gender", "Woman or girl"), QuotaRow("gender", "man", 1, 2, "Gender", "Man")]
    features, values = selection.library_names(quotas)
    assert features == {"gender": "Gender"} and values[("gender", "woman")] == "Woman or girl"
    clash = [QuotaRow("ward", "st-annes", 0, 1, "Ward", "St Anne's"), QuotaRow("ward", "st-annes-2", 0, 1, "Ward", "st  anne's")]
    features, values = selection.library_names(clash)
    assert values == {("ward", "st-annes"): "st-annes", ("ward", "st-annes-2"): "st-annes-2"}
    people = selection.to_people([PoolEntry(7, {"gender": "woman"}, "h")], one_per_household=False, quotas=quotas)
    assert people[0].id == "7" and dict(people[0].features) == {"Gender": "Woman or girl"} and people[0].household is None
