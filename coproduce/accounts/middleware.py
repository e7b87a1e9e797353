from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

MFA_SESSION_KEY = "mfa_verified_user"


class MfaRequiredMiddleware:
    """Staff roles (officer, councillor, administrator) must pass a TOTP check each session.

    Until they do, every page but the MFA pages, sign-out and static files sends them to
    set up or enter their code.
    """

    exempt_prefixes = ("/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_mfa
            and request.session.get(MFA_SESSION_KEY) != user.pk
            and not request.path.startswith(self.exempt_prefixes)
        ):
            allowed = {reverse("accounts:mfa_setup"), reverse("accounts:mfa_verify"), reverse("accounts:logout")}
            if request.path not in allowed:
                has_device = hasattr(user, "totp_device") and user.totp_device.confirmed
                target = "accounts:mfa_verify" if has_device else "accounts:mfa_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
