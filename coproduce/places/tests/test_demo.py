import random

import pytest
from django.conf import settings

from coproduce.places import demo
from coproduce.places.models import Council, Neighbourhood, Postcode, Ward
from coproduce.places.postcodes import normalise_postcode

pytestmark = pytest.mark.django_db


def seeded(seed=20120601):
    demo.seed(rng=random.Random(seed), log=lambda _: None)
    return (
        list(Ward.objects.values_list("name", "gss_code", "population")),
        list(Neighbourhood.objects.order_by("slug").values_list("slug", "kind", "ward__gss_code")),
        list(Postcode.objects.order_by("postcode").values_list("postcode", "neighbourhood__slug")),
    )


def test_the_demo_borough_has_what_the_issue_asks_for():
    wards, neighbourhoods, postcodes = seeded()
    council = Council.objects.get()
    council.full_clean()
    assert council.name == settings.COPRODUCE_COUNCIL_NAME and council.gss_code == "E09000099"
    assert len(wards) == 25 and len({w[1] for w in wards}) == 25
    for ward in Ward.objects.all():
        ward.full_clean()  # E05 + 6 digits
    assert len(neighbourhoods) >= 60
    assert {kind for _, kind, _ in neighbourhoods} == {"neighbourhood", "estate"}
    per_neighbourhood = {}
    for postcode, slug in postcodes:
        assert normalise_postcode(postcode) == postcode
        per_neighbourhood[slug] = per_neighbourhood.get(slug, 0) + 1
    assert set(per_neighbourhood) == {slug for slug, _, _ in neighbourhoods}
    assert all(10 <= n <= 40 for n in per_neighbourhood.values())
    # One outward code per ward.
    outward_by_ward = {}
    ward_of = {slug: ward for slug, _, ward in neighbourhoods}
    for postcode, slug in postcodes:
        outward_by_ward.setdefault(ward_of[slug], set()).add(postcode.split()[0])
    assert all(len(codes) == 1 for codes in outward_by_ward.values())
    assert len({next(iter(c)) for c in outward_by_ward.values()}) == 25


def test_the_demo_borough_is_the_same_every_time(django_db_blocker):
    first = seeded()
    Postcode.objects.all().delete()
    Neighbourhood.objects.all().delete()
    Ward.objects.all().delete()
    Council.objects.all().delete()
    assert seeded() == first
