import random

import pytest
from django.db import transaction

from coproduce.accounts import demo
from coproduce.accounts.models import User
from coproduce.places import demo as places_demo

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    """Raised to roll the first seeding back (TRUNCATE inside a test's transaction fails on PostgreSQL)."""


def test_seeding_is_deterministic():
    def names() -> list[str]:
        rng = random.Random(7)
        places_demo.seed(rng=rng, log=lambda _m: None)
        demo.seed(rng=rng, log=lambda _m: None)
        return list(User.objects.order_by("email").values_list("email", "full_name", "postcode", "verification_status"))

    first: list[str] = []
    with pytest.raises(_Undo), transaction.atomic():
        first = names()
        raise _Undo
    assert not User.objects.exists()
    assert len(first) > demo.RESIDENT_COUNT
    assert names() == first
