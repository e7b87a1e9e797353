"""Writing to the audit chain. Call `audit_record` inside the service's own transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS_HASH = "0" * 64


def entry_content(*, sequence: int, created_at: str, actor_id: int | None, actor_label: str,
                  action: str, object_type: str, object_id: str, summary: str, data: Any,
                  public: bool) -> str:
    """The canonical text that is hashed: stable key order, no whitespace, UTF-8."""
    return json.dumps(
        {
            "sequence": sequence,
            "created_at": created_at,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "summary": summary,
            "data": data,
            "public": public,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def chain_hash(previous_hash: str, content: str) -> str:
    return hashlib.sha256(f"{previous_hash}\n{content}".encode()).hexdigest()


def audit_record(*, action: str, summary: str, actor=None, target=None, data: dict | None = None,
                 public: bool = False, actor_label: str | None = None) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction, so both commit or neither does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the transaction of the change it records")
    try:
        # One round trip on the usual path: the head row exists and is locked until commit.
        head = AuditHead.objects.select_for_update().get(pk=1)
    except AuditHead.DoesNotExist:
        AuditHead.objects.get_or_create(pk=1)
        head = AuditHead.objects.select_for_update().get(pk=1)
    sequence = head.sequence + 1
    created_at = timezone.now().replace(microsecond=timezone.now().microsecond // 1000 * 1000)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    if actor_label is None:
        actor_label = actor.public_label if actor_id is not None and hasattr(actor, "public_label") else ("system" if actor_id is None else "")
    object_type = f"{target._meta.app_label}.{target._meta.model_name}" if target is not None else ""
    object_id = str(target.pk) if target is not None else ""
    payload = json.loads(json.dumps(data or {}, default=str))
    content = entry_content(
        sequence=sequence, created_at=created_at.isoformat(), actor_id=actor_id, actor_label=actor_label,
        action=action, object_type=object_type, object_id=object_id, summary=summary, data=payload,
        public=public,
    )
    entry_hash = chain_hash(head.entry_hash, content)
    entry = AuditEntry(
        sequence=sequence, created_at=created_at, actor_id=actor_id, actor_label=actor_label,
        action=action, object_type=object_type, object_id=object_id, summary=summary, data=payload,
        public=public, previous_hash=head.entry_hash, entry_hash=entry_hash,
    )
    entry.save()
    AuditHead.objects.filter(pk=1).update(sequence=sequence, entry_hash=entry_hash)
    return entry
