import pytest
from django.conf import settings
from django.urls import reverse

from coproduce.accounts import services
from coproduce.accounts.models import LetterCode, User
from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import PendingResidentFactory, ResidentFactory

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/verify/"


@pytest.fixture
def pending(client):
    person = PendingResidentFactory()
    services.letter_code_issue(user=person, actor=person, code="QRST3456")
    sign_in(client, person)
    return person


def test_verify_and_profile_need_sign_in(client):
    for url in (VERIFY, "/accounts/profile/", "/accounts/profile/edit/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.post("/accounts/verify/new-letter/").status_code == 302


def test_entering_the_letter_code_verifies_you(client, pending):
    page = client.get(VERIFY).content.decode()
    assert "Waiting for checks" in page and "You have 5 tries" in page
    response = client.post(VERIFY, {"code": "qrst 3456"}, follow=True)
    assert "You are now a verified resident" in response.content.decode()
    pending.refresh_from_db()
    assert pending.verification_status == User.Verification.VERIFIED


def test_a_wrong_code_says_how_many_tries_are_left(client, pending):
    response = client.post(VERIFY, {"code": "ABCD-2345"})
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "You have 4 tries left" in html and 'href="#code"' in html


def test_a_badly_shaped_code_is_not_counted(client, pending):
    response = client.post(VERIFY, {"code": "AB"})
    assert "The code must be 8 letters and numbers" in response.content.decode()
    assert LetterCode.objects.get(user=pending).attempts == 0


def test_after_five_wrong_tries_you_can_ask_for_a_new_letter(client, pending):
    for _ in range(services.LETTER_CODE_MAX_ATTEMPTS - 1):
        client.post(VERIFY, {"code": "ABCD2345"})
    last = client.post(VERIFY, {"code": "ABCD2345"}, follow=True).content.decode()
    assert "tried too many times" in last and "Send me a new letter" in last
    assert client.post(VERIFY, {"code": "QRST3456"}, follow=True).status_code == 200
    pending.refresh_from_db()
    assert pending.verification_status == User.Verification.PENDING
    client.post("/accounts/verify/new-letter/")
    assert LetterCode.objects.filter(user=pending, withdrawn_at__isnull=True, used_at__isnull=True).count() == 1
    assert LetterCode.objects.filter(user=pending).count() == 2


def test_no_new_letter_while_the_code_still_works(client, pending):
    response = client.post("/accounts/verify/new-letter/", follow=True)
    assert "You cannot ask for a new letter now" in response.content.decode()
    assert LetterCode.objects.filter(user=pending).count() == 1


def test_the_profile_shows_neighbourhood_status_roles_needs_and_language(client):
    person = ResidentFactory(full_name="Ngozi Adeyemi", accessibility_needs="Step-free access")
    sign_in(client, person)
    html = client.get("/accounts/profile/").content.decode()
    hood = person.neighbourhood
    assert f'href="{reverse("places:neighbourhood_detail", kwargs={"slug": hood.slug})}"' in html
    assert hood.name in html and hood.ward.name in html
    assert "Verified resident" in html and "Resident" in html and "Step-free access" in html and "English" in html
    assert "Officer tools" not in html


def test_editing_the_profile_and_switching_language(client):
    person = ResidentFactory()
    sign_in(client, person)
    assert client.get("/accounts/profile/edit/").status_code == 200
    response = client.post("/accounts/profile/edit/", {"full_name": "Ana Pereira", "accessibility_needs": "Large print",
                                                       "preferred_language": "pt"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt"
    person.refresh_from_db()
    assert (person.full_name, person.accessibility_needs, person.preferred_language) == ("Ana Pereira", "Large print", "pt")


def test_bad_profile_input_changes_nothing(client):
    person = ResidentFactory(full_name="Kept Name")
    sign_in(client, person)
    response = client.post("/accounts/profile/edit/", {"full_name": "", "preferred_language": "klingon"})
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert 'href="#full-name"' in html and 'href="#preferred-language"' in html
    person.refresh_from_db()
    assert person.full_name == "Kept Name"
