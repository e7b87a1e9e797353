import pytest
from django.urls import reverse

from coproduce.accounts import services
from coproduce.accounts.models import LetterCode, Role, User
from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import (
    AdministratorFactory,
    CouncillorFactory,
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
)
from coproduce.audit.models import AuditEntry
from coproduce.places.tests.factories import NeighbourhoodFactory, WardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return PendingResidentFactory(full_name="Hodan Warsame")


PAGES = {
    "resident_list": (lambda p: reverse("accounts:resident_list"), "officer"),
    "resident_detail": (lambda p: reverse("accounts:resident_detail", args=[p.pk]), "officer"),
    "letters_to_post": (lambda p: reverse("accounts:letters_to_post"), "officer"),
    "user_roles": (lambda p: reverse("accounts:user_roles", args=[p.pk]), "administrator"),
}


@pytest.mark.parametrize("name", PAGES)
def test_permission_ladder(client, person, name):
    url_for, allowed = PAGES[name]
    url = url_for(person)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("accounts:login"))

    sign_in(client, ResidentFactory())
    assert client.get(url).status_code == 403
    sign_in(client, CouncillorFactory())
    assert client.get(url).status_code == 403
    if allowed == "administrator":
        sign_in(client, OfficerFactory())
        assert client.get(url).status_code == 403
        sign_in(client, AdministratorFactory())
    else:
        sign_in(client, OfficerFactory())
    assert client.get(url).status_code == 200


def test_the_decision_ladder(client, person):
    url = reverse("accounts:resident_decide", args=[person.pk])
    data = {"decision": "approve", "reason": "Electoral register"}
    assert client.post(url, data).url.startswith(reverse("accounts:login"))
    sign_in(client, ResidentFactory())
    assert client.post(url, data).status_code == 403
    person.refresh_from_db()
    assert person.verification_status == User.Verification.PENDING
    sign_in(client, OfficerFactory())
    assert client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.verification_status == User.Verification.VERIFIED


def test_a_decision_without_a_reason_shows_the_error_and_changes_nothing(client, person):
    sign_in(client, OfficerFactory())
    response = client.post(reverse("accounts:resident_decide", args=[person.pk]), {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html and "Enter the reason for your decision" in html and 'href="#reason"' in html
    person.refresh_from_db()
    assert person.verification_status == User.Verification.PENDING


def test_an_officer_rejects_a_resident(client, person):
    sign_in(client, OfficerFactory())
    response = client.post(reverse("accounts:resident_decide", args=[person.pk]),
                           {"decision": "reject", "reason": "Not on the council tax list"}, follow=True)
    assert "You did not accept the address of Hodan Warsame" in response.content.decode()
    person.refresh_from_db()
    assert person.verification_status == User.Verification.REJECTED
    assert "Not on the council tax list" in response.content.decode()  # shown in the history


def test_the_list_filters_by_ward_neighbourhood_status_and_name(client):
    ward = WardFactory()
    here, there = NeighbourhoodFactory(ward=ward), NeighbourhoodFactory()
    ResidentFactory(full_name="Alice Here", neighbourhood=here)
    PendingResidentFactory(full_name="Bola Here", neighbourhood=here)
    ResidentFactory(full_name="Carys There", neighbourhood=there)
    OfficerFactory(full_name="Dee Officer")
    sign_in(client, OfficerFactory())
    url = reverse("accounts:resident_list")

    def names(**params):
        html = client.get(url, params).content.decode()
        return [n for n in ("Alice Here", "Bola Here", "Carys There", "Dee Officer") if n in html]

    assert names() == ["Alice Here", "Bola Here", "Carys There"]  # residents by default
    assert names(ward=ward.pk) == ["Alice Here", "Bola Here"]
    assert names(neighbourhood=there.pk) == ["Carys There"]
    assert names(status="pending") == ["Bola Here"]
    assert names(q="carys") == ["Carys There"]
    assert names(role="") == ["Alice Here", "Bola Here", "Carys There", "Dee Officer"]
    assert names(ward="not-a-number", status="nonsense") == ["Alice Here", "Bola Here", "Carys There"]


def test_the_list_is_paginated_and_its_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    officer = OfficerFactory()
    neighbourhoods = [NeighbourhoodFactory() for _ in range(3)]
    for n in range(5):
        ResidentFactory(neighbourhood=neighbourhoods[n % 3])
    sign_in(client, officer)
    url = reverse("accounts:resident_list")
    client.get(url)  # warm up
    # session, user, user's roles, count, page of people (with neighbourhood and ward), ward and
    # neighbourhood choices for the filters
    with django_assert_num_queries(7):
        assert client.get(url).status_code == 200
    for n in range(60):
        ResidentFactory(neighbourhood=neighbourhoods[n % 3])
    with django_assert_num_queries(7):
        response = client.get(url)
    html = response.content.decode()
    assert "65 people" in html and "govuk-pagination" in html
    with django_assert_num_queries(9):  # + the chosen ward and neighbourhood checked by the filter form
        assert client.get(url, {"page": 2, "ward": neighbourhoods[0].ward_id,
                                "neighbourhood": neighbourhoods[0].pk}).status_code == 200


def test_letters_to_post_show_codes_until_marked_posted(client, person):
    letter, code = services.letter_code_issue(user=person, actor=person, code="HJKM2345")
    sign_in(client, OfficerFactory())
    page = client.get(reverse("accounts:letters_to_post")).content.decode()
    assert "HJKM-2345" in page and "Hodan Warsame" in page
    response = client.post(reverse("accounts:letters_to_post"), {"letter": letter.pk}, follow=True)
    assert "marked as posted" in response.content.decode()
    assert "HJKM-2345" not in response.content.decode()
    letter.refresh_from_db()
    assert letter.posted_at is not None and letter.print_code == ""
    assert client.post(reverse("accounts:letters_to_post"), {"letter": 999999}).status_code == 404


def test_an_administrator_grants_and_revokes_roles(client, person):
    admin = AdministratorFactory()
    sign_in(client, admin)
    url = reverse("accounts:user_roles", args=[person.pk])
    assert client.post(url, {"action": "grant", "role": "evaluator"}).status_code == 302
    assert person.has_role(Role.EVALUATOR)
    person.__dict__.pop("_role_cache", None)
    duplicate = client.post(url, {"action": "grant", "role": "evaluator"})
    assert duplicate.status_code == 200 and "already has the role" in duplicate.content.decode()
    nonsense = client.post(url, {"action": "grant", "role": "emperor"})
    assert "Choose a role from the list" in nonsense.content.decode()
    assert client.post(url, {"action": "revoke", "role": "evaluator"}).status_code == 302
    person.__dict__.pop("_role_cache", None)
    assert not person.has_role(Role.EVALUATOR)
    assert AuditEntry.objects.filter(action__startswith="accounts.role.").count() == 2
    own = client.post(reverse("accounts:user_roles", args=[admin.pk]), {"action": "revoke", "role": "administrator"}, follow=True)
    assert "You cannot remove your own administrator role" in own.content.decode()


def test_an_administrator_resets_an_authenticator(client):
    officer = OfficerFactory(with_device=True)
    sign_in(client, AdministratorFactory())
    url = reverse("accounts:user_roles", args=[officer.pk])
    assert "Reset authenticator" in client.get(url).content.decode()
    assert client.post(url, {"action": "reset_mfa"}).status_code == 302
    from coproduce.accounts.models import TotpDevice

    assert not TotpDevice.objects.filter(user=officer).exists()


def test_letters_are_not_listed_after_verification(client, person):
    services.letter_code_issue(user=person, actor=person, code="HJKM2345")
    services.letter_code_verify(user=person, code="HJKM2345")
    sign_in(client, OfficerFactory())
    assert "HJKM-2345" not in client.get(reverse("accounts:letters_to_post")).content.decode()
    assert LetterCode.objects.get(user=person).print_code == ""
