"""Operations: structured request logs and a health check that tells the truth."""

import json
import logging
from unittest import mock

import pytest
from django.db.utils import OperationalError

from coproduce.core.logging import JsonFormatter

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_as_one_structured_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="coproduce.request"):
        response = client.get("/cookies/", HTTP_X_REQUEST_ID="req-123")
    assert response["X-Request-ID"] == "req-123"
    records = [r for r in caplog.records if r.name == "coproduce.request"]
    assert len(records) == 1
    line = json.loads(JsonFormatter().format(records[0]))
    assert line["message"] == "request"
    assert (line["method"], line["path"], line["status"], line["request_id"]) == ("GET", "/cookies/", 200, "req-123")
    assert line["duration_ms"] >= 0 and line["user_id"] is None


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch("coproduce.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
