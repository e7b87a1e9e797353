"""Participatory budgeting: a devolved budget spent through a process residents run.

The ballot box is two tables that share nothing but the process:

* `VoterRecord` says *who* voted (one row per person per process, enforced by a unique
  constraint), with only the date.
* `Ballot` says *what* was voted: a random ballot id, the hash of a receipt code only the
  voter holds, and the choices. It has no link to a person, no timestamp and no sequential
  key, so no query can join a voter to their ballot (see ADR 0402 and tests/test_secrecy.py).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phases import PHASE_ORDER, PhaseKind


class BallotType(models.TextChoices):
    APPROVAL = "approval", _("Approval: choose between a minimum and a maximum number of projects")
    KNAPSACK = "knapsack", _("Knapsack: choose projects up to the budget")
    CUMULATIVE = "cumulative", _("Cumulative: share out a number of points")


class CountingRule(models.TextChoices):
    """What the council chooses; `counting.ENGINE_RULES` maps each to a rule of coproduce.pb."""

    EQUAL_SHARES = "equal_shares", _("Method of Equal Shares with completion")
    PHRAGMEN = "phragmen", _("Sequential Phragmén")
    GREEDY = "greedy", _("Greedy by votes")


class Scope(models.TextChoices):
    BOROUGH = "borough", _("The whole borough")
    WARD = "ward", _("A ward")
    NEIGHBOURHOOD = "neighbourhood", _("A neighbourhood or estate")
    TRUST = "trust", _("A co-operative trust (its members vote)")


class ProcessQuerySet(models.QuerySet):
    def with_places(self):
        return self.select_related("ward", "neighbourhood", "neighbourhood__ward", "trust")


class Process(models.Model):
    """One round of spending a devolved budget: its place, amount, ballot and phases."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=80)
    description = models.TextField(blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.NEIGHBOURHOOD)
    ward = models.ForeignKey("places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="budget_processes")
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="budget_processes"
    )
    trust = models.ForeignKey("trusts.Trust", null=True, blank=True, on_delete=models.PROTECT, related_name="budget_processes")
    budget = models.PositiveBigIntegerField(help_text=_("The amount to spend, in pence (whole pounds)."))
    ballot_type = models.CharField(max_length=20, choices=BallotType.choices, default=BallotType.APPROVAL)
    min_projects = models.PositiveSmallIntegerField(default=1, help_text=_("Approval ballots: the fewest projects a voter must choose."))
    max_projects = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Approval ballots: the most projects a voter may choose (blank: no limit)."))
    points = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Cumulative ballots: the points each voter shares out."))
    min_age = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Voters must be at least this old (blank: no age limit)."))
    rule = models.CharField(max_length=20, choices=CountingRule.choices, default=CountingRule.EQUAL_SHARES)
    rule_published_at = models.DateTimeField(null=True, blank=True)
    imported_from = models.CharField(max_length=200, blank=True, help_text=_("The pabulib file a past election was loaded from."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProcessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "title"]
        verbose_name_plural = "processes"
        constraints = [
            models.CheckConstraint(condition=models.Q(budget__gte=100), name="budgeting_process_budget_at_least_a_pound"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.budget is not None and self.budget % 100:
            errors["budget"] = _("Enter the budget in whole pounds.")
        if self.scope == Scope.WARD and not self.ward_id:
            errors["ward"] = _("Choose the ward this budget belongs to.")
        if self.scope == Scope.NEIGHBOURHOOD and not self.neighbourhood_id:
            errors["neighbourhood"] = _("Choose the neighbourhood this budget belongs to.")
        if self.scope == Scope.TRUST and not self.trust_id:
            errors["trust"] = _("Choose the trust this budget belongs to.")
        if self.ballot_type == BallotType.CUMULATIVE and not self.points:
            errors["points"] = _("Enter how many points each voter shares out.")
        if self.max_projects is not None and self.min_projects > self.max_projects:
            errors["max_projects"] = _("The most projects must be at least the fewest projects.")
        if self.ballot_type == BallotType.CUMULATIVE and self.rule == CountingRule.PHRAGMEN:
            errors["rule"] = _("Sequential Phragmén counts approval ballots only; choose another rule for points.")
        if errors:
            raise ValidationError(errors)

    @property
    def place_name(self) -> str:
        if self.scope == Scope.TRUST and self.trust_id:
            return self.trust.name
        if self.scope == Scope.NEIGHBOURHOOD and self.neighbourhood_id:
            return self.neighbourhood.name
        if self.scope == Scope.WARD and self.ward_id:
            return self.ward.name
        return str(settings.COPRODUCE_COUNCIL_NAME)

    @property
    def place_slug(self) -> str:
        if self.scope == Scope.TRUST and self.trust_id:
            return self.trust.slug
        if self.scope == Scope.NEIGHBOURHOOD and self.neighbourhood_id:
            return self.neighbourhood.slug
        if self.scope == Scope.WARD and self.ward_id:
            return self.ward.slug
        return "borough"


class Phase(models.Model):
    """A phase starts at `starts_at` and lasts until the next phase of the process starts."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["process", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["process", "kind"], name="budgeting_phase_once_per_process")]

    def __str__(self) -> str:
        return f"{self.process}: {self.get_kind_display()}"

    @property
    def order(self) -> int:
        return PHASE_ORDER.index(self.kind)


class Category(models.Model):
    """A theme of projects, with an optional envelope: the share of the budget meant for it."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=100)
    envelope = models.PositiveBigIntegerField(null=True, blank=True, help_text=_("Pence set aside for this category (optional)."))

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["process", "name"], name="budgeting_category_unique_name")]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    PROPOSAL = "proposal", _("Proposal, waiting for review")
    FEASIBLE = "feasible", _("Feasible: on the ballot")
    NOT_FEASIBLE = "not_feasible", _("Not feasible")


class DeliveryStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DELAYED = "delayed", _("Delayed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class ProjectQuerySet(models.QuerySet):
    def on_ballot(self):
        return self.filter(status=ProjectStatus.FEASIBLE, cost__isnull=False)

    def funded(self):
        return self.filter(funded=True)


class Project(models.Model):
    """An idea that residents turn into a costed project; feasible ones go on the ballot."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="projects")
    pb_id = models.CharField(max_length=40, help_text=_("The project's id in the published .pb file."))
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    neighbourhood = models.ForeignKey("places.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects")
    estimated_cost = models.PositiveBigIntegerField(null=True, blank=True, help_text=_("The proposer's estimate, in pence."))
    status = models.CharField(max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.IDEA, db_index=True)
    cost = models.PositiveBigIntegerField(null=True, blank=True, help_text=_("The officers' costing, in pence (whole pounds)."))
    feasibility_reasons = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    funded = models.BooleanField(default=False, help_text=_("Set from the published count."))
    delivery_status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0, help_text=_("Per cent delivered, 0 to 100."))
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["process", "created_at", "pb_id"]
        constraints = [
            models.UniqueConstraint(fields=["process", "pb_id"], name="budgeting_project_unique_pb_id"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="budgeting_project_progress_max_100"),
            models.CheckConstraint(
                condition=~models.Q(status="feasible") | models.Q(cost__gt=0), name="budgeting_feasible_project_has_cost"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.cost is not None and self.cost % 100:
            errors["cost"] = _("Enter the cost in whole pounds.")
        if self.status == ProjectStatus.FEASIBLE and not self.cost:
            errors["cost"] = _("Enter what the project will cost.")
        if self.status == ProjectStatus.NOT_FEASIBLE and not self.feasibility_reasons.strip():
            errors["feasibility_reasons"] = _("Explain why the project is not feasible.")
        if self.category_id and self.category.process_id != self.process_id:
            errors["category"] = _("Choose a category of this budget.")
        if errors:
            raise ValidationError(errors)


class DeliveryUpdate(models.Model):
    """Append-only history of a funded project's delivery status and progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="delivery_updates")
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices)
    progress = models.PositiveSmallIntegerField()
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_status_display()}, {self.progress}%"


class Milestone(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True, help_text=_("What shows it was done: a note, a photo caption, an invoice reference."))
    evidence_url = models.URLField(blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class VoterRecord(models.Model):
    """Who has voted in a process: the electoral register's mark, not the ballot."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("In person, on paper")

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="voter_records")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="budget_voter_records")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    voted_on = models.DateField(help_text=_("Only the date: a time could be matched with other records."))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The officer who entered a paper ballot."),
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process", "user"], name="budgeting_one_vote_per_person")]

    def __str__(self) -> str:
        return f"{self.user} voted in {self.process}"


class Ballot(models.Model):
    """One anonymous ballot. Deliberately: random primary key and ballot id, no person, no timestamp.

    `choices` maps a project's `pb_id` to points (1 for approval and knapsack ballots).
    Changing a ballot replaces `choices` in place, so the row count never reveals a change.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot_id = models.CharField(max_length=40, editable=False, help_text=_("Random; published in the .pb file."))
    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)
    choices = models.JSONField(default=dict)

    class Meta:
        ordering = ["process", "ballot_id"]
        constraints = [models.UniqueConstraint(fields=["process", "ballot_id"], name="budgeting_ballot_id_unique_in_process")]

    def __str__(self) -> str:
        return self.ballot_id


class Count(models.Model):
    """One run of the counting engine over a process's ballots, with its progress and result."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Counting")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="counts")
    rule = models.CharField(max_length=20, choices=CountingRule.choices)
    engine_rule = models.CharField(max_length=40)
    comparison_rule = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    ballots = models.PositiveIntegerField(default=0)
    input_sha256 = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 of the .pb file that was counted."))
    selected = models.JSONField(default=list, blank=True)
    spent = models.PositiveBigIntegerField(default=0, help_text=_("Pounds, as in the .pb file."))
    comparison_selected = models.JSONField(default=list, blank=True)
    comparison_spent = models.PositiveBigIntegerField(default=0)
    explanations = models.JSONField(default=dict, blank=True)
    votes = models.JSONField(default=dict, blank=True, help_text=_("Approvals (or points) per project id."))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Count of {self.process} ({self.get_status_display()})"
