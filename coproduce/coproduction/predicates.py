"""Who may do what in co-production, as django-rules predicates (composed in rules.py).

The object of a check may be a collaborative, a meeting, an idea or an action: each predicate
finds the collaborative it belongs to.
"""

from __future__ import annotations

import rules

from .models import Action, Collaborative, Idea, Meeting, Participant


def collaborative_of(obj) -> Collaborative | None:
    if isinstance(obj, Collaborative):
        return obj
    if isinstance(obj, Meeting | Idea | Action):
        return obj.collaborative
    return None


def _signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _participation(user, collaborative) -> Participant | None:
    """The person's active participation, read once per request object and user."""
    if not _signed_in(user) or collaborative is None or collaborative.pk is None:
        return None
    cache = getattr(user, "_coproduction_participation", None)
    if cache is None:
        cache = user._coproduction_participation = {}
    if collaborative.pk not in cache:
        cache[collaborative.pk] = (
            Participant.objects.active().filter(collaborative_id=collaborative.pk, person=user).first()
        )
    return cache[collaborative.pk]


@rules.predicate
def is_collaborative_organiser(user, obj) -> bool:
    participation = _participation(user, collaborative_of(obj))
    return bool(participation and participation.is_organiser)


@rules.predicate
def is_participant(user, obj) -> bool:
    return _participation(user, collaborative_of(obj)) is not None


@rules.predicate
def is_action_owner(user, action) -> bool:
    return _signed_in(user) and isinstance(action, Action) and action.owner_id == user.pk


def forget_participation(user) -> None:
    """Drop the per-request cache after the person joins or leaves."""
    if hasattr(user, "_coproduction_participation"):
        del user._coproduction_participation
