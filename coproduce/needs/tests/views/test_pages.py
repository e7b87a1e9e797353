import datetime as dt
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.needs.models import Need, NeedResponse, NeedSupport, OutcomeIndicator
from coproduce.needs.services import need_respond
from coproduce.needs.tests.people import need, officer, resident, sign_in
from coproduce.places.tests.factories import NeighbourhoodFactory, WardFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    """The notification banners on the page (Django's messages, as the resident sees them)."""
    body = response.content.decode()
    banners = re.findall(r'<(?:p|h3) class="govuk-notification-banner__heading">\s*(.*?)\s*</(?:p|h3)>', body, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).strip() for b in banners]


# --- raising -----------------------------------------------------------------------------------

def test_raising_a_need_publishes_it_for_the_chosen_place(client):
    person = resident()
    sign_in(client, person)
    page = client.get(reverse("needs:need_raise"))
    assert f'value="neighbourhood:{person.neighbourhood.slug}" selected' in _text(page)
    response = client.post(reverse("needs:need_raise"), {
        "kind": "outcome", "title": "Fewer people lonely at home", "description": "Older neighbours see nobody for days.",
        "category": "care", "place": f"ward:{person.neighbourhood.ward.slug}",
    }, follow=True)
    created = Need.objects.get()
    assert response.redirect_chain[-1][0] == created.get_absolute_url()
    assert (created.kind, created.ward, created.support_count) == ("outcome", person.neighbourhood.ward, 1)
    assert "Fewer people lonely at home" in _text(response)
    assert "You raised this need, so you support it." in _text(response)


@pytest.mark.parametrize(("data", "message"), [
    ({"title": ""}, "Enter a title"),
    ({"title": "   "}, "Enter a title"),
    ({"description": ""}, "Enter a description of the need"),
    ({"category": ""}, "Select a category"),
    ({"category": "parking"}, "Select a category"),
    ({"place": ""}, "Select the place the need is about"),
    ({"place": "ward:nowhere"}, "Select a place from the list"),
    ({"title": "x" * 151}, "Title must be 150 characters or fewer"),
])
def test_bad_input_when_raising_gets_a_clear_message_and_saves_nothing(client, data, message):
    person = resident()
    sign_in(client, person)
    valid = {"kind": "need", "title": "A bench", "description": "Nowhere to sit.", "category": "parks", "place": "borough"}
    response = client.post(reverse("needs:need_raise"), {**valid, **data})
    assert response.status_code == 200
    body = _text(response)
    assert "There is a problem" in body and message in body
    assert "<title>Error:" in body
    assert not Need.objects.exists()


# --- supporting ---------------------------------------------------------------------------------

def test_supporting_then_supporting_again_says_so_and_changes_nothing(client):
    raised = need()
    person = resident()
    sign_in(client, person)
    url = reverse("needs:need_support", kwargs={"pk": raised.pk})
    first = client.post(url, follow=True)
    assert "You support this need. 2 residents now support it." in _messages(first)
    second = client.post(url, follow=True)
    assert any("You already support this need" in m for m in _messages(second))
    raised.refresh_from_db()
    assert raised.support_count == 2
    assert NeedSupport.objects.filter(need=raised).count() == 2
    assert "Withdraw my support" in _text(second)


def test_withdrawing_support_from_the_page(client):
    raised = need()
    person = resident()
    sign_in(client, person)
    url = reverse("needs:need_support", kwargs={"pk": raised.pk})
    client.post(url)
    response = client.post(url, {"withdraw": "1"}, follow=True)
    assert "You no longer support this need." in _messages(response)
    again = client.post(url, {"withdraw": "1"}, follow=True)
    assert "You were not supporting this need, so nothing changed." in _messages(again)
    raised.refresh_from_db()
    assert raised.support_count == 1


def test_supporting_a_closed_need_is_refused_with_a_message(client):
    raised = need()
    need_respond(need=raised, officer=officer(), status=Need.Status.NOT_POSSIBLE, reasons="No land.")
    sign_in(client, resident())
    response = client.post(reverse("needs:need_support", kwargs={"pk": raised.pk}), follow=True)
    assert any("cannot take more support" in m for m in _messages(response))
    raised.refresh_from_db()
    assert raised.support_count == 1


def test_support_only_by_post(client):
    raised = need()
    sign_in(client, resident())
    assert client.get(reverse("needs:need_support", kwargs={"pk": raised.pk})).status_code == 405


# --- responding ----------------------------------------------------------------------------------

def test_an_officer_responds_and_the_history_is_public(client):
    raised = need()
    sign_in(client, officer(full_name="Ada Officer"))
    url = reverse("needs:need_respond", kwargs={"pk": raised.pk})
    response = client.post(url, {"status": "accepted_commissioning", "reasons": "We will commission it."}, follow=True)
    assert "Your response is published on the need's page." in _messages(response)
    client.logout()
    page = _text(client.get(raised.get_absolute_url()))
    assert "Accepted for commissioning" in page and "We will commission it." in page and "Ada Officer (Officer)" in page


@pytest.mark.parametrize(("data", "message"), [
    ({"status": "not_possible", "reasons": ""}, "Enter the reasons for your response"),
    ({"status": "not_possible", "reasons": "   "}, "Enter the reasons for your response"),
    ({"reasons": "Because"}, "Select a response"),
    ({"status": "open", "reasons": "Because"}, "Select one of the responses shown"),
    ({"status": "bogus", "reasons": "Because"}, "Select one of the responses shown"),
])
def test_bad_responses_get_a_clear_message_and_change_nothing(client, data, message):
    raised = need()
    sign_in(client, officer())
    response = client.post(reverse("needs:need_respond", kwargs={"pk": raised.pk}), data)
    assert response.status_code == 200 and message in _text(response)
    raised.refresh_from_db()
    assert raised.status == Need.Status.OPEN
    assert not NeedResponse.objects.exists()


# --- indicators ---------------------------------------------------------------------------------

def _date_fields(day: dt.date) -> dict:
    return {"target_date-day": day.day, "target_date-month": day.month, "target_date-year": day.year}


def test_an_officer_adds_an_indicator_to_an_accepted_need(client):
    raised = need()
    need_respond(need=raised, officer=officer(), status=Need.Status.ACCEPTED_BUDGET, reasons="Budget.")
    sign_in(client, officer())
    next_year = timezone.localdate() + dt.timedelta(days=365)
    response = client.post(reverse("needs:indicator_add", kwargs={"pk": raised.pk}), {
        "name": "Benches in the park", "unit": "benches", "baseline": "2", "target": "10", **_date_fields(next_year),
    }, follow=True)
    assert "Outcome indicator added." in _messages(response)
    assert "Benches in the park" in _text(response)
    assert OutcomeIndicator.objects.get().target == 10


@pytest.mark.parametrize(("data", "message"), [
    ({"target_date-year": "2000"}, "Target date must be in the future"),
    ({"target_date-day": ""}, "Target date must include a day"),
    ({"baseline": "lots"}, "Baseline must be a number"),
    ({"target": "1.234"}, "Target must have no more than 2 decimal places"),
    ({"name": ""}, "Enter what will be measured"),
])
def test_bad_indicators_get_a_clear_message_and_change_nothing(client, data, message):
    raised = need()
    need_respond(need=raised, officer=officer(), status=Need.Status.ACCEPTED_BUDGET, reasons="Budget.")
    sign_in(client, officer())
    next_year = timezone.localdate() + dt.timedelta(days=365)
    valid = {"name": "Benches", "unit": "benches", "baseline": "2", "target": "10", **_date_fields(next_year)}
    response = client.post(reverse("needs:indicator_add", kwargs={"pk": raised.pk}), {**valid, **data})
    assert response.status_code == 200 and message in _text(response)
    assert not OutcomeIndicator.objects.exists()


def test_an_indicator_on_a_need_not_accepted_is_refused(client):
    raised = need()
    sign_in(client, officer())
    url = reverse("needs:indicator_add", kwargs={"pk": raised.pk})
    assert "Only accepted needs carry outcome indicators" in _text(client.get(url))
    next_year = timezone.localdate() + dt.timedelta(days=365)
    response = client.post(url, {"name": "B", "unit": "b", "baseline": "1", "target": "2", **_date_fields(next_year)})
    assert "Only an accepted need can have outcome indicators" in _text(response)
    assert not OutcomeIndicator.objects.exists()


# --- the list -----------------------------------------------------------------------------------

def test_the_list_filters_by_ward_neighbourhood_category_and_status(client):
    ward = WardFactory(name="Riverside")
    north, south = NeighbourhoodFactory(ward=ward, name="North Estate"), NeighbourhoodFactory(ward=ward)
    elsewhere = NeighbourhoodFactory()
    a = need(title="Need A youth north", neighbourhood=north, category="youth")
    b = need(title="Need B parks south", neighbourhood=south, category="parks")
    c = need(title="Need C ward-wide", ward=ward, category="youth")
    d = need(title="Need D elsewhere", neighbourhood=elsewhere, category="youth")
    e = need(title="Need E borough", borough_wide=True, category="youth")
    need_respond(need=c, officer=officer(), status=Need.Status.ACCEPTED_BUDGET, reasons="Budget.")
    url = reverse("needs:need_list")

    def titles(**params):
        body = _text(client.get(url, params))
        return {n.title for n in (a, b, c, d, e) if n.title in body}

    assert titles() == {a.title, b.title, c.title, d.title, e.title}
    assert titles(ward=ward.slug) == {a.title, b.title, c.title}
    assert titles(neighbourhood=north.slug) == {a.title}
    assert titles(ward=ward.slug, category="youth") == {a.title, c.title}
    assert titles(status="accepted_budget") == {c.title}
    assert titles(category="youth", status="open") == {a.title, d.title, e.title}


def test_unknown_filter_values_are_reported_not_a_500(client):
    need(title="Still listed")
    response = client.get(reverse("needs:need_list"), {"status": "sideways", "ward": "atlantis", "page": "lots"})
    body = _text(response)
    assert response.status_code == 200
    assert "Choose a status from the list" in body and "Choose a ward from the list" in body
    assert "Still listed" in body


def test_a_neighbourhood_outside_the_chosen_ward_is_explained(client):
    ward = WardFactory(name="Eastfield")
    outside = NeighbourhoodFactory(name="Hill Top")
    response = client.get(reverse("needs:need_list"), {"ward": ward.slug, "neighbourhood": outside.slug})
    assert "Hill Top is not in Eastfield ward" in _text(response)


def test_the_list_paginates_and_keeps_the_filters_in_page_links(client):
    neighbourhood = NeighbourhoodFactory()
    person = resident(neighbourhood=neighbourhood)
    for i in range(25):
        need(raised_by=person, title=f"Numbered need {i:02d}", category="parks")
    first = _text(client.get(reverse("needs:need_list"), {"category": "parks"}))
    assert "25 needs" in first and "Numbered need 24" in first and "Numbered need 04" not in first
    assert "?category=parks&page=2" in first
    second = _text(client.get(reverse("needs:need_list"), {"category": "parks", "page": 2}))
    assert "Numbered need 04" in second and "Numbered need 24" not in second


def test_most_supported_sort(client):
    quiet, popular = need(title="Quiet need"), need(title="Popular need")
    for _ in range(3):
        from coproduce.needs.services import need_support

        need_support(need=popular, supporter=resident())
    body = _text(client.get(reverse("needs:need_list"), {"sort": "support"}))
    assert body.index("Popular need") < body.index("Quiet need")
    body = _text(client.get(reverse("needs:need_list"), {"sort": "oldest"}))
    assert body.index(quiet.title) < body.index(popular.title)
