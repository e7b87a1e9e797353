"""Production: PostgreSQL, Redis, real email. Every setting comes from COPRODUCE_* variables."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database_from_url, env, env_bool

SECRET_KEY = env("SECRET_KEY") or ""
if not SECRET_KEY or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("Set COPRODUCE_SECRET_KEY to a long random value: production refuses to start without one.")
DEBUG = False
COPRODUCE_DEMO = False
DATABASES = {"default": database_from_url(env("DATABASE_URL", "postgres://coproduce@127.0.0.1:5432/coproduce") or "")}
if env("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env("REDIS_URL")}}
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("HSTS_SECONDS", "31536000") or 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
