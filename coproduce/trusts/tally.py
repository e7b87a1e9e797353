"""Counting a trust decision (no Django: plain data in, a result with its reasons out).

The rules (ADR 0510):
1. Quorum: responses × 100 ≥ quorum % × eligible members (in each class when counted by class).
2. A block from any member stops the proposal: blocked.
3. Otherwise it carries when more members agree than disagree (in every class when counted by
   class); abstentions count towards the quorum only.
Only members whose membership is current when the proposal closes are counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

POSITIONS = ("agree", "abstain", "disagree", "block")


@dataclass(frozen=True)
class ClassCount:
    member_class: str
    eligible: int
    counts: dict[str, int]

    @property
    def responded(self) -> int:
        return sum(self.counts.values())

    def turnout(self) -> Fraction:
        return Fraction(self.responded, self.eligible) if self.eligible else Fraction(0)

    def quorate(self, quorum_percent: int) -> bool:
        return self.eligible > 0 and self.responded * 100 >= quorum_percent * self.eligible

    def carried(self) -> bool:
        return self.counts.get("agree", 0) > self.counts.get("disagree", 0)


@dataclass(frozen=True)
class Tally:
    outcome: str  # carried / not_carried / blocked / inquorate
    overall: ClassCount
    classes: tuple[ClassCount, ...]
    by_class: bool
    quorum_percent: int
    reasons: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "outcome": self.outcome,
            "by_class": self.by_class,
            "quorum_percent": self.quorum_percent,
            "eligible": self.overall.eligible,
            "counts": {p: self.overall.counts.get(p, 0) for p in POSITIONS},
            "classes": [
                {"class": c.member_class, "eligible": c.eligible, "counts": {p: c.counts.get(p, 0) for p in POSITIONS}}
                for c in self.classes
            ],
            "reasons": list(self.reasons),
        }


def count(*, responses: list[tuple[str, str]], eligible: dict[str, int], quorum_percent: int,
          by_class: bool) -> Tally:
    """`responses` are (member class, position) of current members; `eligible` counts them per class."""
    if not 0 <= quorum_percent <= 100:
        raise ValueError("quorum_percent must be between 0 and 100")
    for _cls, position in responses:
        if position not in POSITIONS:
            raise ValueError(f"unknown position {position!r}")
    per_class = {cls: Counter() for cls in eligible}
    for cls, position in responses:
        per_class.setdefault(cls, Counter())[position] += 1
    classes = tuple(
        ClassCount(member_class=cls, eligible=eligible.get(cls, 0), counts=dict(per_class[cls]))
        for cls in sorted(per_class)
    )
    overall = ClassCount(
        member_class="", eligible=sum(eligible.values()), counts=dict(Counter(p for _c, p in responses))
    )
    groups = [c for c in classes if c.eligible > 0] if by_class else [overall]
    reasons: list[str] = []
    if not groups or any(not g.quorate(quorum_percent) for g in groups):
        for g in groups or [overall]:
            if not g.quorate(quorum_percent):
                who = f"the {g.member_class} class" if by_class else "members"
                reasons.append(f"{g.responded} of {g.eligible} {who} responded; the quorum is {quorum_percent}%.")
        return Tally("inquorate", overall, classes, by_class, quorum_percent, tuple(reasons))
    blocks = overall.counts.get("block", 0)
    if blocks:
        reasons.append(f"{blocks} member{'s' if blocks != 1 else ''} blocked the proposal.")
        return Tally("blocked", overall, classes, by_class, quorum_percent, tuple(reasons))
    failing = [g for g in groups if not g.carried()]
    for g in groups:
        who = f"In the {g.member_class} class, " if by_class else ""
        reasons.append(f"{who}{g.counts.get('agree', 0)} agreed and {g.counts.get('disagree', 0)} disagreed.")
    return Tally("not_carried" if failing else "carried", overall, classes, by_class, quorum_percent, tuple(reasons))
