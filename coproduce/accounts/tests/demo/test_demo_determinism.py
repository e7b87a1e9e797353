import random

import pytest
from django.core.management import call_command

from coproduce.accounts import demo
from coproduce.accounts.models import User
from coproduce.places import demo as places_demo

pytestmark = pytest.mark.django_db


def test_seeding_is_deterministic():
    def names() -> list[str]:
        rng = random.Random(7)
        places_demo.seed(rng=rng, log=lambda _m: None)
        demo.seed(rng=rng, log=lambda _m: None)
        result = list(User.objects.order_by("email").values_list("email", "full_name", "postcode", "verification_status"))
        return result

    first = names()

    call_command("flush", interactive=False, verbosity=0)
    assert names() == first
