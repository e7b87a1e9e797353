"""Working days, standstill and VAT: hand-worked examples (docs/domain.md §2.5 and §5.2)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from coproduce.commissioning.standstill import nth_working_day, standstill, working_days_between
from coproduce.commissioning.vat import (
    DeliveryMode,
    ServiceCosts,
    council_net_cost,
    delivery_costs,
    to_pence,
    uplift_against_in_house,
)

d = dt.date
EW_2024_25 = {d(2024, 12, 25), d(2024, 12, 26), d(2025, 1, 1)}
EW_2026_27 = {d(2026, 4, 3), d(2026, 4, 6), d(2026, 12, 25), d(2026, 12, 28), d(2027, 1, 1)}


def test_domain_vector_march_2026_no_holidays():
    # Mon 2 Mar (1) Tue 3 (2) Wed 4 (3) Thu 5 (4) Fri 6 (5) Mon 9 (6) Tue 10 (7) Wed 11 (8)
    result = standstill(d(2026, 3, 2), EW_2026_27)
    assert result.last_day == d(2026, 3, 11)
    assert result.contract_from == d(2026, 3, 12)
    assert result.days_skipped == ()


def test_domain_vector_christmas_2024_england_and_wales():
    # Tue 24 Dec (1); 25, 26 holidays; 27 Fri (2); Mon 30 (3); Tue 31 (4); 1 Jan holiday;
    # Thu 2 (5); Fri 3 (6); Mon 6 (7); Tue 7 (8)
    result = standstill(d(2024, 12, 24), EW_2024_25)
    assert result.last_day == d(2025, 1, 7)
    assert result.days_skipped == (d(2024, 12, 25), d(2024, 12, 26), d(2025, 1, 1))
    assert result.calendar_days == 15
    # with Scotland's 2 January as well, one more day: Wed 8 Jan
    assert standstill(d(2024, 12, 24), EW_2024_25 | {d(2025, 1, 2)}).last_day == d(2025, 1, 8)


def test_christmas_2026_with_substitute_boxing_day():
    # Thu 24 Dec (1); Fri 25 holiday; weekend; Mon 28 = Boxing Day substitute; Tue 29 (2);
    # Wed 30 (3); Thu 31 (4); Fri 1 Jan holiday; weekend; Mon 4 (5); Tue 5 (6); Wed 6 (7); Thu 7 (8)
    assert standstill(d(2026, 12, 24), EW_2026_27).last_day == d(2027, 1, 7)


def test_easter_2026():
    # Wed 1 Apr (1); Thu 2 (2); Good Friday 3; weekend; Easter Monday 6; Tue 7 (3) … Tue 14 (8)
    assert standstill(d(2026, 4, 1), EW_2026_27).last_day == d(2026, 4, 14)
    # published on Easter Saturday: day 1 is Tue 7 Apr; Thu 16 Apr is day 8
    result = standstill(d(2026, 4, 4), EW_2026_27)
    assert result.last_day == d(2026, 4, 16)
    assert working_days_between(d(2026, 4, 4), result.last_day, EW_2026_27) == 8


def test_day_before_and_after_a_holiday():
    # Thursday 2 April 2026 is the day before Good Friday: day 1, then Tue 7 is day 2.
    assert nth_working_day(d(2026, 4, 2), 2, EW_2026_27) == d(2026, 4, 7)
    # Tuesday 7 April, the day after Easter Monday, is day 1 itself.
    assert nth_working_day(d(2026, 4, 7), 1, EW_2026_27) == d(2026, 4, 7)
    with pytest.raises(ValueError):
        nth_working_day(d(2026, 4, 7), 0, EW_2026_27)


# --- VAT: C_staff £80,000, C_v £20,000, v 20% --------------------------------------------------


def costs(**kw):
    return ServiceCosts(staff=8_000_000, vatable=2_000_000, **kw)


def test_vat_modes_with_no_margin_and_full_recovery():
    by_mode = {m.mode: m for m in delivery_costs(costs())}
    # in-house: 80,000 + 20,000 = 100,000 (the £4,000 input VAT is refunded under s.33)
    assert by_mode[DeliveryMode.IN_HOUSE].council_net_cost == 10_000_000
    # registered: price 100,000 + VAT 20,000, all of it recovered → 100,000
    assert by_mode[DeliveryMode.REGISTERED].price == 10_000_000
    assert by_mode[DeliveryMode.REGISTERED].vat_charged == 2_000_000
    assert by_mode[DeliveryMode.REGISTERED].council_net_cost == 10_000_000
    # exempt: 80,000 + 20,000 × 1.2 = 104,000, no VAT charged, £4,000 irrecoverable
    assert by_mode[DeliveryMode.EXEMPT].council_net_cost == 10_400_000
    assert by_mode[DeliveryMode.EXEMPT].irrecoverable_input_vat == 400_000
    assert by_mode[DeliveryMode.NOT_REGISTERED].council_net_cost == 10_400_000
    # uplift 0.2 × 20,000 / 100,000 = 4%
    assert uplift_against_in_house(costs()) == Fraction(1, 25)


def test_vat_modes_with_margin_and_partial_recovery():
    by_mode = {m.mode: m for m in delivery_costs(costs(margin=Fraction(5, 100), recovery=Fraction(1, 2)))}
    # in-house: 100,000 + (1 − 0.5) × 4,000 = 102,000
    assert by_mode[DeliveryMode.IN_HOUSE].council_net_cost == 10_200_000
    # registered: price 105,000; VAT 21,000; council recovers half → 105,000 + 10,500 = 115,500
    assert by_mode[DeliveryMode.REGISTERED].council_net_cost == 11_550_000
    # exempt: 104,000 × 1.05 = 109,200
    assert by_mode[DeliveryMode.EXEMPT].council_net_cost == 10_920_000


def test_council_net_cost_of_a_bid_price():
    assert council_net_cost(100, vat_charged=False) == 100
    assert council_net_cost(100, vat_charged=True, recovery=Fraction(0)) == 120
    assert council_net_cost(100, vat_charged=True) == 100


def test_to_pence_rounds_half_up():
    assert to_pence(Fraction(5, 2)) == 3
    assert to_pence(Fraction(249, 100)) == 2
    assert to_pence(Fraction(-5, 2)) == -3


@pytest.mark.parametrize("kw", [dict(staff=-1, vatable=0), dict(staff=0, vatable=0),
                                dict(staff=1, vatable=1, recovery=Fraction(2))])
def test_bad_costs_are_refused(kw):
    with pytest.raises(ValueError):
        ServiceCosts(**kw)
