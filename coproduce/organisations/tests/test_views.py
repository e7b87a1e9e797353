import re

import pytest
from django.urls import reverse

from coproduce.accounts.models import Role
from coproduce.audit.models import AuditEntry
from coproduce.organisations.models import LegalForm, Membership, Organisation
from coproduce.organisations.tests.conftest import person, sign_in
from coproduce.organisations.tests.factories import MembershipFactory, OrganisationFactory
from coproduce.places.tests.factories import WardFactory

pytestmark = pytest.mark.django_db


def names_on(body: str) -> list[str]:
    return re.findall(r'<h3 class="govuk-heading-s[^"]*"><a class="govuk-link" href="[^"]+">([^<]+)</a>', body)


@pytest.fixture
def organisations():
    north, south = WardFactory(slug="northbank", name="Northbank"), WardFactory(slug="southbank", name="Southbank")
    return {
        "coop": OrganisationFactory(name="Alpha Co-op", ward=north),
        "charity": OrganisationFactory(name="Beta Charity", legal_form=LegalForm.CHARITY, scheme="GB-CHC", identifier="1090095", ward=south, kind=Organisation.Kind.COMMUNITY),
        "cic": OrganisationFactory(name="Gamma CIC", legal_form=LegalForm.CIC, scheme="GB-COH", identifier="09506232", ward=north),
    }


def test_list_shows_every_organisation_with_its_main_identifier(client, organisations):
    body = client.get(reverse("organisations:organisation_list")).content.decode()
    assert names_on(body) == ["Alpha Co-op", "Beta Charity", "Gamma CIC"]
    assert "GB-CHC-1090095" in body and "GB-COH-09506232" in body
    assert "3 organisations" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"legal_form": LegalForm.CIC}, ["Gamma CIC"]),
        ({"ward": "northbank"}, ["Alpha Co-op", "Gamma CIC"]),
        ({"ward": "northbank", "legal_form": LegalForm.CHARITY}, []),
        ({"kind": "community"}, ["Beta Charity"]),
    ],
)
def test_list_filters(client, organisations, query, expected):
    body = client.get(reverse("organisations:organisation_list"), query).content.decode()
    assert names_on(body) == expected


def test_an_unknown_filter_value_is_explained_not_a_500(client, organisations):
    response = client.get(reverse("organisations:organisation_list"), {"legal_form": "sole-trader"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Select a valid choice" in body
    assert names_on(body) == ["Alpha Co-op", "Beta Charity", "Gamma CIC"]


def test_list_is_paginated_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    ward = WardFactory(slug="northbank")
    for n in range(45):
        OrganisationFactory(name=f"Org {n:02d}", ward=ward)
    # ward choices, count, page, identifiers
    with django_assert_num_queries(4):
        response = client.get(reverse("organisations:organisation_list"), {"page": 2, "ward": "northbank"})
    body = response.content.decode()
    assert names_on(body) == [f"Org {n:02d}" for n in range(20, 40)]
    assert "page=3" in body and "45 organisations" in body


def test_detail_is_public_but_members_are_not(client, organisations):
    coop = organisations["coop"]
    MembershipFactory(organisation=coop, user=person(full_name="Secret Member"))
    response = client.get(reverse("organisations:organisation_detail", kwargs={"slug": coop.slug}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Co-operative society" in body and "GB-MPR-" in body and "Not registered: below the threshold" in body
    assert "Northbank" in body
    assert "Secret Member" not in body and "Members" not in body


@pytest.mark.parametrize(("who", "sees"), [("member", True), ("officer", True), ("administrator", True),
                                           ("other_member", False), ("resident", False)])
def test_members_are_visible_to_members_and_officers_only(client, organisations, who, sees):
    coop = organisations["coop"]
    MembershipFactory(organisation=coop, user=person(full_name="Listed Member"))
    member = person()
    MembershipFactory(organisation=coop, user=member)
    other_member = person()
    MembershipFactory(organisation=organisations["cic"], user=other_member)
    users = {"member": member, "other_member": other_member, "officer": person(Role.OFFICER),
             "administrator": person(Role.ADMINISTRATOR), "resident": person(Role.RESIDENT)}
    sign_in(client, users[who])
    body = client.get(reverse("organisations:organisation_detail", kwargs={"slug": coop.slug})).content.decode()
    assert ("Listed Member" in body) is sees


def test_detail_of_an_unknown_organisation_is_404(client):
    assert client.get(reverse("organisations:organisation_detail", kwargs={"slug": "nope"})).status_code == 404


# Permission ladders: anonymous → sign-in, signed in without permission → 403, with permission → 200.

def ladder(client, url, allowed_user, refused_user):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    sign_in(client, refused_user)
    assert client.get(url).status_code == 403
    client.logout()
    sign_in(client, allowed_user)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ADMINISTRATOR])
def test_register_ladder(client, role):
    refused = person(Role.RESIDENT, Role.PROVIDER_USER)
    ladder(client, reverse("organisations:organisation_register"), person(role), refused)


@pytest.mark.parametrize("name", ["organisations:membership_add", "organisations:identifier_add"])
def test_owner_ladders(client, organisations, name):
    coop = organisations["coop"]
    owner, plain_member = person(), person()
    MembershipFactory(organisation=coop, user=owner, role=Membership.MemberRole.OWNER)
    MembershipFactory(organisation=coop, user=plain_member, role=Membership.MemberRole.BID_WRITER)
    url = reverse(name, kwargs={"slug": coop.slug})
    ladder(client, url, owner, plain_member)
    client.logout()
    sign_in(client, person(Role.OFFICER))
    assert client.get(url).status_code == 200


def test_membership_remove_ladder(client, organisations):
    coop = organisations["coop"]
    owner = person()
    MembershipFactory(organisation=coop, user=owner, role=Membership.MemberRole.OWNER)
    target = MembershipFactory(organisation=coop, user=person())
    url = reverse("organisations:membership_remove", kwargs={"slug": coop.slug, "pk": target.pk})
    ladder(client, url, owner, person(Role.RESIDENT))


def test_refused_posts_change_nothing(client, organisations):
    coop = organisations["coop"]
    sign_in(client, person(Role.RESIDENT))
    response = client.post(reverse("organisations:membership_add", kwargs={"slug": coop.slug}),
                           {"email": "x@example.org", "role": "owner"})
    assert response.status_code == 403
    response = client.post(reverse("organisations:organisation_register"), {"name": "X"})
    assert response.status_code == 403
    assert not coop.memberships.exists() and Organisation.objects.count() == 3


REGISTER = {
    "name": "Riverside Youth Co-operative", "kind": "provider", "legal_form": LegalForm.COOPERATIVE_SOCIETY,
    "ward": "", "description": "", "website": "", "scheme": "GB-MPR", "identifier": "31417r",
    "vat_status": "not-registered", "vat_number": "",
}


def test_officer_registers_an_organisation(client):
    ward = WardFactory(slug="northbank")
    sign_in(client, person(Role.OFFICER))
    response = client.post(reverse("organisations:organisation_register"), {**REGISTER, "ward": "northbank"}, follow=True)
    body = response.content.decode()
    organisation = Organisation.objects.get()
    assert response.redirect_chain[-1][0] == reverse("organisations:organisation_detail", kwargs={"slug": organisation.slug})
    assert "Riverside Youth Co-operative has been registered" in body and "GB-MPR-31417R" in body
    assert organisation.ward == ward
    assert AuditEntry.objects.filter(action="organisations.organisation.registered", public=True).count() == 1


def test_registering_with_an_unusual_register_warns_but_does_not_block(client):
    sign_in(client, person(Role.OFFICER))
    response = client.post(reverse("organisations:organisation_register"),
                           {**REGISTER, "scheme": "GB-COH", "identifier": "9506232"}, follow=True)
    body = response.content.decode()
    assert Organisation.objects.get().identifiers.get().identifier == "09506232"
    assert "usually identified by GB-MPR" in body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"identifier": "31-417"}, "is not a FCA Mutuals Public Register identifier"),
        ({"scheme": ""}, "Choose the register the identifier comes from"),
        ({"identifier": ""}, "Enter the organisation&#39;s identifier"),
        ({"legal_form": ""}, "Choose the legal form"),
        ({"vat_status": "registered"}, "Enter the VAT registration number"),
        ({"vat_status": "registered", "vat_number": "GB980780685"}, "check digits are wrong"),
        ({"vat_number": "GB980780684"}, "Leave the VAT number empty"),
        ({"website": "not a site"}, "Enter a website address"),
    ],
)
def test_register_form_errors(client, changes, message):
    sign_in(client, person(Role.OFFICER))
    response = client.post(reverse("organisations:organisation_register"), {**REGISTER, **changes})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and message in body
    assert not Organisation.objects.exists()


def test_register_refuses_an_identifier_already_used(client, organisations):
    sign_in(client, person(Role.OFFICER))
    response = client.post(reverse("organisations:organisation_register"),
                           {**REGISTER, "scheme": "GB-CHC", "identifier": "1090095"})
    assert "GB-CHC-1090095 already belongs to Beta Charity" in response.content.decode()
    assert Organisation.objects.count() == 3


def test_owner_adds_and_removes_a_member(client, organisations):
    coop = organisations["coop"]
    owner = person()
    MembershipFactory(organisation=coop, user=owner, role=Membership.MemberRole.OWNER)
    newcomer = person(full_name="New Person")
    sign_in(client, owner)
    url = reverse("organisations:membership_add", kwargs={"slug": coop.slug})
    response = client.post(url, {"email": newcomer.email.upper(), "role": "bid_writer"}, follow=True)
    assert "New Person has been added" in response.content.decode()
    membership = coop.memberships.get(user=newcomer)
    assert membership.role == "bid_writer"
    again = client.post(url, {"email": newcomer.email, "role": "member"}).content.decode()
    assert "already a member" in again
    unknown = client.post(url, {"email": "nobody@example.org", "role": "member"}).content.decode()
    assert "There is no account with the email address nobody@example.org" in unknown
    remove = reverse("organisations:membership_remove", kwargs={"slug": coop.slug, "pk": membership.pk})
    client.post(remove)
    assert not coop.memberships.filter(user=newcomer).exists()


def test_the_last_owner_cannot_remove_themself(client, organisations):
    coop = organisations["coop"]
    owner = person()
    membership = MembershipFactory(organisation=coop, user=owner, role=Membership.MemberRole.OWNER)
    sign_in(client, owner)
    response = client.post(reverse("organisations:membership_remove", kwargs={"slug": coop.slug, "pk": membership.pk}))
    assert response.status_code == 200
    assert "only owner" in response.content.decode()
    assert coop.memberships.filter(pk=membership.pk).exists()


def test_owner_adds_an_identifier(client, organisations):
    coop = organisations["coop"]
    owner = person()
    MembershipFactory(organisation=coop, user=owner, role=Membership.MemberRole.OWNER)
    sign_in(client, owner)
    url = reverse("organisations:identifier_add", kwargs={"slug": coop.slug})
    bad = client.post(url, {"scheme": "GB-COH", "identifier": "XX123456"}).content.decode()
    assert "“XX” is not a Companies House prefix" in bad
    client.post(url, {"scheme": "GB-COH", "identifier": "IP31417"})
    assert coop.identifiers.filter(scheme="GB-COH", identifier="IP031417", is_primary=False).exists()


def test_membership_of_another_organisation_cannot_be_removed_through_this_one(client, organisations):
    owner = person()
    MembershipFactory(organisation=organisations["coop"], user=owner, role=Membership.MemberRole.OWNER)
    elsewhere = MembershipFactory(organisation=organisations["cic"], user=person())
    sign_in(client, owner)
    url = reverse("organisations:membership_remove", kwargs={"slug": organisations["coop"].slug, "pk": elsewhere.pk})
    assert client.post(url).status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()
