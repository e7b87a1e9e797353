import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coproduce.audit.models import AuditEntry
from coproduce.needs.models import Need, NeedSupport
from coproduce.needs.services import need_raise
from coproduce.needs.tests.people import need, resident
from coproduce.places.tests.factories import NeighbourhoodFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_a_need_for_a_neighbourhood_is_in_its_ward_and_supported_by_its_raiser():
    person = resident()
    raised = need(raised_by=person, title="  A safe crossing by the school  ", category="transport")
    raised.refresh_from_db()
    assert raised.title == "A safe crossing by the school"
    assert raised.neighbourhood == person.neighbourhood
    assert raised.area_ward == person.neighbourhood.ward
    assert raised.status == Need.Status.OPEN
    assert raised.support_count == 1
    assert NeedSupport.objects.filter(need=raised, supporter=person).exists()
    entry = AuditEntry.objects.get(action="needs.need.raised")
    assert entry.public and entry.actor == person and entry.object_id == str(raised.pk)
    assert "A safe crossing by the school" in entry.summary


def test_a_ward_need_and_a_borough_need():
    ward = WardFactory()
    in_ward = need(ward=ward)
    borough = need(borough_wide=True)
    assert (in_ward.area_ward, in_ward.place_name) == (ward, f"{ward.name} ward")
    assert (borough.area_ward, borough.place_name) == (None, "The whole borough")


@pytest.mark.parametrize("place", [
    {},
    {"borough_wide": True, "ward": "ward"},
    {"neighbourhood": "neighbourhood", "ward": "ward"},
])
def test_a_need_must_have_exactly_one_place_and_nothing_is_saved_otherwise(place):
    neighbourhood = NeighbourhoodFactory()
    objects = {"ward": neighbourhood.ward, "neighbourhood": neighbourhood}
    kwargs = {k: objects[v] if isinstance(v, str) else v for k, v in place.items()}
    with pytest.raises(ValidationError, match="Choose one place"):
        need_raise(raised_by=resident(), title="Bins", description="Collected too rarely", category="environment", **kwargs)
    assert Need.objects.count() == 0
    assert NeedSupport.objects.count() == 0
    assert not AuditEntry.objects.filter(action="needs.need.raised").exists()


def test_unknown_category_and_blank_title_are_refused():
    with pytest.raises(ValidationError) as exc:
        need_raise(raised_by=resident(), title="   ", description="x", category="parking", borough_wide=True)
    assert set(exc.value.message_dict) >= {"title", "category"}
    assert Need.objects.count() == 0


def _insert(**fields):
    base = {"title": "t", "description": "d", "category": "youth"}
    with transaction.atomic():
        Need.objects.create(**base, **fields)


def test_the_database_refuses_two_places_or_none():
    neighbourhood = NeighbourhoodFactory()
    ward = neighbourhood.ward
    with pytest.raises(IntegrityError):
        _insert(neighbourhood=neighbourhood, ward=ward, area_ward=ward)
    with pytest.raises(IntegrityError):
        _insert(area_ward=ward)
    with pytest.raises(IntegrityError):
        _insert(borough_wide=True, ward=ward, area_ward=ward)
    _insert(borough_wide=True)
    assert Need.objects.count() == 1


def test_the_database_keeps_the_denormalised_ward_consistent():
    ward, other = WardFactory(), WardFactory()
    with pytest.raises(IntegrityError):
        _insert(ward=ward, area_ward=other)
    with pytest.raises(IntegrityError):
        _insert(neighbourhood=NeighbourhoodFactory(ward=ward))  # area_ward missing
    with pytest.raises(IntegrityError):
        _insert(borough_wide=True, area_ward=ward)
