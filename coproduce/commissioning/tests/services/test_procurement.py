"""Thresholds and routes are dated rows: boundaries, the 1 January 2026 change, bank holidays."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from coproduce.commissioning.models import BankHoliday, ProcurementThreshold
from coproduce.commissioning.selectors import procurement_classify, standstill_compute

pytestmark = pytest.mark.django_db
d = dt.date


def regime(pounds, on, service_type="services", **kw):
    return procurement_classify(value_pence=int(Decimal(str(pounds)) * 100), on_date=on, service_type=service_type, **kw).regime.value


def test_domain_md_examples_on_1_february_2026():
    on = d(2026, 2, 1)
    assert regime(25_000, on) == "below-not-notifiable"
    assert regime(150_000, on) == "below-notifiable"
    assert regime(400_000, on, "light-touch") == "below-notifiable"
    assert regime(700_000, on, "light-touch") == "light-touch"
    assert regime(210_000, on) == "above-threshold"
    assert regime(210_000, d(2025, 12, 1)) == "below-notifiable"


def test_value_exactly_at_a_threshold_is_at_or_above_it():
    on = d(2026, 2, 1)
    assert regime(207_720, on) == "above-threshold"
    assert regime("207719.99", on) == "below-notifiable"
    assert regime(30_000, on) == "below-notifiable"
    assert regime("29999.99", on) == "below-not-notifiable"
    assert regime(663_540, on, "light-touch") == "light-touch"
    assert regime("663539.99", on, "light-touch") == "below-notifiable"
    assert regime(5_193_000, on, "works") == "above-threshold"


def test_day_before_and_day_of_the_2026_change():
    assert regime(210_000, d(2025, 12, 31)) == "below-notifiable"  # old threshold £214,904
    assert regime(210_000, d(2026, 1, 1)) == "above-threshold"  # new threshold £207,720
    assert regime(214_904, d(2025, 12, 31)) == "above-threshold"


def test_routes_notices_and_standstill_follow_the_regime():
    above = procurement_classify(value_pence=30_000_000, on_date=d(2026, 2, 1), service_type="services")
    assert [r.value for r in above.routes] == ["open", "competitive-flexible", "direct-award"]
    assert above.standstill.value == "mandatory"
    assert any("8 working days" in n for n in above.notices)
    light = procurement_classify(value_pence=70_000_000, on_date=d(2026, 2, 1), service_type="light-touch-reservable",
                                 term_months=60)
    assert "reserved-mutual" in [r.value for r in light.routes]
    assert light.standstill.value == "voluntary"
    too_long = procurement_classify(value_pence=70_000_000, on_date=d(2026, 2, 1), service_type="light-touch-reservable",
                                    term_months=61)
    assert "reserved-mutual" not in [r.value for r in too_long.routes]
    small = procurement_classify(value_pence=1_000_000, on_date=d(2026, 2, 1), service_type="services")
    assert [r.value for r in small.routes] == ["direct-award", "quotes", "open"]
    assert small.standstill.value == "none"


def test_no_threshold_recorded_for_the_date():
    with pytest.raises(ValidationError, match="No procurement threshold is recorded for 1 January 2020"):
        procurement_classify(value_pence=1, on_date=d(2020, 1, 1), service_type="services")


def test_overlapping_threshold_rows_are_refused():
    row = ProcurementThreshold(kind="services", authority="sub-central", value_pence=1, valid_from=d(2027, 1, 1))
    with pytest.raises(ValidationError, match="overlap"):
        row.full_clean()


def test_seeded_bank_holidays_follow_easter_and_substitute_day_rules():
    def easter(year):  # anonymous Gregorian algorithm, independent of the seeded rows
        a, b, c = year % 19, year // 100, year % 100
        d_, e = b // 4, b % 4
        f = (b + 8) // 25
        g = (b - f + 1) // 3
        h = (19 * a + b - d_ - g + 15) % 30
        i, k = c // 4, c % 4
        ll = (32 + 2 * e + 2 * i - h - k) % 7
        m = (a + 11 * h + 22 * ll) // 451
        month = (h + ll - 7 * m + 114) // 31
        return d(year, month, (h + ll - 7 * m + 114) % 31 + 1)

    stored = set(BankHoliday.objects.values_list("date", flat=True))
    for year in range(2024, 2029):
        in_year = sorted(x for x in stored if x.year == year)
        assert len(in_year) == 8, year
        assert easter(year) - dt.timedelta(days=2) in stored
        assert easter(year) + dt.timedelta(days=1) in stored
        assert all(x.weekday() < 5 for x in in_year)  # substitute days are weekdays


def test_standstill_across_christmas_2026_from_stored_holidays():
    period = standstill_compute(published_on=d(2026, 12, 24))
    assert period.last_day == d(2027, 1, 7)
    assert period.contract_from == d(2027, 1, 8)


def test_standstill_across_easter_2027():
    # Thu 25 Mar (1); Good Friday 26; weekend; Easter Monday 29; Tue 30 (2), Wed 31 (3), Thu 1 Apr (4),
    # Fri 2 (5); weekend; Mon 5 (6), Tue 6 (7), Wed 7 (8)
    assert standstill_compute(published_on=d(2027, 3, 25)).last_day == d(2027, 4, 7)


def test_standstill_refuses_a_year_without_holidays():
    with pytest.raises(ValidationError, match="bank holidays for 2029 are not recorded"):
        standstill_compute(published_on=d(2029, 3, 1))


GOVUK = {
    "england-and-wales": {"division": "england-and-wales", "events": [
        {"title": "New Year’s Day", "date": "2029-01-01", "notes": "", "bunting": True},
        {"title": "Good Friday", "date": "2029-03-30", "notes": "", "bunting": False},
    ]},
    "scotland": {"division": "scotland", "events": [{"title": "2nd January", "date": "2029-01-02"}]},
}


def test_import_bank_holidays_from_the_govuk_file(tmp_path, capsys):
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps(GOVUK))
    call_command("commissioning", "import-bank-holidays", str(path))
    assert "2 added" in capsys.readouterr().out
    assert BankHoliday.objects.filter(date=d(2029, 3, 30)).exists()
    assert not BankHoliday.objects.filter(date=d(2029, 1, 2)).exists()  # Scotland only
    call_command("commissioning", "import-bank-holidays", str(path))
    assert "0 added" in capsys.readouterr().out


def test_import_bank_holidays_bad_entry_changes_nothing(tmp_path):
    bad = json.loads(json.dumps(GOVUK))
    bad["england-and-wales"]["events"].append({"title": "Oops", "date": "2029-02-30"})
    path = tmp_path / "bank-holidays.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError, match=r"events\[2\]\.date") as error:
        call_command("commissioning", "import-bank-holidays", str(path))
    assert error.value.returncode == 2
    assert not BankHoliday.objects.filter(date__year=2029).exists()


def test_classify_and_standstill_commands(capsys):
    call_command("commissioning", "classify", "210000", "--date", "2026-02-01")
    out = capsys.readouterr().out
    assert "Above threshold" in out and "8 working days" in out
    call_command("commissioning", "standstill", "2024-12-24")
    assert "Tuesday 7 January 2025" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("commissioning", "standstill", "24/12/2024")
    with pytest.raises(CommandError, match="service type"):
        call_command("commissioning", "classify", "1000", "--service-type", "cakes")
