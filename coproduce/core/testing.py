"""Helpers for tests: accessibility checks with axe-core, failed-response tracking, and a real
Celery worker on Redis for tasks that must be proved outside the test process.

Used only by tests (imports test-only packages lazily)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass
class PageWatch:
    """Records every response ≥ 400 and every page visited, so a test can assert none failed."""

    failures: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def attach(self, page) -> PageWatch:
        page.on("response", self._on_response)
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.append(frame.url))
        return self

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.status} {response.url}")


def axe_violations(page) -> list[str]:
    """Run axe-core (bundled with axe-playwright-python) on the page; return readable violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    problems = []
    for violation in results.response.get("violations", []):
        targets = ", ".join(str(node.get("target")) for node in violation.get("nodes", [])[:3])
        problems.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']} at {targets} on {page.url}")
    return problems


def assert_accessible(page) -> None:
    problems = axe_violations(page)
    assert not problems, "axe found WCAG 2.2 A/AA violations:\n" + "\n".join(problems)


def database_url() -> str:
    """The test database as a `postgres://` URL, for a worker process to reach it."""
    from django.db import connection

    s = connection.settings_dict
    auth = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}{port}/{quote(s['NAME'])}"


def run_in_real_worker(task: str, args: Sequence, *, redis_url: str, done: Callable[[], bool],
                       timeout: float = 120) -> str:
    """Start a Celery worker process on a queue of its own, send `task` to it through Redis, wait
    until `done()` is true (or the worker dies, or `timeout` seconds pass), stop the worker and
    return its log. A queue of our own means a worker of another test or run never takes the task."""
    from celery import Celery

    queue = f"coproduce-test-{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "COPRODUCE_DATABASE_URL": database_url(),
           "COPRODUCE_REDIS_URL": redis_url}
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--queues", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        Celery("coproduce-test-probe", broker=redis_url).send_task(task, args=list(args), queue=queue)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and worker.poll() is None and not done():
            time.sleep(0.5)
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    return output
