"""The embedded default: SQLite, console email, in-process background work, demo logins."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 - the embedded SQLite database lives here
COPRODUCE_DEMO = env_bool("DEMO", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["loggers"]["coproduce.request"]["level"] = "INFO"  # noqa: F405
