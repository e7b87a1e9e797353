import pytest

from coproduce.accounts.models import User
from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import ResidentFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_can_maintain_people_in_the_django_admin(client):
    root = User.objects.create_superuser("root@example.org", "a-long-and-unusual-passphrase", full_name="Root")
    person = ResidentFactory(full_name="Layla Hassan")
    sign_in(client, root)
    listing = client.get("/django-admin/accounts/user/")
    assert listing.status_code == 200 and "Layla Hassan" in listing.content.decode()
    change = client.get(f"/django-admin/accounts/user/{person.pk}/change/")
    assert change.status_code == 200 and "Role assignments" in change.content.decode()
    assert client.get("/django-admin/accounts/user/add/").status_code == 200
    assert client.get("/django-admin/accounts/lettercode/").status_code == 200


def test_the_django_admin_is_closed_to_residents(client):
    sign_in(client, ResidentFactory())
    assert client.get("/django-admin/accounts/user/").status_code == 302
