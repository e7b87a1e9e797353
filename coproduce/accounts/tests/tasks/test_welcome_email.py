import os

import pytest
from django.core import mail
from django.db import connection

from coproduce.accounts.models import WelcomeEmailSent
from coproduce.accounts.tasks import send_welcome_email
from coproduce.accounts.tests.factories import ResidentFactory
from coproduce.core.testing import run_in_real_worker

REDIS_URL = os.environ.get("COPRODUCE_TEST_REDIS_URL")


@pytest.mark.django_db
def test_the_welcome_email_is_sent_once(settings):
    person = ResidentFactory(email="welcome@example.org", full_name="Aoife Byrne")
    assert send_welcome_email(person.pk) is True
    assert send_welcome_email(person.pk) is False  # a retried task never sends twice
    assert send_welcome_email(987654) is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["welcome@example.org"] and "Dear Aoife Byrne," in mail.outbox[0].body
    assert person.neighbourhood.name in mail.outbox[0].body
    assert WelcomeEmailSent.objects.get(user=person).sent_to == "welcome@example.org"


@pytest.mark.django_db
def test_the_welcome_email_is_written_in_the_persons_language(monkeypatch):
    from django.utils import translation

    from coproduce.accounts import tasks

    languages = []
    real_render = tasks.render_to_string

    def recording_render(*args, **kwargs):
        languages.append(translation.get_language())
        return real_render(*args, **kwargs)

    monkeypatch.setattr(tasks, "render_to_string", recording_render)
    send_welcome_email(ResidentFactory(preferred_language="pt").pk)
    send_welcome_email(ResidentFactory(preferred_language="en-gb").pk)
    assert languages == ["pt", "pt", "en-gb", "en-gb"]  # subject and body of each


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set COPRODUCE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run a real Celery worker")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_sends_the_welcome_email():
    if connection.vendor != "postgresql":
        pytest.skip("the worker is a separate process: it needs a database it can reach (run with COPRODUCE_DATABASE_URL=postgres://…)")
    person = ResidentFactory(email="worker@example.org")
    output = run_in_real_worker(
        "coproduce.accounts.tasks.send_welcome_email", [person.pk], redis_url=REDIS_URL, timeout=90,
        done=lambda: WelcomeEmailSent.objects.filter(user=person).exists(),
    )
    sent = WelcomeEmailSent.objects.filter(user=person).first()
    assert sent is not None, f"the worker did not send the welcome email; its log:\n{output[-4000:]}"
    assert sent.sent_to == "worker@example.org"
    assert "send_welcome_email" in output and "succeeded" in output
