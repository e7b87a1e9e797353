"""Background work: the draw runs as a Celery task (in-process when no Redis is configured)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation


@shared_task(name="panels.run_selection")
def run_selection(panel_id: int) -> str:
    """Draw the panel; progress and the outcome are stored on the panel row."""
    from .services import selection_run

    panel = selection_run(panel_id=panel_id)
    return panel.selection_state


@shared_task(name="panels.send_invitation_email", autoretry_for=(ConnectionError, OSError), retry_backoff=True,
             max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    """Tell someone chosen by lot that they have a place, and where to accept or decline it."""
    from .models import Invitation, InvitationStatus

    invitation = Invitation.objects.select_related("panel", "volunteer__user").filter(pk=invitation_id).first()
    if invitation is None or invitation.status != InvitationStatus.INVITED or invitation.volunteer.user is None:
        return False
    user = invitation.volunteer.user
    context = {"user": user, "panel": invitation.panel, "number": invitation.volunteer.number,
               "link": reverse("panels:invitation", kwargs={"slug": invitation.panel.slug}),
               "council_name": settings.COPRODUCE_COUNCIL_NAME}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("panels/email/invitation_subject.txt", context).strip()
        body = render_to_string("panels/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
