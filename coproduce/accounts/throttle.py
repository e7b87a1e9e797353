"""Counting failed sign-in and code attempts in the cache, to slow down password guessing.

A fixed window starts at the first failure and lasts COPRODUCE_LOGIN_WINDOW_SECONDS. Once
COPRODUCE_LOGIN_MAX_FAILURES failures are counted for an account (the email typed in, whether
or not it has an account) or for a client address, further attempts are refused without
checking the password, with the same message either way, so the message never tells anyone
whether an email address is registered. See ADR 0203.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"coproduce:accounts:fail:{kind}:{digest}"


def _count(key: str) -> int:
    return int(cache.get(key) or 0)


def _add_failure(key: str) -> int:
    window = settings.COPRODUCE_LOGIN_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def _limit() -> int:
    return settings.COPRODUCE_LOGIN_MAX_FAILURES


def window_minutes() -> int:
    return max(1, round(settings.COPRODUCE_LOGIN_WINDOW_SECONDS / 60))


def login_blocked(*, email: str, address: str) -> bool:
    """True when this account or this client address has used up its failed attempts."""
    return _count(_key("email", email)) >= _limit() or _count(_key("address", address)) >= _limit()


def login_failed(*, email: str, address: str) -> None:
    _add_failure(_key("email", email))
    _add_failure(_key("address", address))


def login_succeeded(*, email: str) -> None:
    """A right password clears the account's count; the address's count runs out on its own."""
    cache.delete(_key("email", email))


def code_blocked(*, purpose: str, user_id: int) -> bool:
    return _count(_key(purpose, str(user_id))) >= _limit()


def code_failed(*, purpose: str, user_id: int) -> None:
    _add_failure(_key(purpose, str(user_id)))


def code_succeeded(*, purpose: str, user_id: int) -> None:
    cache.delete(_key(purpose, str(user_id)))


def client_address(request) -> str:
    """The address the request came from.

    REMOTE_ADDR only: X-Forwarded-For can be forged by the client. Behind a proxy, configure
    the proxy (or the WSGI server) to set REMOTE_ADDR to the real client address.
    """
    return request.META.get("REMOTE_ADDR") or "unknown"
