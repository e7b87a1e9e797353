"""Who may take part in a budgeting process, as django-rules predicates.

`voter_problem` and `member_problem` return the reason in plain English (or None), so
views and services can tell a person exactly why they cannot vote.
"""

from __future__ import annotations

import datetime as dt

import rules
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.accounts.predicates import is_administrator, is_officer, is_verified_resident

from .models import Process, Scope


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def lives_in_area(user, process: Process) -> bool:
    if process.scope == Scope.BOROUGH:
        return user.neighbourhood_id is not None
    if process.scope == Scope.WARD:
        return user.neighbourhood_id is not None and user.neighbourhood.ward_id == process.ward_id
    return user.neighbourhood_id is not None and user.neighbourhood_id == process.neighbourhood_id


def member_problem(user, process: Process) -> str | None:
    """Why this person cannot share ideas or propose projects here (None when they can)."""
    if not _signed_in(user):
        return _("Sign in to take part.")
    if process.scope == Scope.TRUST:
        from coproduce.trusts.predicates import is_trust_member

        if not is_trust_member(user, process.trust):
            return _("This budget is for members of %(trust)s. Join the trust to take part.") % {"trust": process.place_name}
        return None
    if not is_verified_resident(user):
        return _("Only verified residents can take part. Verify your address from your account page first.")
    if not lives_in_area(user, process):
        return _("This budget is for people who live in %(place)s. Your address is somewhere else.") % {
            "place": process.place_name
        }
    return None


def voter_problem(user, process: Process, *, today: dt.date | None = None) -> str | None:
    """Why this person cannot vote in this process (None when they can)."""
    problem = member_problem(user, process)
    if problem:
        return problem
    if process.min_age:
        today = today or timezone.localdate()
        if user.date_of_birth is None:
            return _("Voters must be %(age)s or older. Add your date of birth to your account so we can check.") % {
                "age": process.min_age
            }
        if age_on(user.date_of_birth, today) < process.min_age:
            return _("Voters must be %(age)s or older.") % {"age": process.min_age}
    return None


@rules.predicate
def is_area_member(user, process) -> bool:
    return process is not None and member_problem(user, process) is None


@rules.predicate
def is_eligible_voter(user, process) -> bool:
    return process is not None and voter_problem(user, process) is None


@rules.predicate
def is_budget_officer(user) -> bool:
    return bool(is_officer(user) or is_administrator(user))
