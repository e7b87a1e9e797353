"""Tests: SQLite in memory unless COPRODUCE_DATABASE_URL points at PostgreSQL."""

from .base import *  # noqa: F403
from .base import database_from_url, env

DEBUG = False
COPRODUCE_DEMO = False
SECRET_KEY = "test-only-secret-key-which-is-long-enough-for-django-checks-0123456789"
_url = env("DATABASE_URL")
DATABASES = {"default": database_from_url(_url) if _url else {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.Argon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["loggers"]["coproduce.request"]["level"] = "ERROR"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing
