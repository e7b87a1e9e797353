"""Helpers for browser tests: accessibility checks with axe-core and failed-response tracking.

Used only by tests (imports test-only packages lazily)."""

from __future__ import annotations

from dataclasses import dataclass, field

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
