import random

import pytest

from coproduce.accounts.models import User
from coproduce.audit.models import AuditEntry
from coproduce.organisations import demo
from coproduce.organisations.models import (
    LegalForm,
    Membership,
    Organisation,
    OrganisationIdentifier,
    VatStatus,
)
from coproduce.organisations.orgid import identifier_check, preference_warning
from coproduce.organisations.vat import vat_checksum_ok
from coproduce.places import demo as places_demo
from coproduce.places.models import Neighbourhood

pytestmark = pytest.mark.django_db


@pytest.fixture
def borough():
    rng = random.Random(1)
    places_demo.seed(rng=rng, log=lambda _: None)
    neighbourhoods = list(Neighbourhood.objects.order_by("pk"))
    User.objects.create_user(demo.PROVIDER_LOGIN, "x", full_name="Demo Provider")
    User.objects.create_user(demo.RESIDENT_LOGIN, "x", full_name="Demo Resident", neighbourhood=neighbourhoods[0])
    for n in range(50):
        User.objects.create_user(f"r{n}@example.org", "x", full_name=f"Resident {n}", neighbourhood=neighbourhoods[n % 60])
    return rng


def snapshot():
    return (
        list(Organisation.objects.order_by("slug").values_list("slug", "legal_form", "kind", "ward__slug", "vat_status", "vat_number")),
        list(OrganisationIdentifier.objects.order_by("scheme", "identifier").values_list("organisation__slug", "scheme", "identifier", "is_primary")),
        list(Membership.objects.order_by("organisation__slug", "user__email").values_list("organisation__slug", "user__email", "role")),
    )


def test_demo_organisations_cover_every_legal_form_and_are_valid(borough, django_assert_max_num_queries):
    with django_assert_max_num_queries(400):
        demo.seed(rng=random.Random(5), log=lambda _: None)
    organisations = list(Organisation.objects.prefetch_related("identifiers"))
    assert len(organisations) >= 60
    assert {o.legal_form for o in organisations} == set(LegalForm.values)
    assert {o.kind for o in organisations} == set(Organisation.Kind.values)
    assert {o.vat_status for o in organisations} == set(VatStatus.values)
    assert sum(o.ward_id is not None for o in organisations) > 50
    for organisation in organisations:
        organisation.full_clean()  # bulk_create skipped it: VAT numbers, constraints, choices
        identifiers = list(organisation.identifiers.all())
        assert sum(i.is_primary for i in identifiers) == 1
        for identifier in identifiers:
            checked = identifier_check(scheme=identifier.scheme, identifier=identifier.identifier)
            assert checked.identifier == identifier.identifier and not checked.warnings
        if organisation.vat_number:
            assert vat_checksum_ok(organisation.vat_number[2:11])
    # Main identifiers follow the usual register for the legal form, except a few on purpose.
    unusual = [o.name for o in organisations
               if preference_warning(legal_form=o.legal_form, scheme=o.primary_identifier.scheme)]
    assert unusual == ["Ferry Lane Bike Workers' Co-op"]
    assert AuditEntry.objects.filter(action="organisations.organisation.registered", public=True).count() == len(organisations)


def test_demo_members_include_the_provider_login_as_owner_of_a_cooperative(borough):
    demo.seed(rng=random.Random(5), log=lambda _: None)
    owned = Membership.objects.get(user__email=demo.PROVIDER_LOGIN)
    assert owned.role == Membership.MemberRole.OWNER
    assert owned.organisation.legal_form == LegalForm.COOPERATIVE_SOCIETY
    assert Membership.objects.filter(user__email=demo.RESIDENT_LOGIN).exists()
    assert Membership.objects.count() > 20
    for membership in Membership.objects.all():
        membership.full_clean()


def test_demo_organisations_are_the_same_every_time(borough):
    demo.seed(rng=random.Random(5), log=lambda _: None)
    first = snapshot()
    Membership.objects.all().delete()
    OrganisationIdentifier.objects.all().delete()
    Organisation.objects.all().delete()
    demo.seed(rng=random.Random(5), log=lambda _: None)
    assert snapshot() == first


def test_demo_without_users_still_seeds_organisations():
    places_demo.seed(rng=random.Random(1), log=lambda _: None)
    demo.seed(rng=random.Random(5), log=lambda _: None)
    assert Organisation.objects.count() >= 60 and not Membership.objects.exists()


def test_demo_vat_numbers_pass_the_check():
    rng = random.Random(3)
    numbers = [demo.demo_vat_number(rng) for _ in range(500)]
    assert all(len(n) == 11 and vat_checksum_ok(n[2:]) for n in numbers)
