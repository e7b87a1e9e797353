import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.places.models import Neighbourhood, Postcode, Ward
from coproduce.places.services import neighbourhood_create, postcodes_import, ward_create
from coproduce.places.tests.factories import (
    CouncilFactory,
    NeighbourhoodFactory,
    PostcodeFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


def test_ward_create_checks_the_gss_code_and_writes_a_public_audit_entry():
    council = CouncilFactory()
    ward = ward_create(council=council, name="Castle Green", gss_code="E05099005", population=12000)
    assert ward.slug == "castle-green"
    entry = AuditEntry.objects.get(action="places.ward.created")
    assert entry.public and entry.object_id == str(ward.pk) and "E05099005" in entry.summary


@pytest.mark.parametrize("code", ["E0509900", "E09000099", "e05099005", "W05000001"])
def test_ward_create_refuses_a_bad_gss_code_and_changes_nothing(code):
    council = CouncilFactory()
    with pytest.raises(ValidationError) as error:
        ward_create(council=council, name="Castle Green", gss_code=code)
    assert "gss_code" in error.value.message_dict
    assert not Ward.objects.exists()
    assert not AuditEntry.objects.filter(action="places.ward.created").exists()


def test_neighbourhood_create_makes_unique_slugs():
    ward = WardFactory()
    first = neighbourhood_create(ward=ward, name="Tideway Estate", kind=Neighbourhood.Kind.ESTATE)
    other_ward = WardFactory()
    second = neighbourhood_create(ward=other_ward, name="Tideway Estate", kind=Neighbourhood.Kind.ESTATE)
    assert (first.slug, second.slug) == ("tideway-estate", "tideway-estate-2")
    assert AuditEntry.objects.filter(action="places.neighbourhood.created").count() == 2


def test_neighbourhood_names_are_unique_within_a_ward():
    ward = WardFactory()
    neighbourhood_create(ward=ward, name="Old Town")
    with pytest.raises(ValidationError):
        neighbourhood_create(ward=ward, name="Old Town")


def test_postcodes_import_adds_moves_and_keeps():
    a, b = NeighbourhoodFactory(), NeighbourhoodFactory()
    PostcodeFactory(postcode="RV1 1AA", neighbourhood=a)
    PostcodeFactory(postcode="RV1 1AB", neighbourhood=a)
    result = postcodes_import(rows=[("RV1 1AA", a), ("RV1 1AB", b), ("RV1 1AD", b)])
    assert (result.created, result.updated, result.unchanged, result.removed) == (1, 1, 1, 0)
    assert dict(Postcode.objects.values_list("postcode", "neighbourhood__slug")) == {
        "RV1 1AA": a.slug, "RV1 1AB": b.slug, "RV1 1AD": b.slug,
    }
    entry = AuditEntry.objects.get(action="places.postcodes.imported")
    assert entry.data["created"] == 1 and entry.data["updated"] == 1 and entry.public


def test_postcodes_import_with_replace_removes_the_rest():
    a = NeighbourhoodFactory()
    PostcodeFactory(postcode="RV1 1AA", neighbourhood=a)
    PostcodeFactory(postcode="RV1 1AB", neighbourhood=a)
    result = postcodes_import(rows=[("RV1 1AD", a)], replace=True)
    assert (result.created, result.removed) == (1, 2)
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["RV1 1AD"]
