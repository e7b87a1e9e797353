"""The earning rules a council starts with (ADR 0503).

The 0002 migration writes these rows; `rule_get` recreates a missing default on first use (a
database flushed by a test, a council that deleted one by mistake). Councils change rates
in the admin: the rows, not this file, are the rule table.
"""

from __future__ import annotations

#: slug → name, unit, hundredths per unit, most hundredths per occasion, officer can issue, description
DEFAULT_RULES: dict[str, tuple[str, str, int, int | None, bool, str]] = {
    "meeting_attendance": (
        "Taking part in a meeting", "hour", 100, 800, False,
        "Attending a co-production meeting or collaborative: 1 credit for each hour of the meeting, marked by the organiser.",
    ),
    "evaluation_panel": (
        "Sitting on an evaluation panel", "session", 300, 300, False,
        "Reading and scoring bids on a tender evaluation panel: 3 credits a session.",
    ),
    "volunteering": (
        "Volunteering for a service", "hour", 100, 800, True,
        "Helping to run a local service or activity: 1 credit an hour.",
    ),
    "peer_support": (
        "Peer support", "hour", 100, 800, True,
        "Supporting another resident or service user: 1 credit an hour.",
    ),
    "governance_vote": (
        "Voting in a trust or ballot", "event", 0, None, False,
        "Voting is a member's right, not paid work: a vote earns no credits.",
    ),
}


def default_rule_fields(slug: str) -> dict | None:
    if slug not in DEFAULT_RULES:
        return None
    name, unit, rate, cap, by_hand, description = DEFAULT_RULES[slug]
    return {"name": name, "unit": unit, "credits_per_unit": rate, "max_credits_per_event": cap,
            "officer_can_issue": by_hand, "description": description}
