"""LEXIMIN, MAXIMIN and LEGACY on small pools worked out by hand; households; impossible
quotas; reproducible draws; the published (pipage-rounded) lottery."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction

import pytest

from coproduce.sortition import (
    BadInputError,
    InfeasibleQuotasError,
    Person,
    Quota,
    check_quotas,
    pipage_round,
    published_lottery,
    select,
)
from coproduce.sortition.selection import draw
from coproduce.sortition.tests.conftest import check_lottery, raw_instance, solved


def pool(spec: Sequence[tuple[str, dict[str, str], str | None]]) -> list[Person]:
    return [Person(pid, features, household=house) for pid, features, house in spec]


# Two men and four women; the panel of two has one of each: men 1/2, women 1/4.
TWO_BY_GENDER = pool([
    ("m1", {"gender": "man"}, None), ("m2", {"gender": "man"}, None),
    ("w1", {"gender": "woman"}, None), ("w2", {"gender": "woman"}, None),
    ("w3", {"gender": "woman"}, None), ("w4", {"gender": "woman"}, None),
])
ONE_EACH = [Quota("gender", "man", 1, 1), Quota("gender", "woman", 1, 1)]


@pytest.mark.parametrize("algorithm", ["leximin", "maximin"])
def test_one_man_and_one_woman_from_two_men_and_four_women(algorithm: str) -> None:
    selection = select(TWO_BY_GENDER, ONE_EACH, 2, algorithm=algorithm, rng=random.Random(1))
    assert selection.min_probability == pytest.approx(0.25, abs=1e-9)
    assert sum(selection.probabilities.values()) == pytest.approx(2, abs=1e-9)
    if algorithm == "leximin":  # maximin only promises the minimum
        assert selection.probabilities == pytest.approx(
            {"m1": 0.5, "m2": 0.5, "w1": 0.25, "w2": 0.25, "w3": 0.25, "w4": 0.25}, abs=1e-9)
    for panel, _p in selection.distribution:
        assert Counter(p[0] for p in panel) == {"m": 1, "w": 1}


def test_leximin_raises_the_second_lowest_where_maximin_need_not() -> None:
    # Everyone can be on a panel; the two housemates share one seat between them.
    people = pool([("a", {"x": "y"}, "h"), ("b", {"x": "y"}, "h"), ("c", {"x": "y"}, None),
                   ("d", {"x": "y"}, None)])
    quotas = [Quota("x", "y", 0, 3)]
    selection = select(people, quotas, 3, algorithm="leximin", rng=random.Random(0))
    assert selection.probabilities == pytest.approx({"a": 0.5, "b": 0.5, "c": 1.0, "d": 1.0}, abs=1e-9)
    for panel, _p in selection.distribution:
        assert not {"a", "b"} <= panel
    assert [lv.count for lv in selection.levels] == [2, 2]
    assert [lv.probability for lv in selection.levels] == pytest.approx([0.5, 1.0], abs=1e-9)


def test_without_households_the_same_pool_is_even() -> None:
    people = pool([(pid, {"x": "y"}, None) for pid in "abcd"])
    selection = select(people, [Quota("x", "y", 0, 3)], 3, algorithm="leximin", rng=random.Random(0))
    assert selection.probabilities == pytest.approx(dict.fromkeys("abcd", 0.75), abs=1e-9)


def test_households_are_respected_on_a_real_pool() -> None:
    raw = raw_instance("opendlp_monitoring_30")
    from coproduce.sortition import read_people_csv, read_quotas_csv
    from coproduce.sortition.tests.conftest import SORTITION

    quotas = read_quotas_csv(SORTITION / "opendlp_monitoring_30" / "categories.csv")
    people = read_people_csv(SORTITION / "opendlp_monitoring_30" / "respondents.csv", quotas=quotas,
                             id_column="unique_id")
    # Made-up households: people 1 and 2 live together, 3 and 4, and so on.
    homes = {p.id: f"home{(int(p.id) + 1) // 2}" for p in people}
    people = [Person(p.id, p.features, household=homes[p.id]) for p in people]
    selection = select(people, quotas, 30, algorithm="leximin", rng=random.Random(3))
    check_lottery(selection, raw, homes)
    assert 0 < selection.min_probability <= solved("opendlp_monitoring_30").min_probability + 1e-9


def test_maximin_reaches_the_leximin_minimum_on_a_real_pool() -> None:
    maximin = solved("opendlp_monitoring_30", "maximin")
    check_lottery(maximin, raw_instance("opendlp_monitoring_30"))
    assert maximin.min_probability == pytest.approx(solved("opendlp_monitoring_30").min_probability, abs=1e-6)
    assert len(maximin.levels) == 1


def test_legacy_meets_the_quotas_but_is_less_fair() -> None:
    raw = raw_instance("example_small_20")
    from coproduce.sortition import read_people_csv, read_quotas_csv
    from coproduce.sortition.tests.conftest import SORTITION

    quotas = read_quotas_csv(SORTITION / "example_small_20" / "categories.csv")
    people = read_people_csv(SORTITION / "example_small_20" / "respondents.csv", quotas=quotas, id_column="#line")
    legacy = select(people, quotas, 20, algorithm="legacy", rng=random.Random(5), legacy_draws=400)
    assert legacy.algorithm == "legacy" and not legacy.probabilities_exact
    check_lottery(legacy, raw, exact=False)
    # The pool's only female conservative: the quotas make her the hardest to place.
    lone = next(pid for pid, a in raw.answers.items()
                if a == {"gender": "female", "leaning": "conservative"})
    assert legacy.probabilities[lone] < 0.1  # LEXIMIN gives her, like everyone, exactly 10%
    assert solved("example_small_20").probabilities[lone] == pytest.approx(0.1, abs=1e-9)


def test_legacy_on_a_hand_pool_gives_every_panel_one_of_each() -> None:
    selection = select(TWO_BY_GENDER, ONE_EACH, 2, algorithm="legacy", rng=random.Random(2), legacy_draws=200)
    assert sum(selection.probabilities.values()) == pytest.approx(2, abs=1e-9)
    assert sum(p for _, p in selection.distribution) == pytest.approx(1, abs=1e-9)
    for panel, _p in selection.distribution:
        assert Counter(p[0] for p in panel) == {"m": 1, "w": 1}


# Women are all older, men all younger: 2 women and 2 younger people cannot both be on a panel of 2.
CONFLICT = pool([(f"w{i}", {"gender": "woman", "age": "older"}, None) for i in range(3)]
                + [(f"m{i}", {"gender": "man", "age": "younger"}, None) for i in range(3)])
CONFLICT_QUOTAS = [Quota("gender", "woman", 2, 2), Quota("gender", "man", 0, 2),
                   Quota("age", "younger", 2, 2), Quota("age", "older", 0, 2)]


def test_quotas_that_conflict_name_the_features_and_the_smallest_change() -> None:
    with pytest.raises(InfeasibleQuotasError) as caught:
        select(CONFLICT, CONFLICT_QUOTAS, 2, algorithm="leximin", rng=random.Random(0))
    error = caught.value
    assert set(error.features) == {"gender", "age"}
    assert "'gender'" in str(error) and "'age'" in str(error) and "smallest change" in str(error)
    moved = sum(abs(c.new_min - c.min) + abs(c.new_max - c.max) for c in error.relaxations)
    assert moved == 2  # every person is a woman or younger, not both: two seats short
    # The suggestion works.
    relaxed = {(c.feature, c.value): c for c in error.relaxations}
    fixed = [Quota(q.feature, q.value, relaxed[(q.feature, q.value)].new_min, relaxed[(q.feature, q.value)].new_max)
             if (q.feature, q.value) in relaxed else q for q in CONFLICT_QUOTAS]
    check_quotas(CONFLICT, fixed, 2)
    assert len(select(CONFLICT, fixed, 2, algorithm="leximin", rng=random.Random(0)).panel) == 2


def test_minimums_adding_up_to_more_than_the_places_are_explained() -> None:
    quotas = [Quota("gender", "man", 2, 2), Quota("gender", "woman", 2, 4)]
    with pytest.raises(InfeasibleQuotasError) as caught:
        check_quotas(TWO_BY_GENDER, quotas, 3)
    assert caught.value.features == ("gender",)
    assert "the minimums for gender add up to 4, more than the 3 places" in str(caught.value)
    assert caught.value.relaxations


def test_one_household_cannot_fill_two_places_and_no_quota_change_helps() -> None:
    people = pool([(pid, {"x": "y"}, "same") for pid in "abc"])
    with pytest.raises(InfeasibleQuotasError) as caught:
        select(people, [Quota("x", "y", 0, 2)], 2, algorithm="leximin", rng=random.Random(0))
    assert caught.value.relaxations == ()


def test_bad_arguments_are_refused_plainly() -> None:
    with pytest.raises(BadInputError, match="unknown algorithm 'nash'"):
        select(TWO_BY_GENDER, ONE_EACH, 2, algorithm="nash", rng=random.Random(0))
    with pytest.raises(BadInputError, match="random.Random"):
        select(TWO_BY_GENDER, ONE_EACH, 2, rng=0)  # type: ignore[arg-type]
    with pytest.raises(BadInputError, match="more than the 6 people"):
        select(TWO_BY_GENDER, ONE_EACH, 7, rng=random.Random(0))
    with pytest.raises(BadInputError, match="no quota"):
        select(TWO_BY_GENDER, [Quota("gender", "man", 1, 1)], 2, rng=random.Random(0))


def test_the_same_seed_draws_the_same_panel_and_the_lottery_does_not_depend_on_it() -> None:
    people = pool([(f"p{i}", {"gender": "man" if i % 3 else "woman", "age": "young" if i % 2 else "old"}, None)
                   for i in range(24)])
    quotas = [Quota("gender", "man", 3, 4), Quota("gender", "woman", 2, 3),
              Quota("age", "young", 3, 4), Quota("age", "old", 2, 3)]
    runs = {seed: select(people, quotas, 6, rng=random.Random(seed)) for seed in range(8)}
    again = select(people, quotas, 6, rng=random.Random(3))
    assert again.panel == runs[3].panel and again.distribution == runs[3].distribution
    assert len({run.distribution for run in runs.values()}) == 1
    assert len({run.panel for run in runs.values()}) > 1
    # The recipe: the first number of random.Random(seed) picks the panel, panels laid end to end.
    for seed, run in runs.items():
        assert draw(run.distribution, random.Random(seed).random()) == run.panel


def test_pipage_rounding_keeps_the_total_and_each_expectation() -> None:
    values = [Fraction(7, 3), Fraction(1, 3), Fraction(5, 6), Fraction(1, 2), Fraction(0), Fraction(2)]
    assert sum(values) == 6
    rng = random.Random(11)
    totals = [0] * len(values)
    trials = 3000
    for _ in range(trials):
        rounded = pipage_round(values, rng)
        assert sum(rounded) == 6
        for value, r in zip(values, rounded, strict=True):
            assert r in (int(value), -(-value.numerator // value.denominator))
        totals = [t + r for t, r in zip(totals, rounded, strict=True)]
    for value, total in zip(values, totals, strict=True):
        assert total / trials == pytest.approx(float(value), abs=0.05)
    with pytest.raises(ValueError):
        pipage_round([Fraction(1, 2)], rng)


def test_the_published_lottery_has_floor_or_ceiling_tickets_per_panel() -> None:
    selection = solved("sf_fixture_scotland_22")
    tickets = 1000
    lottery = selection.lottery(tickets, random.Random(4))
    assert lottery.size == tickets
    per_panel = Counter(lottery.tickets)
    for panel, p in selection.distribution:
        assert abs(per_panel[panel] - tickets * p) < 1
    containing = Counter(person for panel, _p in selection.distribution for person in panel)
    chances = lottery.probabilities()
    for person, p in selection.probabilities.items():
        assert abs(chances.get(person, 0.0) - p) <= containing[person] / tickets
    number, panel = lottery.draw(random.Random(9))
    assert 1 <= number <= tickets and panel == lottery.tickets[number - 1]
    with pytest.raises(BadInputError):
        published_lottery(selection.distribution, 0, random.Random(0))
