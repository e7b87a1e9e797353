"""Seed the procurement thresholds (docs/domain.md §0) and England and Wales bank holidays.

Thresholds are VAT-inclusive whole-term values in pence. Bank holidays 2024–2026 are those
published by GOV.UK (https://www.gov.uk/bank-holidays); 2027–2028 follow the usual rules
(substitute days when a holiday falls at a weekend) and must be checked against GOV.UK when it
publishes them. Councils add later years with `coproduce commissioning import-bank-holidays`
or in the admin.
"""

import datetime as dt

from django.db import migrations

DEVONSHIRES = "Devonshires, 'New public procurement thresholds from 1 January 2026'"
BELOW = "Ward Hadaway 'Below-threshold contracts'; PPN 01/23 for the same values before 24 Feb 2025"

THRESHOLDS = [
    # kind, authority, pounds, valid_from, valid_to, source
    ("services", "sub-central", 214_904, "2024-01-01", "2025-12-31", DEVONSHIRES),
    ("services", "sub-central", 207_720, "2026-01-01", None, DEVONSHIRES),
    ("services", "central", 139_688, "2024-01-01", "2025-12-31", DEVONSHIRES),
    ("services", "central", 135_018, "2026-01-01", None, DEVONSHIRES),
    ("works", "sub-central", 5_372_609, "2024-01-01", "2025-12-31", DEVONSHIRES),
    ("works", "sub-central", 5_193_000, "2026-01-01", None, DEVONSHIRES),
    ("works", "central", 5_372_609, "2024-01-01", "2025-12-31", DEVONSHIRES),
    ("works", "central", 5_193_000, "2026-01-01", None, DEVONSHIRES),
    ("light-touch", "sub-central", 663_540, "2024-01-01", None, DEVONSHIRES + " (unchanged in 2026)"),
    ("light-touch", "central", 663_540, "2024-01-01", None, DEVONSHIRES + " (unchanged in 2026)"),
    ("notifiable", "sub-central", 30_000, "2022-12-21", None, BELOW),
    ("notifiable", "central", 12_000, "2022-12-21", None, BELOW),
]

BANK_HOLIDAYS = {
    2024: [("01-01", "New Year’s Day"), ("03-29", "Good Friday"), ("04-01", "Easter Monday"),
           ("05-06", "Early May bank holiday"), ("05-27", "Spring bank holiday"), ("08-26", "Summer bank holiday"),
           ("12-25", "Christmas Day"), ("12-26", "Boxing Day")],
    2025: [("01-01", "New Year’s Day"), ("04-18", "Good Friday"), ("04-21", "Easter Monday"),
           ("05-05", "Early May bank holiday"), ("05-26", "Spring bank holiday"), ("08-25", "Summer bank holiday"),
           ("12-25", "Christmas Day"), ("12-26", "Boxing Day")],
    2026: [("01-01", "New Year’s Day"), ("04-03", "Good Friday"), ("04-06", "Easter Monday"),
           ("05-04", "Early May bank holiday"), ("05-25", "Spring bank holiday"), ("08-31", "Summer bank holiday"),
           ("12-25", "Christmas Day"), ("12-28", "Boxing Day (substitute day)")],
    2027: [("01-01", "New Year’s Day"), ("03-26", "Good Friday"), ("03-29", "Easter Monday"),
           ("05-03", "Early May bank holiday"), ("05-31", "Spring bank holiday"), ("08-30", "Summer bank holiday"),
           ("12-27", "Christmas Day (substitute day)"), ("12-28", "Boxing Day (substitute day)")],
    2028: [("01-03", "New Year’s Day (substitute day)"), ("04-14", "Good Friday"), ("04-17", "Easter Monday"),
           ("05-01", "Early May bank holiday"), ("05-29", "Spring bank holiday"), ("08-28", "Summer bank holiday"),
           ("12-25", "Christmas Day"), ("12-26", "Boxing Day")],
}


def seed(apps, schema_editor):
    Threshold = apps.get_model("commissioning", "ProcurementThreshold")
    BankHoliday = apps.get_model("commissioning", "BankHoliday")
    for kind, authority, pounds, start, end, source in THRESHOLDS:
        Threshold.objects.get_or_create(
            kind=kind, authority=authority, valid_from=dt.date.fromisoformat(start),
            defaults={"value_pence": pounds * 100, "valid_to": dt.date.fromisoformat(end) if end else None,
                      "source": source},
        )
    for year, days in BANK_HOLIDAYS.items():
        for month_day, title in days:
            BankHoliday.objects.get_or_create(
                division="england-and-wales", date=dt.date.fromisoformat(f"{year}-{month_day}"),
                defaults={"title": title},
            )


def unseed(apps, schema_editor):
    apps.get_model("commissioning", "ProcurementThreshold").objects.all().delete()
    apps.get_model("commissioning", "BankHoliday").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
