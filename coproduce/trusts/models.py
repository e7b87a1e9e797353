"""Community-owned co-operative trusts: area, membership rules, register, board and decisions.

A trust (a youth services trust for the borough, a tenants' trust for one estate) serves an
area. Its member classes carry the membership rules (residency, age range, who may join
online). The register keeps every membership, current and past, as a co-operative must.
Members decide by proposals with a closing time, like Loomio (ADR 0510).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    class AreaKind(models.TextChoices):
        BOROUGH = "borough", _("The whole borough")
        WARDS = "wards", _("Some wards")
        NEIGHBOURHOODS = "neighbourhoods", _("Some neighbourhoods or estates")

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=120)
    summary = models.CharField(max_length=300, help_text=_("One sentence: what the trust is for."))
    description = models.TextField(blank=True)
    council = models.ForeignKey("places.Council", on_delete=models.PROTECT, related_name="trusts")
    area_kind = models.CharField(max_length=20, choices=AreaKind.choices, default=AreaKind.BOROUGH)
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="trusts")
    neighbourhoods = models.ManyToManyField("places.Neighbourhood", blank=True, related_name="trusts")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="trusts",
        help_text=_("The registered society or company the trust is, if it has one."),
    )
    votes_by_class = models.BooleanField(
        default=False,
        help_text=_("Decisions are counted class by class and must carry in every class (two-way mutuals)."),
    )
    default_quorum_percent = models.PositiveSmallIntegerField(
        default=10, help_text=_("Share of members who must respond for a decision to count.")
    )
    is_open = models.BooleanField(default=True, help_text=_("Accepting new members."))
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trusts_supported",
        help_text=_("Council officers who support the trust: they see the register and join people in person."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(default_quorum_percent__gte=0) & Q(default_quorum_percent__lte=100),
                name="trusts_quorum_is_a_percentage",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberClass(models.Model):
    """A class of member (user, staff, community) with its own membership rules."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="member_classes")
    slug = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    requires_residency = models.BooleanField(default=True, help_text=_("Must be a checked resident of the trust's area."))
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    joinable_online = models.BooleanField(
        default=True, help_text=_("People can join this class themselves; otherwise a trust officer adds them.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["trust", "position", "name"]
        verbose_name_plural = "member classes"
        constraints = [
            models.UniqueConstraint(fields=["trust", "slug"], name="trusts_class_slug_once_per_trust"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="trusts_class_age_range_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trust}: {self.name}"

    @property
    def age_range_text(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return str(_("aged %(min)s to %(max)s")) % {"min": self.min_age, "max": self.max_age}
        if self.min_age is not None:
            return str(_("aged %(min)s or over")) % {"min": self.min_age}
        if self.max_age is not None:
            return str(_("aged %(max)s or under")) % {"max": self.max_age}
        return ""


class MembershipQuerySet(models.QuerySet):
    def current(self):
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    """One line of the register. Leaving sets `left_at`; rejoining starts a new line."""

    class JoinedVia(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person, with an officer")

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trust_memberships")
    member_class = models.ForeignKey(MemberClass, on_delete=models.PROTECT, related_name="memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    joined_via = models.CharField(max_length=20, choices=JoinedVia.choices, default=JoinedVia.ONLINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("The officer who joined the member in person."),
    )
    assistance_note = models.CharField(max_length=300, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(max_length=300, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["trust", "-joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "user"], condition=Q(left_at__isnull=True), name="trusts_one_current_membership"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="trusts_left_after_joining",
            ),
            models.CheckConstraint(
                condition=~Q(joined_via="in_person") | Q(recorded_by__isnull=False),
                name="trusts_in_person_joins_name_the_officer",
            ),
        ]
        indexes = [models.Index(fields=["trust", "left_at"], name="trusts_membership_current")]

    def __str__(self) -> str:
        return f"{self.user} in {self.trust}"

    @property
    def is_current(self) -> bool:
        return self.left_at is None


class BoardSeat(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Board member")

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="board_seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trust_board_seats")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    started_on = models.DateField(default=timezone.localdate)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["trust", "role", "started_on"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "user"], condition=Q(ended_on__isnull=True), name="trusts_one_seat_each"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.trust}"


class Proposal(models.Model):
    """A decision put to members, with a closing time, a quorum and, once closed, an outcome."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        CARRIED = "carried", _("Carried")
        NOT_CARRIED = "not_carried", _("Not carried")
        BLOCKED = "blocked", _("Blocked")
        INQUORATE = "inquorate", _("Not enough members took part")

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(max_length=200)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    quorum_percent = models.PositiveSmallIntegerField()
    votes_by_class = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_statement = models.TextField(blank=True)
    review_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tally = models.JSONField(default=dict, blank=True, help_text=_("The count when the proposal closed."))

    class Meta:
        ordering = ["-closes_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opened_at")), name="trusts_proposal_closes_after_opening"),
            models.CheckConstraint(condition=Q(quorum_percent__lte=100), name="trusts_proposal_quorum_percentage"),
            models.CheckConstraint(
                condition=Q(status="open", outcome="") | Q(status="closed") & ~Q(outcome=""),
                name="trusts_closed_proposals_have_an_outcome",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open_for_responses(self, now=None) -> bool:
        return self.status == self.Status.OPEN and (now or timezone.now()) < self.closes_at


class Response(models.Model):
    """A member's position on a proposal (Loomio calls it a stance). One per member; changeable while open."""

    class Position(models.TextChoices):
        AGREE = "agree", _("Agree")
        ABSTAIN = "abstain", _("Abstain")
        DISAGREE = "disagree", _("Disagree")
        BLOCK = "block", _("Block")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="responses")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    position = models.CharField(max_length=20, choices=Position.choices)
    reason = models.TextField(blank=True)
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-responded_at"]
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="trusts_one_response_per_member")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} on {self.proposal}"
