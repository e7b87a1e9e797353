"""Celery application: eager in the embedded default, Redis broker when COPRODUCE_REDIS_URL is set."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
app = Celery("coproduce")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
