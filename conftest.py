"""Shared test fixtures: paths to the shared reference data, Chromium for browser tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps an event loop

ROOT = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("COPRODUCE_SHARED_DIR", ROOT.parent / "shared"))
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """`../shared/data`; tests that need it skip with a reason when it is absent."""
    path = SHARED / "data"
    if not path.is_dir():
        pytest.skip(f"reference data not found at {path} (set COPRODUCE_SHARED_DIR)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian chromium not found at {CHROMIUM}: run `make test`, which installs it")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site_url(request) -> str:
    """Base URL of the site under test: E2E_BASE_URL if set, else pytest-django's live_server."""
    url = os.environ.get("E2E_BASE_URL")
    return url.rstrip("/") if url else request.getfixturevalue("live_server").url


@pytest.fixture
def watched_page(page):
    """A Playwright page that records responses ≥ 400; the test fails at teardown if any occurred."""
    from coproduce.core.testing import PageWatch

    watch = PageWatch().attach(page)
    page.watch = watch
    yield page
    assert not watch.failures, f"responses ≥ 400: {watch.failures}"


@pytest.fixture(autouse=True)
def _clicks_wait_for_the_next_page(request, monkeypatch):
    """A click that submits a form or follows a link returns once the next page has loaded.

    Playwright's click returns when a navigation has started, so reading the title or content
    straight after it can see a half-parsed document (an empty title). Our pages are all server
    rendered: waiting for the load event makes every browser test read the page it asked for.
    """
    if not {"page", "browser", "context"} & set(request.fixturenames):  # also pages a test opens itself
        return
    from playwright.sync_api import Locator

    original = Locator.click

    def click(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.page.wait_for_load_state()

    monkeypatch.setattr(Locator, "click", click)


_DB_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback", "live_server"}


@pytest.fixture(autouse=True)
def _reference_data_from_migrations(request):
    """Put back the reference rows that data migrations create (procurement thresholds, bank holidays).

    Transactional tests (and live_server) end by flushing every table, which also removes rows a
    data migration wrote; every real database has them, so tests that run after a flush get them
    back here. pytest-django's own autouse fixtures have already set up the database by now.
    """
    if request.node.get_closest_marker("django_db") is None and not (_DB_FIXTURES & set(request.fixturenames)):
        return
    import datetime as dt
    import importlib

    from coproduce.commissioning.models import BankHoliday, ProcurementThreshold

    seed = importlib.import_module("coproduce.commissioning.migrations.0002_thresholds_and_bank_holidays")
    if not ProcurementThreshold.objects.exists():
        ProcurementThreshold.objects.bulk_create(
            ProcurementThreshold(
                kind=kind, authority=authority, value_pence=pounds * 100, source=source,
                valid_from=dt.date.fromisoformat(start), valid_to=dt.date.fromisoformat(end) if end else None,
            )
            for kind, authority, pounds, start, end, source in seed.THRESHOLDS
        )
    if not BankHoliday.objects.exists():
        BankHoliday.objects.bulk_create(
            BankHoliday(division="england-and-wales", date=dt.date.fromisoformat(f"{year}-{month_day}"), title=title)
            for year, days in seed.BANK_HOLIDAYS.items()
            for month_day, title in days
        )
