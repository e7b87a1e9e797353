import random

import pytest
from django.db.models import Count

from coproduce.accounts import demo as accounts_demo
from coproduce.accounts.models import User
from coproduce.needs import demo
from coproduce.needs.models import Need, NeedResponse, NeedSupport, OutcomeIndicator
from coproduce.places import demo as places_demo

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def borough():
    places_demo.seed(rng=random.Random(1), log=lambda _: None)
    accounts_demo.seed(rng=random.Random(2), log=lambda _: None)


def _snapshot():
    return (
        list(Need.objects.order_by("created_at", "pk").values_list(
            "title", "category", "kind", "status", "support_count", "borough_wide", "ward__name", "neighbourhood__name")),
        NeedSupport.objects.count(),
        list(NeedResponse.objects.order_by("need__created_at", "pk").values_list("need__title", "to_status", "reasons")),
        list(OutcomeIndicator.objects.order_by("need__created_at", "pk").values_list("name", "baseline", "target")),
    )


def test_demo_needs_are_realistic_consistent_and_deterministic(borough):
    lines = []
    demo.seed(rng=random.Random(3), log=lines.append)
    assert Need.objects.count() == demo.NEED_COUNT
    assert Need.objects.values("area_ward").distinct().count() > 5  # spread across the wards
    # the denormalised count is the number of supports, for every need
    counted = dict(Need.objects.annotate(n=Count("supports")).values_list("pk", "n"))
    assert counted == dict(Need.objects.values_list("pk", "support_count"))
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses == set(Need.Status.values)
    assert not OutcomeIndicator.objects.exclude(need__status__in=list(Need.ACCEPTED)).exists()
    assert OutcomeIndicator.objects.count() >= 50
    resident = User.objects.get(email=demo.DEMO_RESIDENT_EMAIL)
    assert NeedSupport.objects.filter(supporter=resident).count() >= 5
    assert "420 needs" in lines[-1]

    first = _snapshot()
    Need.objects.all().delete()
    demo.seed(rng=random.Random(3), log=lines.append)
    assert _snapshot() == first
