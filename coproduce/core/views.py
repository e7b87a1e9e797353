from __future__ import annotations

import logging

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from coproduce.core import selectors

logger = logging.getLogger("coproduce")


def home(request):
    return render(request, "core/home.html", {"summary": selectors.home_summary(user=request.user)})


@never_cache
def healthz(request):
    """Liveness and readiness: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means not ready
        logger.error("healthz: database unavailable", extra={"error": str(exc)})
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


def cookies(request):
    return render(request, "core/cookies.html")


def permission_denied(request, exception=None):
    return render(request, "core/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


def server_error(request):
    # Rendered without a request context that might itself be broken.
    return render(request, "core/500.html", status=500)
