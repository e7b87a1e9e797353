import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["core:home", "core:accessibility", "core:privacy", "core:cookies"])
def test_public_pages_render_in_the_council_layout(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-footer" in body
    assert "Accessibility statement" in body
    assert "govuk-header__logotype-crown" not in body  # a council site never shows the crown


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
