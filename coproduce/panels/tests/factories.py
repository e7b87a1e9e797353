"""Helpers that build panels through the services, as officers and residents would.

    panel = open_panel(size=4, questions=("gender", "disability"))
    set_quotas(panel, {"gender": {"woman": (2, 2), "man": (2, 2)}})
    volunteers = add_volunteers(panel, [{"gender": "woman", "disability": "no"}, ...])
    close(panel)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.utils import timezone

from coproduce.accounts.tests.factories import OfficerFactory, ResidentFactory
from coproduce.panels import services
from coproduce.panels.models import FeatureValue, Panel, Volunteer


def today() -> dt.date:
    return timezone.localdate()


def open_panel(*, size: int = 4, questions: Iterable[str] = ("gender", "disability"), officer=None,
               closes_in_days: int = 7, min_age: int | None = None, max_age: int | None = None,
               title: str = "Test panel", one_per_household: bool = True, attached_to=None,
               algorithm: str = "leximin") -> Panel:
    return services.panel_create(
        user=officer or OfficerFactory(), title=title, purpose="To test things.", size=size,
        closes_on=today() + dt.timedelta(days=closes_in_days),
        ends_on=today() + dt.timedelta(days=closes_in_days + 90), feature_keys=list(questions),
        min_age=min_age, max_age=max_age, one_per_household=one_per_household, attached_to=attached_to,
        algorithm=algorithm,
    )


def quota_ids(panel: Panel, quotas: Mapping[str, Mapping[str, tuple[int, int]]]) -> dict[int, tuple[int, int]]:
    """{feature key: {answer key: (min, max)}} → {value id: (min, max)}; unnamed answers get 0 to 0."""
    result = {}
    for value in FeatureValue.objects.filter(feature__panel=panel).select_related("feature"):
        named = quotas.get(value.feature.key)
        if named is not None:
            result[value.pk] = named.get(value.key, (0, 0))
    return result


def set_quotas(panel: Panel, quotas: Mapping[str, Mapping[str, tuple[int, int]]], *, size: int | None = None,
               officer=None) -> Panel:
    return services.panel_set_quotas(panel=panel, user=officer or OfficerFactory(), size=size or panel.size,
                                     quotas=quota_ids(panel, quotas))


def add_volunteers(panel: Panel, answer_sets: Iterable[Mapping[str, str]], *, people=None) -> list[Volunteer]:
    """Each answer set volunteers as a new verified resident (at a different address)."""
    volunteers = []
    for index, answers in enumerate(answer_sets):
        user = people[index] if people is not None else ResidentFactory()
        volunteers.append(services.volunteer_register(panel=panel, user=user, answers=answers, consent=True))
    return volunteers


def close(panel: Panel, *, officer=None, seed: str | None = None) -> Panel:
    return services.panel_close(panel=panel, user=officer or OfficerFactory(),
                                today=panel.closes_on + dt.timedelta(days=1), seed=seed)


def balanced_pool(n_women: int, n_men: int) -> list[dict[str, str]]:
    """Women then men, alternating disability answers."""
    people = [{"gender": "woman", "disability": "yes" if i % 2 else "no"} for i in range(n_women)]
    people += [{"gender": "man", "disability": "yes" if i % 2 else "no"} for i in range(n_men)]
    return people
