import re
from html import unescape

import pytest
from django.urls import reverse

from coproduce.accounts.models import User
from coproduce.organisations.models import LegalForm, Organisation
from coproduce.places.tests.factories import NeighbourhoodFactory, PostcodeFactory, WardFactory

pytestmark = pytest.mark.django_db


def table_rows(body: str) -> dict[str, list[str]]:
    """Each table row of the page as {row header text: [cell texts]}."""
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def resident(neighbourhood, n, **extra):
    return User.objects.create_user(f"r{n}@example.org", "x", full_name=f"Resident {n}", neighbourhood=neighbourhood, **extra)


@pytest.fixture
def borough():
    north, south = WardFactory(name="Northbank", slug="northbank"), WardFactory(name="Southbank", slug="southbank")
    estate = NeighbourhoodFactory(ward=north, name="Tideway Estate", slug="tideway-estate", kind="estate")
    village = NeighbourhoodFactory(ward=north, name="Northbank Village", slug="northbank-village")
    NeighbourhoodFactory(ward=south, name="Southbank Green", slug="southbank-green")
    for n in range(3):
        resident(estate, n)
    resident(village, 3)
    resident(village, 4, is_active=False)  # closed accounts are not counted
    User.objects.create_user("nowhere@example.org", "x", full_name="No neighbourhood")
    PostcodeFactory(postcode="RV1 1AA", neighbourhood=estate)
    Organisation.objects.create(name="Tideway Tenants Co-op", slug="tideway-tenants", legal_form=LegalForm.COOPERATIVE_SOCIETY, ward=north)
    return {"north": north, "south": south, "estate": estate, "village": village}


def test_ward_list_shows_counts(client, borough):
    response = client.get(reverse("places:ward_list"))
    assert response.status_code == 200
    body = response.content.decode()
    rows = table_rows(body)
    assert rows["Northbank"] == [borough["north"].gss_code, "2", "4", "1"]
    assert rows["Southbank"] == [borough["south"].gss_code, "1", "0", "0"]
    assert rows["All wards"] == ["", "3", "4", "1"]
    assert reverse("places:ward_detail", kwargs={"slug": "northbank"}) in body
    assert borough["north"].gss_code in body


def test_ward_list_query_count_does_not_grow_with_wards(client, borough, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(reverse("places:ward_list"))
    for _ in range(5):
        NeighbourhoodFactory()
    with django_assert_num_queries(1):
        client.get(reverse("places:ward_list"))


def test_ward_detail_lists_neighbourhoods_and_organisations(client, borough, django_assert_num_queries):
    with django_assert_num_queries(3):
        response = client.get(reverse("places:ward_detail", kwargs={"slug": "northbank"}))
    body = response.content.decode()
    assert "Tideway Estate" in body and "Northbank Village" in body and "Southbank Green" not in body
    assert "Tideway Tenants Co-op" in body
    rows = table_rows(body)
    assert rows["Tideway Estate"] == ["Housing estate", "3", "1"]
    assert rows["Northbank Village"] == ["Neighbourhood", "1", "0"]


def test_neighbourhood_detail(client, borough):
    response = client.get(reverse("places:neighbourhood_detail", kwargs={"slug": "tideway-estate"}))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Tideway Estate" in body and "RV1 1AA" in body and "Northbank Village" in body
    assert re.search(r"Residents taking part\s*</dt>\s*<dd[^>]*>\s*3\s*</dd>", body)


@pytest.mark.parametrize("name", ["places:ward_detail", "places:neighbourhood_detail"])
def test_unknown_places_are_404(client, name):
    assert client.get(reverse(name, kwargs={"slug": "nowhere"})).status_code == 404


def test_postcode_lookup_finds_the_neighbourhood(client, borough):
    response = client.get(reverse("places:postcode_lookup"), {"postcode": " rv11aa "})
    body = response.content.decode()
    assert reverse("places:neighbourhood_detail", kwargs={"slug": "tideway-estate"}) in body
    assert "RV1 1AA is in Tideway Estate, in Northbank ward" in body
    assert "There is a problem" not in body


def test_postcode_lookup_starts_without_errors(client):
    response = client.get(reverse("places:postcode_lookup"))
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter a postcode"),
        ("RV1", "Enter a full UK postcode, like SE11 5QY"),
        ("hello world", "Enter a full UK postcode, like SE11 5QY"),
        ("SW1A 1AA", "SW1A 1AA is not in the area of"),
    ],
)
def test_postcode_lookup_errors(client, borough, typed, message):
    response = client.get(reverse("places:postcode_lookup"), {"postcode": typed})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert "<title>Error:" in body
    assert "govuk-panel" not in body
