"""Co-production: collaboratives of service users, carers, residents and staff, their meetings,
and the ideas and actions that come out of them.

Like the Lambeth Living Well Collaborative (evidence §1.1): service users, carers, practitioners
and commissioners meet monthly, share experience and design services together. Taking part is
paid in time credits (see the timebank app).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ParticipantType(models.TextChoices):
    SERVICE_USER = "service_user", _("Person who uses services")
    CARER = "carer", _("Carer")
    RESIDENT = "resident", _("Resident")
    YOUNG_PERSON = "young_person", _("Young person")
    PRACTITIONER = "practitioner", _("Practitioner")
    COMMISSIONER = "commissioner", _("Commissioner")
    PROVIDER = "provider", _("Provider organisation")
    COUNCILLOR = "councillor", _("Councillor")
    OTHER = "other", _("Other")


#: The types a person can choose for themself when they join; staff types are set by organisers.
SELF_CHOSEN_TYPES = (
    ParticipantType.SERVICE_USER, ParticipantType.CARER, ParticipantType.RESIDENT,
    ParticipantType.YOUNG_PERSON, ParticipantType.OTHER,
)


class Collaborative(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=120)
    summary = models.CharField(max_length=300, help_text=_("One sentence: who meets and what for."))
    description = models.TextField(blank=True)
    trust = models.ForeignKey(
        "trusts.Trust", null=True, blank=True, on_delete=models.SET_NULL, related_name="collaboratives",
        help_text=_("The community trust this collaborative works with, if any."),
    )
    is_open = models.BooleanField(default=True, help_text=_("Anyone signed in can join."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(name="collaborative_name_not_blank", condition=~Q(name=""))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("coproduction:collaborative_detail", kwargs={"slug": self.slug})


class ParticipantQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)


class Participant(models.Model):
    """A person taking part in a collaborative. Their name is never published; counts by type are."""

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations")
    participant_type = models.CharField(max_length=20, choices=ParticipantType.choices)
    is_organiser = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "person"], name="participant_once_per_collaborative"),
            models.CheckConstraint(name="participant_type_valid", condition=Q(participant_type__in=ParticipantType.values)),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.collaborative}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class MeetingQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at", "id")

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at", "-id")


class Meeting(models.Model):
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    venue = models.CharField(max_length=300, blank=True, help_text=_("Address of the room, if it meets in person."))
    online_url = models.URLField(blank=True, help_text=_("Link to join online, shown to people who register."))
    accessibility = models.TextField(
        help_text=_("Step-free access, hearing loop, toilets, quiet room, interpreters, food: what people need to know."),
    )
    agenda = models.TextField(blank=True)
    capacity = models.PositiveIntegerField(
        help_text=_("How many people can register."),
        validators=[MinValueValidator(1, message=_("Places must be 1 or more"))],
    )
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    minutes = models.TextField(blank=True)
    minutes_recorded_at = models.DateTimeField(null=True, blank=True)
    minutes_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["collaborative", "starts_at"], name="meeting_by_collaborative")]
        constraints = [
            models.CheckConstraint(name="meeting_ends_after_it_starts", condition=Q(ends_at__gt=F("starts_at"))),
            models.CheckConstraint(name="meeting_has_a_place", condition=~Q(venue="") | ~Q(online_url="")),
            models.CheckConstraint(name="meeting_capacity_positive", condition=Q(capacity__gte=1)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coproduction:meeting_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if not (self.venue or "").strip() and not (self.online_url or "").strip():
            errors["venue"] = _("Enter the address of the venue, an online link, or both")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts")
        if errors:
            raise ValidationError(errors)

    @property
    def duration(self) -> dt.timedelta:
        return self.ends_at - self.starts_at

    @property
    def duration_hours(self) -> Decimal:
        """Length in hours, to the minute (90 minutes → 1.5): what attendance earns in credits."""
        minutes = int(self.duration.total_seconds() // 60)
        return Decimal(minutes) / Decimal(60)

    def has_started(self, now=None) -> bool:
        return self.starts_at <= (now or timezone.now())


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(cancelled_at__isnull=True)


class Registration(models.Model):
    """A place at a meeting, with the person's access needs (seen only by the organisers)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_registrations")
    access_needs = models.TextField(blank=True)
    registered_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="registration_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.person} at {self.meeting}"

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class Attendance(models.Model):
    """The organiser's record that someone took part, and the time credits it paid.

    Unmarking keeps the row (with `unmarked_at`) and reverses the credits in the ledger;
    marking again makes a new row with a new event key, so every payment is traceable.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_attendances")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(default=timezone.now)
    unmarked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unmarked_at = models.DateTimeField(null=True, blank=True)
    credit_event_key = models.CharField(max_length=200, unique=True)
    credit_transaction = models.ForeignKey(
        "timebank.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    reversal_transaction = models.ForeignKey(
        "timebank.LedgerTransaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        ordering = ["marked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=Q(unmarked_at__isnull=True), name="attendance_once_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} attended {self.meeting}"

    @property
    def is_current(self) -> bool:
        return self.unmarked_at is None


class LinkedToElsewhere(models.Model):
    """An optional link from an idea or action to what later answers it in another app: a
    commissioning project, a budgeting process. Generic, so coproduction does not depend on the
    apps that come after it; the linking service checks the target's app (ADR 0531)."""

    linked_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked_object = GenericForeignKey("linked_type", "linked_id")

    class Meta:
        abstract = True


class Idea(LinkedToElsewhere):
    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="ideas")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="coproduction_ideas")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="idea_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(
                name="idea_link_complete", condition=Q(linked_type__isnull=True, linked_id__isnull=True)
                | Q(linked_type__isnull=False, linked_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ActionQuerySet(models.QuerySet):
    def not_done(self):
        return self.exclude(status=ActionStatus.DONE)

    def overdue(self, today=None):
        return self.not_done().filter(due_date__lt=today or timezone.localdate())


class Action(LinkedToElsewhere):
    """Something someone agreed to do. It stays on the open actions list until it is done."""

    Status = ActionStatus

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="actions")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coproduction_actions")
    owner_label = models.CharField(
        max_length=200, help_text=_("How the owner is shown publicly: staff by name, others by how they take part."),
    )
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="coproduction_actions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date", "id"], name="action_open_by_due"),
            models.Index(fields=["collaborative", "status", "due_date"], name="action_collab_open_by_due"),
        ]
        constraints = [
            models.CheckConstraint(name="action_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(name="action_status_valid", condition=Q(status__in=ActionStatus.values)),
            models.CheckConstraint(
                name="action_done_has_completion",
                condition=Q(status=ActionStatus.DONE, completed_at__isnull=False)
                | (~Q(status=ActionStatus.DONE) & Q(completed_at__isnull=True)),
            ),
            models.CheckConstraint(
                name="action_link_complete", condition=Q(linked_type__isnull=True, linked_id__isnull=True)
                | Q(linked_type__isnull=False, linked_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coproduction:action_detail", kwargs={"pk": self.pk})

    def is_overdue(self, today=None) -> bool:
        return self.status != ActionStatus.DONE and self.due_date < (today or timezone.localdate())


class ActionUpdate(models.Model):
    """One append-only row per change of an action's status, with what was said."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    from_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    to_status = models.CharField(max_length=20, choices=ActionStatus.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="action_update_changes_status", condition=~Q(from_status=F("to_status"))),
        ]

    def __str__(self) -> str:
        return f"{self.action_id}: {self.from_status} → {self.to_status}"
