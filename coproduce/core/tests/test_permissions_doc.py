from pathlib import Path

import pytest
import rules
from django.conf import settings

from coproduce.core.permissions_table import permissions_markdown

pytestmark = pytest.mark.django_db


def test_docs_permissions_md_matches_the_rules_in_the_code():
    path = Path(settings.BASE_DIR) / "docs" / "permissions.md"
    assert path.read_text(encoding="utf-8") == permissions_markdown(), (
        "docs/permissions.md is out of date: run `coproduce permissions-table --write`"
    )


def test_every_registered_permission_is_in_the_table():
    text = permissions_markdown()
    assert rules.permissions.permissions, "no permissions registered"
    for name in rules.permissions.permissions:
        assert f"`{name}`" in text
