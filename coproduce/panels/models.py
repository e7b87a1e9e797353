"""Representative panels chosen by lot from the residents who volunteer.

A panel's life: officers open a recruitment (purpose, size, questions, quotas, closing date);
verified residents volunteer and answer the questions with their consent; when the closing
date has passed an officer closes the recruitment, which fixes the pool and commits to a
random seed by publishing its SHA-256 hash (ADR 0750); the selection runs as a background
task (`tasks.py`) that calls `coproduce.sortition`; the result, the seed and every
volunteer's chance are published under volunteer numbers, never names; the people chosen
are invited and accept or decline, and a place someone declines goes to the first person on
the published reserve list who keeps the panel within its quotas (ADR 0751). When the panel's
work ends the volunteers' answers are erased (ADR 0752).

Statuses change only in services.py (transition map, a history row and an audit entry).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PanelStatus(models.TextChoices):
    RECRUITING = "recruiting", _("Recruiting volunteers")
    CLOSED = "closed", _("Recruitment closed")
    SELECTED = "selected", _("Panel chosen")
    ENDED = "ended", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Algorithm(models.TextChoices):
    LEXIMIN = "leximin", _("LEXIMIN (fairest: raises the lowest chances first)")
    MAXIMIN = "maximin", _("Maximin (raises the lowest chance only)")
    LEGACY = "legacy", _("Legacy greedy method (for comparison only)")


class SelectionState(models.TextChoices):
    NOT_STARTED = "", _("Not started")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Could not choose a panel")
    DONE = "done", _("Finished")


class FailureKind(models.TextChoices):
    NONE = "", _("None")
    QUOTAS = "quotas", _("The quotas cannot be met")
    POOL = "pool", _("Not enough volunteers")
    ERROR = "error", _("Something went wrong")


#: The things a panel can work for ("app.model" → nullable foreign key on Panel; ADR 0753).
ATTACHMENTS = {
    "coproduction.collaborative": "collaborative",
    "trusts.trust": "trust",
    "budgeting.process": "budget_process",
    "commissioning.opportunity": "opportunity",
}
ATTACHMENT_FIELDS = tuple(ATTACHMENTS.values())


def _at_most_one_of(fields: tuple[str, ...]) -> Q:
    condition = Q()
    for i, first in enumerate(fields):
        for second in fields[i + 1:]:
            condition &= ~Q(**{f"{first}__isnull": False, f"{second}__isnull": False})
    return condition


class PanelQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=PanelStatus.CANCELLED)

    def recruiting(self, today=None):
        return self.filter(status=PanelStatus.RECRUITING, closes_on__gte=today or timezone.localdate())


class Panel(models.Model):
    """One panel and its recruitment. Progress of the selection task is kept on this row."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=120)
    purpose = models.TextField(help_text=_("What the panel will do, how often it meets and what members get."))
    size = models.PositiveSmallIntegerField(help_text=_("How many people the panel needs."))
    closes_on = models.DateField(help_text=_("Volunteering is open until the end of this day."))
    ends_on = models.DateField(help_text=_("When the panel's work ends. Volunteers' answers are erased then."))
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    algorithm = models.CharField(max_length=20, choices=Algorithm.choices, default=Algorithm.LEXIMIN)
    one_per_household = models.BooleanField(
        default=True, help_text=_("At most one person from each address can be chosen."))

    # What the panel works for (at most one). ADR 0753 says how to add another kind.
    trust = models.ForeignKey("trusts.Trust", null=True, blank=True, on_delete=models.PROTECT, related_name="panels")
    budget_process = models.ForeignKey(
        "budgeting.Process", null=True, blank=True, on_delete=models.PROTECT, related_name="panels")
    opportunity = models.ForeignKey(
        "commissioning.Opportunity", null=True, blank=True, on_delete=models.PROTECT, related_name="resident_panels")
    collaborative = models.ForeignKey(
        "coproduction.Collaborative", null=True, blank=True, on_delete=models.PROTECT, related_name="panels")

    status = models.CharField(max_length=20, choices=PanelStatus.choices, default=PanelStatus.RECRUITING, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The seed is secret until the draw; its hash is public from the moment recruitment closes.
    seed = models.CharField(max_length=64, blank=True, editable=False)
    seed_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    seed_committed_at = models.DateTimeField(null=True, blank=True, editable=False)
    inputs_sha256 = models.CharField(
        max_length=64, blank=True, editable=False,
        help_text=_("SHA-256 of the pool, quotas and size fixed at closing."))

    selection_state = models.CharField(max_length=10, choices=SelectionState.choices, blank=True, default="", editable=False)
    selection_progress = models.PositiveSmallIntegerField(default=0, editable=False)
    selection_stage = models.CharField(max_length=200, blank=True, editable=False)
    selection_error = models.TextField(blank=True, editable=False)
    selection_failure = models.CharField(max_length=10, choices=FailureKind.choices, blank=True, default="", editable=False)
    selection_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    selection_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)

    answers_erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_on", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1), name="panels_size_at_least_one"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("closes_on")), name="panels_ends_after_closing"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=F("min_age")),
                name="panels_age_range_in_order",
            ),
            models.CheckConstraint(condition=Q(status__in=PanelStatus.values), name="panels_status_valid"),
            models.CheckConstraint(
                condition=Q(status="recruiting") | Q(status="cancelled") | ~Q(seed_sha256=""),
                name="panels_closed_panels_have_a_seed_commitment",
            ),
            models.CheckConstraint(
                condition=_at_most_one_of(ATTACHMENT_FIELDS), name="panels_attached_to_at_most_one_thing"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("panels:panel_detail", kwargs={"slug": self.slug})

    def is_open_for_volunteers(self, today=None) -> bool:
        return self.status == PanelStatus.RECRUITING and (today or timezone.localdate()) <= self.closes_on

    @property
    def attached_to(self):
        """The collaborative, trust, budget or tender this panel works for, if any."""
        return self.collaborative or self.trust or self.budget_process or self.opportunity

    @property
    def age_range_text(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return str(_("aged %(min)s to %(max)s")) % {"min": self.min_age, "max": self.max_age}
        if self.min_age is not None:
            return str(_("aged %(min)s or over")) % {"min": self.min_age}
        if self.max_age is not None:
            return str(_("aged %(max)s or under")) % {"max": self.max_age}
        return ""


class PanelStatusChange(models.Model):
    """Append-only history behind `Panel.status`."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=PanelStatus.choices)
    to_status = models.CharField(max_length=20, choices=PanelStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Feature(models.Model):
    """A question the panel asks volunteers (age band, ward…), copied from `features.QUESTIONS`."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="features")
    key = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    question = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["panel", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["panel", "key"], name="panels_feature_once_per_panel")]

    def __str__(self) -> str:
        return self.label


class FeatureValue(models.Model):
    """One answer to a question, with its quota: the fewest and most people with it on the panel."""

    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="values")
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    quota_min = models.PositiveSmallIntegerField(default=0)
    quota_max = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["feature", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "key"], name="panels_value_once_per_feature"),
            models.CheckConstraint(condition=Q(quota_max__gte=F("quota_min")), name="panels_quota_min_not_above_max"),
        ]

    def __str__(self) -> str:
        return f"{self.feature}: {self.label}"


class VolunteerQuerySet(models.QuerySet):
    def in_pool(self):
        return self.filter(withdrawn_at__isnull=True)


class Volunteer(models.Model):
    """A resident in a panel's pool. Published only as `number`; answers are erased when the panel ends."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="panel_volunteering",
        help_text=_("Unlinked when the panel ends, unless the person served on it."))
    number = models.PositiveIntegerField(help_text=_("The volunteer number published with the result."))
    answers = models.JSONField(default=dict, blank=True, help_text=_("Feature key → answer key. Never public."))
    household_key = models.CharField(
        max_length=64, blank=True, help_text=_("A keyed hash of the address, to choose at most one per household."))
    consented_at = models.DateTimeField()
    volunteered_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    answers_erased_at = models.DateTimeField(null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "number"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "number"], name="panels_volunteer_number_once"),
            models.UniqueConstraint(
                fields=["panel", "user"], condition=Q(withdrawn_at__isnull=True, user__isnull=False),
                name="panels_volunteer_once_per_panel",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="panels_volunteer_number_positive"),
        ]

    def __str__(self) -> str:
        return f"Volunteer {self.number} for {self.panel}"


class Selection(models.Model):
    """The published result of a panel's draw: everything anyone needs to check it was fair.

    Volunteers appear by number only. `inputs_sha256` is the hash of exactly what was given to
    the library (pool, quotas, size, algorithm), as DESIGN.md asks.
    """

    panel = models.OneToOneField(Panel, on_delete=models.CASCADE, related_name="selection")
    algorithm = models.CharField(max_length=20, choices=Algorithm.choices)
    library = models.CharField(max_length=100, help_text=_("The selection library and its version."))
    seed = models.CharField(max_length=64)
    seed_sha256 = models.CharField(max_length=64)
    seed_committed_at = models.DateTimeField()
    inputs_sha256 = models.CharField(max_length=64)
    pool_size = models.PositiveIntegerField()
    panel_size = models.PositiveSmallIntegerField()
    min_probability = models.FloatField()
    probabilities = models.JSONField(help_text=_("[volunteer number, probability] for every volunteer."))
    distribution = models.JSONField(help_text=_("The lottery: [probability, [volunteer numbers]] per panel."))
    panels_in_distribution = models.PositiveIntegerField()
    drawn = models.JSONField(help_text=_("Volunteer numbers of the panel drawn."))
    reserve = models.JSONField(help_text=_("Volunteer numbers in reserve order (ADR 0751)."))
    quota_fulfilment = models.JSONField(help_text=_("Per answer: min, max, volunteers, chosen."))
    explanation = models.JSONField(default=list, blank=True, help_text=_("The library's account of the work, step by step."))
    probabilities_exact = models.BooleanField(default=True, help_text=_("False when the chances are estimates (legacy)."))
    seconds = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Selection for {self.panel}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited, waiting for a reply")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class InvitationQuerySet(models.QuerySet):
    def holding_a_place(self):
        return self.filter(status__in=[InvitationStatus.INVITED, InvitationStatus.ACCEPTED])


class Invitation(models.Model):
    """A place on the panel offered to a chosen volunteer; a decline passes it to the reserve list."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="invitations")
    volunteer = models.OneToOneField(Volunteer, on_delete=models.CASCADE, related_name="invitation")
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by",
        help_text=_("The declined invitation whose place this one fills."))
    reserve_position = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Place on the reserve list, for replacements."))
    invited_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("Who recorded the reply: the volunteer, or an officer on their behalf."))

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "invited_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="invited", responded_at__isnull=True) | ~Q(status="invited") & Q(responded_at__isnull=False),
                name="panels_replies_have_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to volunteer {self.volunteer.number} for {self.panel}"
