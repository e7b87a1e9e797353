"""The shell (layout, core pages, public record) exists in English and Portuguese."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "coproduce" / "locale" / "pt" / "LC_MESSAGES" / "django.po"
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "ngettext": (1, 2)}
SHELL = [
    (ROOT / "coproduce" / "core", [("**/templates/**.html", "jinja2"), ("**.py", "python")]),
    (ROOT / "coproduce" / "audit" / "templates", [("**.html", "jinja2")]),
]


def _shell_messages() -> set[str]:
    found: set[str] = set()
    for folder, method_map in SHELL:
        options = {pattern: {"extensions": "jinja2.ext.i18n"} for pattern, method in method_map if method == "jinja2"}
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(folder), method_map=method_map, options_map=options, keywords=KEYWORDS
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_shell_string_has_a_portuguese_translation():
    with PO.open("rb") as handle:
        catalogue = read_po(handle, locale="pt")
    messages = _shell_messages()
    assert len(messages) > 80  # the extraction itself works
    missing = sorted(m for m in messages if not (catalogue.get(m) and catalogue.get(m).string and not catalogue.get(m).fuzzy))
    assert not missing, f"strings without a Portuguese translation (run `make extract-messages`, then translate): {missing}"


@pytest.mark.django_db
@override_settings(LANGUAGE_CODE="en-gb")
def test_the_language_switch_shows_the_site_in_portuguese(client):
    response = client.post("/i18n/setlang/", {"language": "pt", "next": "/"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Poder, escolha e controlo sobre os seus serviços locais" in body
    assert 'lang="pt"' in body
    assert "Declaração de acessibilidade" in body
    translation.activate("en-gb")
