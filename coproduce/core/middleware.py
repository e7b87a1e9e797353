from __future__ import annotations

import logging
import time
import uuid

logger = logging.getLogger("coproduce.request")


class RequestLogMiddleware:
    """One structured log line per request: method, path, status, duration, request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.request_id
        level = logging.ERROR if response.status_code >= 500 else logging.INFO
        user = getattr(request, "user", None)
        logger.log(
            level,
            "request",
            extra={
                "request_id": request.request_id,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
