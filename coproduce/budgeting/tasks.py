"""Background work: counting and receipt e-mails run as Celery tasks (in-process when no Redis is configured)."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task(name="budgeting.count_ballots")
def count_ballots(count_id: int) -> str:
    from .services import count_run

    count = count_run(count_id=count_id)
    return count.status


@shared_task(name="budgeting.send_receipt_email")
def send_receipt_email(to: str, subject: str, body: str) -> None:
    """The receipt code is in `body`: the task carries no ids, so the worker needs no queries."""
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
