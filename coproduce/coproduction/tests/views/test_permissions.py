"""The permission ladder for every protected co-production page: anonymous → sign-in,
signed in without the permission → 403, with it → 200."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.coproduction import services
from coproduce.coproduction.tests.helpers import (
    collaborative,
    meeting,
    organiser_of,
    participant,
    resident,
    sign_in,
)
from coproduce.needs.tests.people import officer

pytestmark = pytest.mark.django_db


def _ladder(client, url, *, without, allowed):
    response = client.get(url)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    if without is not None:
        sign_in(client, without)
        assert client.get(url).status_code == 403
        client.logout()
    sign_in(client, allowed)
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]


def test_setting_up_a_collaborative_needs_an_officer(client):
    _ladder(client, reverse("coproduction:collaborative_create"), without=resident(), allowed=officer())


@pytest.mark.parametrize("name", ["participants", "meeting_create"])
def test_collaborative_organiser_pages(client, name):
    collab = collaborative()
    _ladder(client, reverse(f"coproduction:{name}", kwargs={"slug": collab.slug}),
            without=participant(collab), allowed=organiser_of(collab))


@pytest.mark.parametrize("name", ["registrations", "attendance", "minutes", "idea_add", "action_add"])
def test_meeting_organiser_pages(client, name):
    collab = collaborative()
    m = meeting(collab, days=-1)
    _ladder(client, reverse(f"coproduction:{name}", kwargs={"pk": m.pk}),
            without=participant(collab), allowed=organiser_of(collab))


def test_an_organiser_of_another_collaborative_is_not_an_organiser_here(client):
    mine, theirs = collaborative(), collaborative(name="Other")
    m = meeting(mine, days=-1)
    sign_in(client, organiser_of(theirs))
    assert client.get(reverse("coproduction:attendance", kwargs={"pk": m.pk})).status_code == 403


def test_an_officer_who_does_not_organise_cannot_mark_attendance(client):
    m = meeting(collaborative(), days=-1)
    sign_in(client, officer())
    assert client.get(reverse("coproduction:attendance", kwargs={"pk": m.pk})).status_code == 403


def test_joining_and_registering_need_only_an_account(client):
    collab = collaborative()
    m = meeting(collab)
    for url in [reverse("coproduction:join", kwargs={"slug": collab.slug}),
                reverse("coproduction:meeting_register", kwargs={"pk": m.pk})]:
        _ladder(client, url, without=None, allowed=resident(verified=False))
        client.logout()


def test_action_progress_by_its_owner_or_an_organiser(client):
    collab = collaborative()
    owner = participant(collab)
    action = services.action_record(collaborative=collab, title="Do it", owner=owner,
                                    due_date=timezone.localdate() + dt.timedelta(days=3), actor=organiser_of(collab))
    url = reverse("coproduction:action_update", kwargs={"pk": action.pk})
    _ladder(client, url, without=participant(collab), allowed=owner)
    client.logout()
    sign_in(client, organiser_of(collab))
    assert client.get(url).status_code == 200


def test_public_pages_are_open_to_everyone(client):
    collab = collaborative()
    m = meeting(collab)
    action = services.action_record(collaborative=collab, title="Do it", owner=organiser_of(collab),
                                    due_date=timezone.localdate(), actor=organiser_of(collab))
    for url in [reverse("coproduction:collaborative_list"), collab.get_absolute_url(), m.get_absolute_url(),
                reverse("coproduction:action_list"), action.get_absolute_url()]:
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("coproduction:meeting_detail", kwargs={"pk": m.pk + 99})).status_code == 404
