"""Reads for co-production. Lists are a fixed number of queries, whatever their length."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from coproduce.needs.models import Need

from .models import (
    Action,
    ActionStatus,
    Attendance,
    Collaborative,
    Idea,
    Meeting,
    Participant,
    ParticipantType,
    Registration,
)


def collaborative_list() -> QuerySet[Collaborative]:
    now = timezone.now()
    next_meeting = Meeting.objects.filter(collaborative=OuterRef("pk"), starts_at__gte=now).order_by("starts_at")
    return Collaborative.objects.annotate(
        participant_count=Count("participants", filter=Q(participants__left_at__isnull=True), distinct=True),
        next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
    ).order_by("name")


def collaborative_get(*, slug: str) -> Collaborative:
    return get_object_or_404(Collaborative.objects.select_related("trust"), slug=slug)


def participant_counts(*, collaborative: Collaborative) -> list[tuple[str, int]]:
    """How many take part, by type, in the order of `ParticipantType` (names are never shown)."""
    rows = dict(
        Participant.objects.active().filter(collaborative=collaborative)
        .values_list("participant_type").annotate(n=Count("id")).order_by()
    )
    return [(label, rows[value]) for value, label in ParticipantType.choices if rows.get(value)]


def participant_list(*, collaborative: Collaborative) -> QuerySet[Participant]:
    """For organisers: who takes part, by name."""
    return (
        Participant.objects.active().filter(collaborative=collaborative).select_related("person")
        .order_by("-is_organiser", "participant_type", "person__full_name")
    )


def participation_of(*, collaborative: Collaborative, user) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.active().filter(collaborative=collaborative, person=user).first()


def _with_counts(qs: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return qs.annotate(
        registered_count=Count("registrations", filter=Q(registrations__cancelled_at__isnull=True), distinct=True),
        attended_count=Count("attendances", filter=Q(attendances__unmarked_at__isnull=True), distinct=True),
    )


def meetings_upcoming(*, collaborative: Collaborative) -> QuerySet[Meeting]:
    return _with_counts(Meeting.objects.filter(collaborative=collaborative).upcoming())


def meetings_past(*, collaborative: Collaborative) -> QuerySet[Meeting]:
    return _with_counts(Meeting.objects.filter(collaborative=collaborative).past())


def meeting_get(*, pk: int) -> Meeting:
    return get_object_or_404(_with_counts(Meeting.objects.select_related("collaborative")), pk=pk)


def registration_for(*, meeting: Meeting, user) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.active().filter(meeting=meeting, person=user).first()


def registrations_for_organisers(*, meeting: Meeting) -> QuerySet[Registration]:
    return Registration.objects.active().filter(meeting=meeting).select_related("person").order_by("person__full_name")


def attendance_candidates(*, meeting: Meeting):
    """Who an organiser can mark as attending: the people registered and the collaborative's participants."""
    User = get_user_model()
    registered = Q(meeting_registrations__meeting=meeting, meeting_registrations__cancelled_at__isnull=True)
    taking_part = Q(collaborations__collaborative_id=meeting.collaborative_id, collaborations__left_at__isnull=True)
    return User.objects.filter(registered | taking_part).distinct().order_by("full_name", "pk")


def attendance_current(*, meeting: Meeting) -> QuerySet[Attendance]:
    return Attendance.objects.filter(meeting=meeting, unmarked_at__isnull=True).select_related(
        "person", "credit_transaction"
    )


def meeting_outcomes(*, meeting: Meeting) -> tuple[list[Idea], list[Action]]:
    needs = Prefetch("needs", queryset=Need.objects.only("id", "title", "status"))
    ideas = list(meeting.ideas.prefetch_related(needs).order_by("created_at", "id"))
    actions = list(meeting.actions.prefetch_related(needs).order_by("due_date", "id"))
    return ideas, actions


def open_actions(*, collaborative: Collaborative | None = None) -> QuerySet[Action]:
    """Actions not yet done, soonest due first: they stay on this list until they are done."""
    qs = Action.objects.not_done().select_related("collaborative", "meeting").order_by("due_date", "id")
    if collaborative is not None:
        qs = qs.filter(collaborative=collaborative)
    return qs


def action_get(*, pk: int) -> Action:
    return get_object_or_404(Action.objects.select_related("collaborative", "meeting", "idea"), pk=pk)


def action_counts(*, collaborative: Collaborative) -> dict[str, int]:
    rows = dict(Action.objects.filter(collaborative=collaborative).values_list("status").annotate(n=Count("id")).order_by())
    return {status: rows.get(status, 0) for status in ActionStatus.values}
