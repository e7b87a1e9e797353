"""The questions a panel can ask its volunteers, and their answers.

A panel copies the questions it asks (and their answers) into its own rows when it is
opened, so changing this list later never changes a recruitment that is already running.
The answers are the "features" a sortition algorithm balances: the panel's quotas say how
many people with each answer it needs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Choice:
    key: str
    label: str | Promise


@dataclass(frozen=True)
class Question:
    key: str
    label: str | Promise
    question: str | Promise
    hint: str | Promise = ""


PREFER_NOT_TO_SAY = Choice("prefer-not-to-say", _("Prefer not to say"))

QUESTIONS: dict[str, Question] = {
    "age-band": Question("age-band", _("Age band"), _("How old are you?")),
    "gender": Question("gender", _("Gender"), _("What is your gender?")),
    "ward": Question("ward", _("Ward"), _("Which ward do you live in?"),
                     _("We have filled in the ward of the address on your account.")),
    "disability": Question(
        "disability", _("Disability"),
        _("Do you consider yourself to have a disability or a long-term health condition?"),
        _("A physical or mental condition or illness that has lasted or is expected to last 12 months or more.")),
    "ethnicity": Question("ethnicity", _("Ethnic group"), _("What is your ethnic group?")),
    "tenure": Question("tenure", _("Housing"), _("Which best describes your home?")),
}

FIXED_CHOICES: dict[str, tuple[Choice, ...]] = {
    "gender": (
        Choice("woman", _("Woman or girl")),
        Choice("man", _("Man or boy")),
        Choice("another", _("Non-binary, or in another way")),
        PREFER_NOT_TO_SAY,
    ),
    "disability": (Choice("yes", _("Yes")), Choice("no", _("No")), PREFER_NOT_TO_SAY),
    # The high-level groups of the 2021 census question for England.
    "ethnicity": (
        Choice("asian", _("Asian or Asian British")),
        Choice("black", _("Black, Black British, Caribbean or African")),
        Choice("mixed", _("Mixed or multiple ethnic groups")),
        Choice("white", _("White")),
        Choice("other", _("Another ethnic group")),
        PREFER_NOT_TO_SAY,
    ),
    "tenure": (
        Choice("owner", _("Owned, outright or with a mortgage")),
        Choice("social", _("Rented from the council or a housing association")),
        Choice("private", _("Rented from a private landlord")),
        Choice("family", _("Living with family or friends")),
        Choice("other", _("Something else")),
    ),
}

#: Where each age band starts. The bands are cut to the panel's age limits.
AGE_BAND_STARTS = (16, 19, 22, 26, 35, 45, 55, 65, 75)


def age_bands(*, min_age: int | None, max_age: int | None) -> list[tuple[int | None, int | None]]:
    """The age bands (lowest, highest; None = open) that overlap the panel's age limits."""
    edges: list[int | None] = [None, *AGE_BAND_STARTS]
    bands = []
    for index, start in enumerate(edges):
        end = AGE_BAND_STARTS[index] - 1 if index < len(AGE_BAND_STARTS) else None
        low = start if min_age is None else (min_age if start is None else max(start, min_age))
        high = end if max_age is None else (max_age if end is None else min(end, max_age))
        if low is not None and high is not None and low > high:
            continue
        bands.append((low, high))
    return bands


def age_band_choice(low: int | None, high: int | None) -> Choice:
    if low is None:
        return Choice(f"under-{high + 1}", gettext("Under %(age)s") % {"age": high + 1})  # type: ignore[operator]
    if high is None:
        return Choice(f"{low}-plus", gettext("%(age)s or over") % {"age": low})
    return Choice(f"{low}-{high}", gettext("%(low)s to %(high)s") % {"low": low, "high": high})


def age_band_for(*, date_of_birth: dt.date | None, today: dt.date, min_age: int | None,
                 max_age: int | None) -> str:
    """The key of the age band someone born on `date_of_birth` is in today ('' if none fits)."""
    if date_of_birth is None:
        return ""
    age = today.year - date_of_birth.year - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))
    for low, high in age_bands(min_age=min_age, max_age=max_age):
        if (low is None or age >= low) and (high is None or age <= high):
            return age_band_choice(low, high).key
    return ""


def choices_for(key: str, *, min_age: int | None = None, max_age: int | None = None,
                wards=()) -> list[Choice]:
    """The answers to one question for a panel with these age limits, in the borough's wards."""
    if key == "age-band":
        return [age_band_choice(low, high) for low, high in age_bands(min_age=min_age, max_age=max_age)]
    if key == "ward":
        return [Choice(ward.slug, ward.name) for ward in wards]
    return list(FIXED_CHOICES[key])


def question_choices() -> list[tuple[str, str]]:
    return [(q.key, q.label) for q in QUESTIONS.values()]
