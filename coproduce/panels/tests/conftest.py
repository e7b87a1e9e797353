import pytest

from coproduce.accounts.tests.factories import OfficerFactory
from coproduce.panels import services

from .factories import add_volunteers, balanced_pool, close, open_panel, set_quotas

QUOTAS = {"gender": {"woman": (2, 2), "man": (2, 2)}, "disability": {"yes": (1, 4), "no": (0, 4)}}


@pytest.fixture
def officer():
    return OfficerFactory()


def draw(panel, officer, capture):
    """Run the selection the way the page does: request it, then let the queued task run."""
    with capture(execute=True):
        services.selection_request(panel=panel, user=officer)
    panel.refresh_from_db()
    return panel


@pytest.fixture
def closed_panel(officer):
    """Four places (two women, two men, at least one disabled person) and ten volunteers."""
    panel = open_panel(size=4, questions=("gender", "disability"), officer=officer)
    set_quotas(panel, QUOTAS, officer=officer)
    add_volunteers(panel, balanced_pool(4, 6))
    return close(panel, officer=officer, seed="5eed" * 8)


@pytest.fixture
def chosen_panel(closed_panel, officer, django_capture_on_commit_callbacks):
    return draw(closed_panel, officer, django_capture_on_commit_callbacks)
