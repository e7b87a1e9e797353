import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core import mail
from django.db import connection

from coproduce.accounts.models import WelcomeEmailSent
from coproduce.accounts.tasks import send_welcome_email
from coproduce.accounts.tests.factories import ResidentFactory

ROOT = Path(__file__).resolve().parents[4]
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


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'])}"


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="set COPRODUCE_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/15) to run a real Celery worker")
@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_sends_the_welcome_email():
    if connection.vendor != "postgresql":
        pytest.skip("the worker is a separate process: it needs a database it can reach (run with COPRODUCE_DATABASE_URL=postgres://…)")
    person = ResidentFactory(email="worker@example.org")
    # A queue of our own, so a worker started by another test (or run) never takes this task.
    queue = f"coproduce-accounts-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "COPRODUCE_DATABASE_URL": _database_url(),
        "COPRODUCE_REDIS_URL": REDIS_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        from celery import Celery

        probe = Celery("coproduce-accounts-probe", broker=REDIS_URL)
        probe.send_task("coproduce.accounts.tasks.send_welcome_email", args=[person.pk], queue=queue)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and worker.poll() is None:
            if WelcomeEmailSent.objects.filter(user=person).exists():
                break
            time.sleep(0.5)
        sent = WelcomeEmailSent.objects.filter(user=person).first()
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert sent is not None, f"the worker did not send the welcome email; its log:\n{output[-4000:]}"
    assert sent.sent_to == "worker@example.org"
    assert "send_welcome_email" in output and "succeeded" in output
