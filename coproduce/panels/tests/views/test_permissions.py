"""The permission ladder for every protected page: anonymous → sign in, no permission → 403, permission → 200."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coproduce.accounts.testing import sign_in
from coproduce.accounts.tests.factories import (
    OfficerFactory,
    PendingResidentFactory,
    ResidentFactory,
)
from coproduce.panels.models import InvitationStatus

from ..factories import add_volunteers, open_panel

pytestmark = pytest.mark.django_db


def _climb(client, url, outsider, allowed, *, method="get", data=None, allowed_status=200):
    send = getattr(client, method)
    response = send(url, data or {})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    sign_in(client, outsider)
    assert send(url, data or {}).status_code == 403
    sign_in(client, allowed)
    response = send(url, data or {})
    assert response.status_code == allowed_status, response.content.decode()[:800]
    return response


@pytest.mark.parametrize("name", ["panels:panel_manage", "panels:panel_quotas", "panels:panel_cancel"])
def test_officer_pages(client, name):
    panel = open_panel()
    _climb(client, reverse(name, kwargs={"slug": panel.slug}), ResidentFactory(), OfficerFactory())


def test_opening_a_recruitment(client):
    _climb(client, reverse("panels:panel_create"), ResidentFactory(), OfficerFactory())


def test_volunteering_needs_a_checked_address(client):
    panel = open_panel(questions=("gender",))
    _climb(client, reverse("panels:volunteer", kwargs={"slug": panel.slug}), PendingResidentFactory(),
           ResidentFactory())


def test_only_the_volunteer_can_withdraw(client):
    panel = open_panel(questions=("gender",))
    person = ResidentFactory()
    add_volunteers(panel, [{"gender": "man"}], people=[person])
    _climb(client, reverse("panels:withdraw", kwargs={"slug": panel.slug}), ResidentFactory(), person)


def test_only_the_person_invited_answers_their_invitation(client, chosen_panel):
    invited = chosen_panel.invitations.select_related("volunteer__user").first().volunteer.user
    not_chosen = chosen_panel.volunteers.exclude(invitation__isnull=False).first().user
    _climb(client, reverse("panels:invitation", kwargs={"slug": chosen_panel.slug}), not_chosen, invited)


def test_recording_a_reply_is_for_officers(client, chosen_panel):
    invitation = chosen_panel.invitations.first()
    url = reverse("panels:invitation_record", kwargs={"slug": chosen_panel.slug, "pk": invitation.pk})
    response = _climb(client, url, ResidentFactory(), OfficerFactory(), method="post", data={"answer": "accept"},
                      allowed_status=302)
    assert response["Location"] == reverse("panels:panel_manage", kwargs={"slug": chosen_panel.slug})
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_manage_actions_are_for_officers(client):
    panel = open_panel()
    url = reverse("panels:panel_manage", kwargs={"slug": panel.slug})
    assert client.post(url, {"action": "close"}).status_code == 302
    sign_in(client, ResidentFactory())
    assert client.post(url, {"action": "close"}).status_code == 403
    panel.refresh_from_db()
    assert panel.status == "recruiting"


@pytest.mark.parametrize("name", ["panels:panel_list", "panels:panel_detail", "panels:result", "panels:lottery_json"])
def test_public_pages_need_no_account(client, chosen_panel, name):
    url = reverse(name) if name == "panels:panel_list" else reverse(name, kwargs={"slug": chosen_panel.slug})
    assert client.get(url).status_code == 200
