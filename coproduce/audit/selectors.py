"""Reading and checking the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from .models import AuditEntry, AuditHead
from .services import GENESIS_HASH, chain_hash, entry_content


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    entries: int
    problem: ChainProblem | None

    @property
    def intact(self) -> bool:
        return self.problem is None


def audit_chain_verify(*, batch_size: int = 2000) -> ChainReport:
    """Recompute every hash in order; report the first entry that was altered, removed or inserted."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    count = 0
    fields = ("sequence", "created_at", "actor_id", "actor_label", "action", "object_type",
              "object_id", "summary", "data", "public", "previous_hash", "entry_hash")
    rows = AuditEntry.objects.order_by("sequence").values_list(*fields).iterator(chunk_size=batch_size)
    for row in rows:
        (sequence, created_at, actor_id, actor_label, action, object_type, object_id, summary,
         data, public, previous_hash, entry_hash) = row
        count += 1
        if sequence != expected_sequence:
            return ChainReport(count, ChainProblem(expected_sequence, f"entry #{expected_sequence} is missing (next found is #{sequence})"))
        if previous_hash != expected_previous:
            return ChainReport(count, ChainProblem(sequence, f"entry #{sequence} does not link to entry #{sequence - 1}"))
        content = entry_content(
            sequence=sequence, created_at=created_at.isoformat(), actor_id=actor_id,
            actor_label=actor_label, action=action, object_type=object_type, object_id=object_id,
            summary=summary, data=data, public=public,
        )
        if chain_hash(previous_hash, content) != entry_hash:
            return ChainReport(count, ChainProblem(sequence, f"entry #{sequence} was altered after it was written"))
        expected_previous = entry_hash
        expected_sequence += 1
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != expected_sequence - 1 or head.entry_hash != expected_previous):
        return ChainReport(count, ChainProblem(expected_sequence, f"entries after #{expected_sequence - 1} were removed (the chain head is #{head.sequence})"))
    if head is None and count:
        return ChainReport(count, ChainProblem(1, "the chain head is missing"))
    return ChainReport(count, None)


def public_entry_list(*, action_prefix: str = ""):
    entries = AuditEntry.objects.public().only(
        "sequence", "created_at", "actor_label", "action", "summary", "object_type", "object_id", "entry_hash"
    )
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    return entries


def audit_head_get() -> AuditHead | None:
    """The newest link of the chain (published so outsiders can detect a rewritten history)."""
    return AuditHead.objects.filter(pk=1).first()
