"""Working days and the standstill period (Procurement Act 2023 s.51), without Django.

A working day is any day that is not a Saturday, a Sunday or a bank holiday. The bank holidays
are passed in (the app stores the England and Wales list as dated rows, see docs/commissioning.md),
so the rule is testable with any calendar.

The mandatory standstill is 8 working days *beginning with* the day the contract award notice is
published: when that day is a working day it is day 1. The contract may be entered into from
the day after the last day of the standstill.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

STANDSTILL_WORKING_DAYS = 8


def is_working_day(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def nth_working_day(start: dt.date, n: int, holidays: Collection[dt.date]) -> dt.date:
    """The n-th working day of a period beginning with `start` (which is day 1 if it is a working day)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day = start
    count = 0
    while True:
        if is_working_day(day, holidays):
            count += 1
            if count == n:
                return day
        day += dt.timedelta(days=1)


def working_days_between(first: dt.date, last: dt.date, holidays: Collection[dt.date]) -> int:
    """How many working days from `first` to `last`, both included."""
    count = 0
    day = first
    while day <= last:
        count += is_working_day(day, holidays)
        day += dt.timedelta(days=1)
    return count


@dataclass(frozen=True)
class Standstill:
    notice_published_on: dt.date
    working_days: int
    last_day: dt.date
    contract_from: dt.date
    days_skipped: tuple[dt.date, ...]

    @property
    def calendar_days(self) -> int:
        return (self.last_day - self.notice_published_on).days + 1


def standstill(published_on: dt.date, holidays: Collection[dt.date],
               working_days: int = STANDSTILL_WORKING_DAYS) -> Standstill:
    last = nth_working_day(published_on, working_days, holidays)
    skipped = tuple(
        published_on + dt.timedelta(days=i)
        for i in range((last - published_on).days + 1)
        if (published_on + dt.timedelta(days=i)) in holidays
        and (published_on + dt.timedelta(days=i)).weekday() < 5
    )
    return Standstill(published_on, working_days, last, last + dt.timedelta(days=1), skipped)
