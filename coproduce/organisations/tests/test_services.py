import pytest
from django.core.exceptions import ValidationError

from coproduce.audit.models import AuditEntry
from coproduce.organisations.models import (
    LegalForm,
    Membership,
    Organisation,
    OrganisationIdentifier,
    VatStatus,
)
from coproduce.organisations.services import (
    membership_add,
    membership_remove,
    organisation_identifier_add,
    organisation_register,
)
from coproduce.organisations.tests.conftest import person
from coproduce.organisations.tests.factories import OrganisationFactory
from coproduce.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def register(**overrides):
    values = {"name": "Riverside Youth Co-operative", "legal_form": LegalForm.COOPERATIVE_SOCIETY,
              "scheme": "GB-MPR", "identifier": "31417r"}
    return organisation_register(**{**values, **overrides})


def test_register_normalises_the_identifier_and_writes_a_public_audit_entry(officer):
    ward = WardFactory()
    organisation = register(ward=ward, vat_status=VatStatus.REGISTERED, vat_number="gb 980 7806 84", actor=officer)
    assert organisation.slug == "riverside-youth-co-operative"
    assert organisation.vat_number == "GB980780684"
    assert organisation.registered_by == officer
    assert [(i.org_id, i.is_primary) for i in organisation.identifiers.all()] == [("GB-MPR-31417R", True)]
    entry = AuditEntry.objects.get(action="organisations.organisation.registered")
    assert entry.public and entry.data["org_id"] == "GB-MPR-31417R" and entry.actor == officer
    assert "Riverside Youth Co-operative" in entry.summary


def test_company_numbers_keep_leading_zeros():
    organisation = register(name="Northbank Care Mutual CIC", legal_form=LegalForm.CIC, scheme="GB-COH", identifier="9506232")
    assert organisation.identifiers.get().identifier == "09506232"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"identifier": "not a number!"}, "identifier"),
        ({"scheme": "GB-XYZ"}, "identifier"),
        ({"vat_status": VatStatus.REGISTERED, "vat_number": ""}, "vat_number"),
        ({"vat_status": VatStatus.REGISTERED, "vat_number": "GB980780685"}, "vat_number"),
        ({"vat_status": VatStatus.EXEMPT, "vat_number": "GB980780684"}, "vat_number"),
        ({"legal_form": "sole-trader"}, "legal_form"),
        ({"name": ""}, "name"),
    ],
)
def test_register_refuses_bad_input_and_changes_nothing(overrides, field):
    with pytest.raises(ValidationError) as error:
        register(**overrides)
    assert field in error.value.message_dict
    assert not Organisation.objects.exists() and not OrganisationIdentifier.objects.exists()
    assert not AuditEntry.objects.filter(action="organisations.organisation.registered").exists()


def test_an_identifier_cannot_belong_to_two_organisations():
    register()
    with pytest.raises(ValidationError) as error:
        register(name="Another Co-op", identifier="31417R")
    assert "GB-MPR-31417R already belongs to Riverside Youth Co-operative" in error.value.message_dict["identifier"][0]
    assert Organisation.objects.count() == 1


def test_slugs_are_unique_and_never_clash_with_pages():
    first = register(name="Register")
    second = register(name="Register", identifier="235C")
    assert (first.slug, second.slug) == ("register-2", "register-3")


def test_identifier_add_can_take_over_as_primary():
    organisation = register()
    organisation_identifier_add(organisation=organisation, scheme="GB-COH", identifier="IP031455")
    assert organisation.identifiers.get(scheme="GB-COH").is_primary is False
    organisation_identifier_add(organisation=organisation, scheme="GB-CHC", identifier="1090095", is_primary=True)
    assert list(organisation.identifiers.filter(is_primary=True).values_list("scheme", flat=True)) == ["GB-CHC"]
    assert AuditEntry.objects.filter(action="organisations.identifier.added", public=True).count() == 2


def test_identifier_add_refuses_bad_identifiers():
    organisation = register()
    with pytest.raises(ValidationError):
        organisation_identifier_add(organisation=organisation, scheme="GB-CHC", identifier="12")
    assert organisation.identifiers.count() == 1


def test_membership_add_and_remove_are_audited_privately(officer):
    organisation = OrganisationFactory()
    owner, member = person(), person()
    membership_add(organisation=organisation, user=owner, role=Membership.MemberRole.OWNER, actor=officer)
    membership = membership_add(organisation=organisation, user=member, actor=officer)
    with pytest.raises(ValidationError):
        membership_add(organisation=organisation, user=member, actor=officer)
    membership_remove(membership=membership, actor=owner)
    assert list(organisation.memberships.values_list("user", flat=True)) == [owner.pk]
    actions = list(AuditEntry.objects.order_by("sequence").values_list("action", "public"))
    assert actions == [("organisations.membership.added", False), ("organisations.membership.added", False),
                       ("organisations.membership.removed", False)]


def test_the_last_owner_cannot_be_removed():
    organisation = OrganisationFactory()
    owner = membership_add(organisation=organisation, user=person(), role=Membership.MemberRole.OWNER)
    with pytest.raises(ValidationError) as error:
        membership_remove(membership=owner)
    assert "only owner" in error.value.messages[0]
    second = membership_add(organisation=organisation, user=person(), role=Membership.MemberRole.OWNER)
    membership_remove(membership=owner)
    assert list(organisation.memberships.all()) == [second]
