"""The phases of a participatory-budgeting process and what each one allows.

A process has up to seven phases, always in this order. Each phase starts at its date and
lasts until the next one starts, so there are no gaps and no overlaps. Which phase is active
is decided in one place, `active_phase_kind` (used through `selectors.process_phase`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    IDEAS = "ideas", _("Ideas")
    PROPOSALS = "proposals", _("Proposals")
    REVIEW = "review", _("Review")
    VOTING = "voting", _("Voting")
    COUNTING = "counting", _("Counting")
    RESULTS = "results", _("Results")
    DELIVERY = "delivery", _("Delivery")


PHASE_ORDER: tuple[str, ...] = tuple(kind.value for kind in PhaseKind)


class Action:
    """Things people do in a process. Phases allow some of them."""

    SUBMIT_IDEA = "submit_idea"
    PROPOSE_PROJECT = "propose_project"
    REVIEW_PROJECT = "review_project"
    CHOOSE_RULE = "choose_rule"
    VOTE = "vote"
    CHANGE_VOTE = "change_vote"
    ENTER_PAPER_BALLOT = "enter_paper_ballot"
    COUNT = "count"
    PUBLISH_BALLOTS = "publish_ballots"
    SEE_RESULTS = "see_results"
    UPDATE_DELIVERY = "update_delivery"


@dataclass(frozen=True)
class PhaseType:
    kind: str
    description: str
    allows: frozenset[str]


PHASE_TYPES: dict[str, PhaseType] = {
    PhaseKind.IDEAS: PhaseType(
        PhaseKind.IDEAS, _("Residents share ideas for the budget."),
        frozenset({Action.SUBMIT_IDEA, Action.CHOOSE_RULE}),
    ),
    PhaseKind.PROPOSALS: PhaseType(
        PhaseKind.PROPOSALS, _("Residents turn ideas into projects with a description and an estimated cost."),
        frozenset({Action.PROPOSE_PROJECT, Action.CHOOSE_RULE}),
    ),
    PhaseKind.REVIEW: PhaseType(
        PhaseKind.REVIEW, _("Officers cost each project and say whether it can be done, with their reasons."),
        frozenset({Action.REVIEW_PROJECT, Action.CHOOSE_RULE}),
    ),
    PhaseKind.VOTING: PhaseType(
        PhaseKind.VOTING, _("Residents vote online or on paper, and can change their vote with their receipt code."),
        frozenset({Action.VOTE, Action.CHANGE_VOTE, Action.ENTER_PAPER_BALLOT}),
    ),
    PhaseKind.COUNTING: PhaseType(
        PhaseKind.COUNTING, _("Voting has closed. The ballots are published and counted."),
        frozenset({Action.COUNT, Action.PUBLISH_BALLOTS}),
    ),
    PhaseKind.RESULTS: PhaseType(
        PhaseKind.RESULTS, _("The results are published with an explanation for every project."),
        frozenset({Action.COUNT, Action.PUBLISH_BALLOTS, Action.SEE_RESULTS}),
    ),
    PhaseKind.DELIVERY: PhaseType(
        PhaseKind.DELIVERY, _("The council delivers the funded projects and reports progress."),
        frozenset({Action.PUBLISH_BALLOTS, Action.SEE_RESULTS, Action.UPDATE_DELIVERY}),
    ),
}


def active_phase_kind(starts: Iterable[tuple[str, dt.datetime]], at: dt.datetime) -> str | None:
    """The kind of the phase running at `at`: the latest phase that has started, or None."""
    current: tuple[int, dt.datetime, str] | None = None
    for kind, starts_at in starts:
        if starts_at <= at:
            key = (PHASE_ORDER.index(kind), starts_at, kind)
            if current is None or (key[1], key[0]) > (current[1], current[0]):
                current = key
    return current[2] if current else None


def phase_allows(kind: str | None, action: str) -> bool:
    return kind is not None and action in PHASE_TYPES[kind].allows


def is_before(kind: str | None, other: str) -> bool:
    """True when phase `kind` comes before `other` (no phase yet counts as before everything)."""
    return kind is None or PHASE_ORDER.index(kind) < PHASE_ORDER.index(other)


def check_phase_dates(starts: dict[str, dt.datetime]) -> list[str]:
    """Problems with a set of phase start dates, in plain English (empty list when fine)."""
    problems = []
    kinds = [k for k in PHASE_ORDER if k in starts]
    for earlier, later in zip(kinds, kinds[1:], strict=False):
        if starts[later] < starts[earlier]:
            problems.append(
                str(_("The %(later)s phase must start after the %(earlier)s phase."))
                % {"later": PhaseKind(later).label.lower(), "earlier": PhaseKind(earlier).label.lower()}
            )
    if PhaseKind.VOTING in starts and PhaseKind.COUNTING not in starts:
        problems.append(str(_("Give a date for counting: voting closes when counting starts.")))
    return problems
