"""Accepting and declining places; a decline goes to the first fitting person on the reserve list."""

from __future__ import annotations

import pytest

from coproduce.accounts.tests.factories import OfficerFactory
from coproduce.audit.models import AuditEntry
from coproduce.panels import services
from coproduce.panels.models import Invitation, InvitationStatus, PanelStatus

from ..conftest import draw
from ..factories import add_volunteers, close, open_panel, set_quotas

pytestmark = pytest.mark.django_db


def _first_invitation(panel, **filters) -> Invitation:
    return panel.invitations.select_related("volunteer__user").filter(**filters).order_by("volunteer__number").first()


def test_accepting_keeps_the_place_and_is_published_by_number_only(chosen_panel):
    invitation = _first_invitation(chosen_panel)
    person = invitation.volunteer.user
    assert services.invitation_respond(invitation=invitation, user=person, accept=True) is None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_by == person
    entry = AuditEntry.objects.get(action="panels.invitation.accepted")
    assert entry.public and entry.data == {"volunteer": invitation.volunteer.number}
    assert person.full_name not in entry.summary and entry.actor_label == "A resident"


def test_a_decline_goes_to_the_first_reserve_who_keeps_every_quota(chosen_panel):
    outcome = chosen_panel.selection
    invitation = _first_invitation(chosen_panel)
    leaving = invitation.volunteer
    replacement = services.invitation_respond(invitation=invitation, user=leaving.user, accept=False)
    assert replacement is not None and replacement.replaces == invitation
    answers = {v.number: v.answers for v in chosen_panel.volunteers.all()}
    seated = [i.volunteer.number for i in chosen_panel.invitations.holding_a_place()]
    assert len(seated) == 4 and leaving.number not in seated
    # It is the first person on the list whose arrival keeps the quotas…
    position = replacement.reserve_position
    assert outcome.reserve[position - 1] == replacement.volunteer.number
    others = [n for n in seated if n != replacement.volunteer.number]

    def fits(number):
        members = [answers[n] for n in [*others, number]]
        return (sum(m["gender"] == "woman" for m in members) == 2
                and sum(m["disability"] == "yes" for m in members) >= 1)

    assert fits(replacement.volunteer.number)
    assert not any(fits(n) for n in outcome.reserve[:position - 1])
    # …and it is published, with the reserve position.
    entry = AuditEntry.objects.get(action="panels.invitation.replacement")
    assert entry.public and entry.data == {"volunteer": replacement.volunteer.number, "reserve_position": position,
                                           "replaces": leaving.number}


def test_an_accepted_member_who_drops_out_is_replaced_too(chosen_panel):
    invitation = _first_invitation(chosen_panel)
    services.invitation_respond(invitation=invitation, user=invitation.volunteer.user, accept=True)
    replacement = services.invitation_respond(invitation=invitation, user=invitation.volunteer.user, accept=False)
    assert replacement is not None
    assert chosen_panel.invitations.holding_a_place().count() == 4


def test_when_no_one_on_the_reserve_list_fits_the_place_stays_empty(officer, django_capture_on_commit_callbacks):
    panel = open_panel(size=2, questions=("gender",), officer=officer)
    set_quotas(panel, {"gender": {"woman": (1, 1), "man": (1, 1)}})
    add_volunteers(panel, [{"gender": "woman"}, {"gender": "man"}, {"gender": "man"}, {"gender": "man"}])
    close(panel)
    panel = draw(panel, officer, django_capture_on_commit_callbacks)
    woman = _first_invitation(panel, volunteer__number=1)
    assert services.invitation_respond(invitation=woman, user=woman.volunteer.user, accept=False) is None
    assert panel.invitations.holding_a_place().count() == 1
    entry = AuditEntry.objects.get(action="panels.invitation.no_replacement")
    assert entry.public and "stays empty" in entry.summary
    assert services.invitation_respond(invitation=_first_invitation(panel, status="invited"), user=officer,
                                       accept=False).volunteer.answers == {"gender": "man"}


def test_an_officer_can_record_a_reply_given_by_phone(chosen_panel):
    officer = OfficerFactory()
    invitation = _first_invitation(chosen_panel)
    services.invitation_respond(invitation=invitation, user=officer, accept=True)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_by == officer


def test_a_declined_place_cannot_be_taken_back_and_replies_stop_when_the_panel_ends(chosen_panel):
    invitation = _first_invitation(chosen_panel)
    person = invitation.volunteer.user
    services.invitation_respond(invitation=invitation, user=person, accept=False)
    with pytest.raises(services.PanelError, match="offered to someone else"):
        services.invitation_respond(invitation=invitation, user=person, accept=True)
    services.panel_end(panel=chosen_panel, user=OfficerFactory())
    other = _first_invitation(chosen_panel, status="invited")
    with pytest.raises(services.PanelError, match="no longer taking replies"):
        services.invitation_respond(invitation=other, user=other.volunteer.user, accept=True)
    chosen_panel.refresh_from_db()
    assert chosen_panel.status == PanelStatus.ENDED


def test_people_drawn_and_replacements_are_emailed(chosen_panel, django_capture_on_commit_callbacks, mailoutbox):
    invited = {i.volunteer.user.email for i in chosen_panel.invitations.select_related("volunteer__user")}
    assert {m.to[0] for m in mailoutbox} == invited and len(mailoutbox) == 4
    assert all(f"/panels/{chosen_panel.slug}/invitation/" in m.body for m in mailoutbox)
    number = chosen_panel.invitations.select_related("volunteer").first().volunteer.number
    assert any(f"You are volunteer {number}," in m.body for m in mailoutbox)
    invitation = _first_invitation(chosen_panel)
    with django_capture_on_commit_callbacks(execute=True):
        replacement = services.invitation_respond(invitation=invitation, user=invitation.volunteer.user, accept=False)
    assert len(mailoutbox) == 5 and mailoutbox[-1].to == [replacement.volunteer.user.email]


def test_no_emails_while_the_demo_is_seeded(closed_panel, officer, django_capture_on_commit_callbacks, mailoutbox):
    token = services.SEND_EMAILS.set(False)
    try:
        draw(closed_panel, officer, django_capture_on_commit_callbacks)
    finally:
        services.SEND_EMAILS.reset(token)
    assert closed_panel.invitations.count() == 4 and mailoutbox == []
