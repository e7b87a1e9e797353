"""Background work for accounts (Celery). In the embedded default these run in-process."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("coproduce")


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def send_welcome_email(user_id: int) -> bool:
    """Send the welcome email once. Returns False if there is no such person or it was already sent."""
    from .models import User, WelcomeEmailSent

    user = User.objects.select_related("neighbourhood").filter(pk=user_id).first()
    if user is None or WelcomeEmailSent.objects.filter(user=user).exists():
        return False
    context = {"user": user, "council_name": settings.COPRODUCE_COUNCIL_NAME}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/welcome_subject.txt", context).strip()
        body = render_to_string("accounts/email/welcome.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    try:
        with transaction.atomic():
            WelcomeEmailSent.objects.create(user=user, sent_to=user.email)
    except IntegrityError:  # another worker got there first
        return False
    logger.info("welcome email sent", extra={"user_id": user.pk})
    return True


@shared_task
def send_letter_email(letter_code_id: int) -> bool:
    """Demo only: the "letter" with the residency code goes out by (console) email.

    In a real borough letters are printed from the officers' "Letters to post" page: an email
    address proves nothing about where someone lives.
    """
    from .models import LetterCode
    from .services import format_letter_code

    if not settings.COPRODUCE_DEMO:
        return False
    letter = LetterCode.objects.select_related("user").filter(pk=letter_code_id).first()
    if letter is None or not letter.print_code:
        return False
    user = letter.user
    context = {"user": user, "letter": letter, "code": format_letter_code(letter.print_code),
               "council_name": settings.COPRODUCE_COUNCIL_NAME}
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/letter_subject.txt", context).strip()
        body = render_to_string("accounts/email/letter.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
