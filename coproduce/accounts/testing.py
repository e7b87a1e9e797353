"""Helpers for other apps' tests: sign someone in, past the staff MFA check."""

from __future__ import annotations

from .middleware import MFA_SESSION_KEY


def sign_in(client, user, *, mfa_passed: bool = True):
    """Log `user` in on a Django test client. Staff also count as having entered their TOTP code
    (unless `mfa_passed=False`), so permission tests reach the view and not the MFA page."""
    client.force_login(user)
    if mfa_passed:
        session = client.session
        session[MFA_SESSION_KEY] = user.pk
        session.save()
    return client
