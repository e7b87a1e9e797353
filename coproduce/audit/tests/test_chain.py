"""The audit chain: written in the caller's transaction, append-only, and tamper-evident."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from coproduce.audit.models import AppendOnlyError, AuditEntry, AuditHead
from coproduce.audit.selectors import audit_chain_verify
from coproduce.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _write(n: int) -> list[AuditEntry]:
    entries = []
    for i in range(n):
        with transaction.atomic():
            entries.append(audit_record(action="test.thing.done", summary=f"Thing {i} done", data={"i": i}, public=i % 2 == 0))
    return entries


def _raw(sql: str, params: list) -> None:
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), params)


def test_entries_link_into_an_intact_chain():
    entries = _write(5)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].previous_hash == "0" * 64
    for before, after in zip(entries, entries[1:], strict=False):
        assert after.previous_hash == before.entry_hash
    report = audit_chain_verify()
    assert report.intact and report.entries == 5
    head = AuditHead.objects.get(pk=1)
    assert (head.sequence, head.entry_hash) == (5, entries[-1].entry_hash)


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(action="test.outside", summary="no transaction")


def test_the_record_rolls_back_with_the_change_it_records():
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(action="test.rolled_back", summary="will not survive")
        raise ValueError("the change failed")
    assert not AuditEntry.objects.exists()
    assert audit_chain_verify().intact


def test_entries_cannot_be_changed_or_deleted_through_the_orm():
    entry = _write(1)[0]
    entry.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_verify_names_an_altered_entry():
    _write(5)
    _raw("UPDATE {table} SET summary = %s WHERE sequence = %s", ["Nothing happened", 3])
    report = audit_chain_verify()
    assert not report.intact
    assert report.problem.sequence == 3
    assert "altered" in report.problem.reason


def test_verify_names_an_altered_data_payload():
    _write(4)
    _raw("UPDATE {table} SET public = %s WHERE sequence = %s", [True, 2])
    report = audit_chain_verify()
    assert (report.intact, report.problem.sequence) == (False, 2)


def test_verify_names_a_removed_entry_in_the_middle():
    _write(5)
    _raw("DELETE FROM {table} WHERE sequence = %s", [2])
    report = audit_chain_verify()
    assert not report.intact
    assert report.problem.sequence == 2
    assert "missing" in report.problem.reason


def test_verify_notices_the_newest_entries_were_removed():
    _write(5)
    _raw("DELETE FROM {table} WHERE sequence >= %s", [4])
    report = audit_chain_verify()
    assert not report.intact
    assert report.problem.sequence == 4
    assert "removed" in report.problem.reason


def test_verify_notices_a_forged_entry_with_a_recomputed_hash():
    """Recomputing one entry's own hash is not enough: the next entry no longer links to it."""
    from coproduce.audit.services import chain_hash, entry_content

    entries = _write(3)
    forged = entries[1]
    content = entry_content(
        sequence=forged.sequence, created_at=forged.created_at.isoformat(), actor_id=None,
        actor_label=forged.actor_label, action=forged.action, object_type="", object_id="",
        summary="Forged", data=forged.data, public=forged.public,
    )
    new_hash = chain_hash(forged.previous_hash, content)
    _raw("UPDATE {table} SET summary = %s, entry_hash = %s WHERE sequence = %s", ["Forged", new_hash, 2])
    report = audit_chain_verify()
    assert (report.intact, report.problem.sequence) == (False, 3)
    assert "link" in report.problem.reason


def test_verify_command_exit_codes(capsys):
    _write(3)
    call_command("audit", "verify")
    assert "intact: 3 entries" in capsys.readouterr().out
    _raw("UPDATE {table} SET action = %s WHERE sequence = %s", ["test.tampered", 1])
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify")
    assert excinfo.value.returncode == 1
    assert "entry #1" in str(excinfo.value)


def test_public_log_page_lists_only_public_entries(client):
    _write(4)
    response = client.get("/audit/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Thing 0 done" in body and "Thing 2 done" in body
    assert "Thing 1 done" not in body and "Thing 3 done" not in body
    assert AuditHead.objects.get(pk=1).entry_hash in body
