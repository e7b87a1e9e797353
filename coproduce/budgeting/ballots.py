"""Checking a ballot against the rules of its process, with messages a voter understands."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.core.money import format_pence

from .models import BallotType, Process


class BallotProblem(ValueError):
    """The ballot breaks a rule of the process. The message says which and how to fix it."""


def check_choices(process: Process, costs: Mapping[str, int], choices: Mapping[str, int]) -> dict[str, int]:
    """Return the ballot as {project pb_id: points}, or raise BallotProblem.

    `costs` maps each project on the ballot to its cost in pence. Approval and knapsack
    ballots give each chosen project 1 point; cumulative ballots give the points typed in.
    """
    unknown = sorted(pid for pid in choices if pid not in costs)
    if unknown:
        raise BallotProblem(
            _("These projects are not on the ballot: %(ids)s. Choose from the list.") % {"ids": ", ".join(unknown)}
        )
    for pid, points in choices.items():
        if not isinstance(points, int) or isinstance(points, bool) or points < 0:
            raise BallotProblem(_("Points must be whole numbers of 0 or more (project %(id)s).") % {"id": pid})
    chosen = {pid: pts for pid, pts in choices.items() if pts > 0}

    if process.ballot_type == BallotType.CUMULATIVE:
        total = sum(chosen.values())
        if total != process.points:
            raise BallotProblem(
                ngettext(
                    "You have given %(total)s point. Share out exactly %(points)s points.",
                    "You have given %(total)s points. Share out exactly %(points)s points.",
                    total,
                )
                % {"total": total, "points": process.points}
            )
        return dict(sorted(chosen.items()))

    if any(pts != 1 for pts in chosen.values()):
        raise BallotProblem(_("Choose each project once."))
    count = len(chosen)
    if process.ballot_type == BallotType.KNAPSACK:
        if count == 0:
            raise BallotProblem(_("Choose at least one project."))
        spend = sum(costs[pid] for pid in chosen)
        if spend > process.budget:
            raise BallotProblem(
                _("The projects you chose cost %(spend)s, which is more than the budget of %(budget)s. Remove a project and try again.")
                % {"spend": format_pence(spend, whole=True), "budget": format_pence(process.budget, whole=True)}
            )
        return dict(sorted(chosen.items()))

    low = process.min_projects or 0
    if count < max(low, 1):
        raise BallotProblem(
            ngettext("Choose at least %(n)s project.", "Choose at least %(n)s projects.", max(low, 1)) % {"n": max(low, 1)}
        )
    if process.max_projects is not None and count > process.max_projects:
        raise BallotProblem(
            ngettext(
                "You chose %(count)s projects. Choose no more than %(n)s project.",
                "You chose %(count)s projects. Choose no more than %(n)s projects.",
                process.max_projects,
            )
            % {"count": count, "n": process.max_projects}
        )
    return dict(sorted(chosen.items()))


def choices_from_post(process: Process, data) -> dict[str, int]:
    """Read a submitted ballot form. Raises BallotProblem for points that are not numbers."""
    if process.ballot_type == BallotType.CUMULATIVE:
        result: dict[str, int] = {}
        for key in data:
            if key.startswith("points-"):
                pid = key.removeprefix("points-")
                raw = str(data.get(key, "")).strip()
                if raw == "":
                    continue
                if not raw.isdigit():
                    raise BallotProblem(_("Points must be whole numbers of 0 or more (project %(id)s).") % {"id": pid})
                result[pid] = int(raw)
        return result
    return {str(pid): 1 for pid in data.getlist("projects")}
