"""`coproduce import-postcodes`: every problem reported by line, exit code 2, nothing imported."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coproduce.audit.models import AuditEntry
from coproduce.places.models import Postcode
from coproduce.places.tests.factories import NeighbourhoodFactory, PostcodeFactory, WardFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def places():
    ward = WardFactory(gss_code="E05099001")
    return {
        "north": NeighbourhoodFactory(slug="north-estate", ward=ward),
        "south": NeighbourhoodFactory(slug="south-village", ward=WardFactory(gss_code="E05099002")),
    }


def write(tmp_path, content: str | bytes, name="postcodes.csv") -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def run(*args) -> str:
    out = StringIO()
    call_command("import_postcodes", *args, stdout=out)
    return out.getvalue()


def run_bad(*args) -> str:
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2
    return str(error.value)


def test_a_good_file_is_imported_and_counted(tmp_path, places):
    path = write(tmp_path, "postcode,neighbourhood\nrv1 1aa,north-estate\nRV11AB,north-estate\n RV2 3DE ,south-village\n")
    output = run(path)
    assert "Imported 3 postcodes" in output and "3 added" in output
    assert dict(Postcode.objects.values_list("postcode", "neighbourhood__slug")) == {
        "RV1 1AA": "north-estate", "RV1 1AB": "north-estate", "RV2 3DE": "south-village",
    }
    assert AuditEntry.objects.filter(action="places.postcodes.imported").count() == 1


def test_a_byte_order_mark_and_crlf_line_ends_are_fine(tmp_path, places):
    path = write(tmp_path, "\ufeffPostcode,Neighbourhood\r\nRV1 1AA,north-estate\r\n".encode())
    assert "Imported 1 postcodes" in run(path)


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_imported(tmp_path, places):
    PostcodeFactory(postcode="RV9 9ZZ", neighbourhood=places["north"])
    path = write(tmp_path, (
        "postcode,neighbourhood\n"
        "RV1 1AA,north-estate\n"  # 2 good
        "NOT A POSTCODE,north-estate\n"  # 3 malformed
        "RV1 1AB,nowhere\n"  # 4 unknown neighbourhood
        "rv1 1aa,south-village\n"  # 5 duplicate of line 2
        ",north-estate\n"  # 6 missing postcode
        "RV1 1AD,\n"  # 7 missing neighbourhood
        "RV1 1AE,north-estate,extra\n"  # 8 wrong number of columns
        "\n"  # 9 blank: ignored
        "RV1 1AF,south-village\n"  # 10 good
    ))
    message = run_bad(path, "--replace")
    assert "7 problem" not in message  # exactly the six below
    assert "6 problem(s); nothing was imported" in message
    for expected in [
        "line 3: “NOT A POSTCODE” is not a UK postcode",
        "line 4: there is no neighbourhood “nowhere”",
        "line 5: the postcode RV1 1AA is already on line 2",
        "line 6: the postcode is missing",
        "line 7: the neighbourhood is missing",
        "line 8: expected 2 columns",
    ]:
        assert expected in message
    assert "line 2:" not in message and "line 9:" not in message and "line 10:" not in message
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["RV9 9ZZ"]
    assert not AuditEntry.objects.filter(action="places.postcodes.imported").exists()


def test_a_missing_column_is_reported_on_line_1(tmp_path, places):
    message = run_bad(write(tmp_path, "postcode,neighborhood\nRV1 1AA,north-estate\n"))
    assert "line 1: the header row has no “neighbourhood” column" in message
    assert "“neighborhood”" in message  # says what it found
    assert not Postcode.objects.exists()


def test_a_file_without_header_is_reported(tmp_path, places):
    message = run_bad(write(tmp_path, "RV1 1AA,north-estate\n"))
    assert "line 1: the header row has no “postcode” or “neighbourhood” column" in message


@pytest.mark.parametrize("content", ["", "\n\n", "   "])
def test_an_empty_file_is_reported(tmp_path, places, content):
    assert "line 1: the file is empty" in run_bad(write(tmp_path, content))


def test_a_header_without_rows_is_reported(tmp_path, places):
    assert "line 1: the file has a header row but no postcodes" in run_bad(write(tmp_path, "postcode,neighbourhood\n"))


def test_a_file_that_is_not_utf8_is_reported_by_line(tmp_path, places):
    content = "postcode,neighbourhood\nRV1 1AA,north-estate\nRV1 1AB,caf\xe9-corner\nRV1 1AD,r\xe9sum\xe9\n".encode("latin-1")
    message = run_bad(write(tmp_path, content))
    assert "line 3: this line is not UTF-8 text (byte 0xE9" in message
    assert "line 4: this line is not UTF-8 text" in message
    assert "line 2:" not in message
    assert not Postcode.objects.exists()


def test_ward_gss_column_catches_a_neighbourhood_in_the_wrong_ward(tmp_path, places):
    path = write(tmp_path, "postcode,neighbourhood,ward_gss\nRV1 1AA,north-estate,E05099001\nRV1 1AB,north-estate,E05099002\n")
    message = run_bad(path)
    assert "line 3: the neighbourhood “north-estate” is in ward E05099001" in message and "not E05099002" in message


def test_dry_run_reports_and_changes_nothing(tmp_path, places):
    PostcodeFactory(postcode="RV9 9ZZ", neighbourhood=places["north"])
    output = run(write(tmp_path, "postcode,neighbourhood\nRV1 1AA,north-estate\n"), "--dry-run", "--replace")
    assert "Dry run" in output and "add 1" in output and "remove 1" in output
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["RV9 9ZZ"]
    assert not AuditEntry.objects.filter(action="places.postcodes.imported").exists()


def test_replace_removes_postcodes_not_in_the_file(tmp_path, places):
    PostcodeFactory(postcode="RV9 9ZZ", neighbourhood=places["north"])
    PostcodeFactory(postcode="RV1 1AA", neighbourhood=places["south"])
    output = run(write(tmp_path, "postcode,neighbourhood\nRV1 1AA,north-estate\n"), "--replace")
    assert "1 moved to another neighbourhood" in output and "1 removed" in output
    assert dict(Postcode.objects.values_list("postcode", "neighbourhood__slug")) == {"RV1 1AA": "north-estate"}


def test_without_replace_other_postcodes_are_kept(tmp_path, places):
    PostcodeFactory(postcode="RV9 9ZZ", neighbourhood=places["north"])
    run(write(tmp_path, "postcode,neighbourhood\nRV1 1AA,north-estate\n"))
    assert Postcode.objects.count() == 2


def test_a_missing_file_is_reported(tmp_path):
    assert "no such file" in run_bad(str(tmp_path / "nope.csv"))


def test_the_console_command_exits_2_without_a_traceback(tmp_path):
    """Runs the real `coproduce` entry point; an empty file is refused before the database is used."""
    path = write(tmp_path, "")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "import-postcodes", path],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "line 1: the file is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_describes_the_format():
    result = subprocess.run(
        [sys.executable, "-m", "coproduce.cli", "import-postcodes", "--help"],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}, timeout=60,
    )
    assert result.returncode == 0
    for words in ["postcode,neighbourhood", "--replace", "--dry-run", "ward_gss"]:
        assert words in result.stdout
