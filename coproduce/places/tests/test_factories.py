import pytest

from coproduce.places.postcodes import normalise_postcode
from coproduce.places.tests.factories import NeighbourhoodFactory, PostcodeFactory, postcode_for

pytestmark = pytest.mark.django_db


def test_postcode_for_gives_distinct_well_formed_postcodes():
    postcodes = [postcode_for(n) for n in range(5000)]
    assert len(set(postcodes)) == 5000
    assert all(normalise_postcode(p) == p for p in postcodes)


def test_factories_build_a_valid_chain():
    postcode = PostcodeFactory()
    postcode.full_clean()
    postcode.neighbourhood.full_clean()
    postcode.neighbourhood.ward.full_clean()
    postcode.neighbourhood.ward.council.full_clean()
    # Two neighbourhoods share the one council, each with its own ward.
    other = NeighbourhoodFactory()
    assert other.ward.council == postcode.neighbourhood.ward.council
    assert other.ward != postcode.neighbourhood.ward
