"""Commissioning: projects through analyse → plan → do → review, procurement thresholds as dated
rows, opportunities with lots and weighted criteria, sealed bids, evaluation panels, moderated
scores, awards with standstill, and the contracts (with KPIs) that oversight monitors.

Statuses change only through services.py (explicit transition maps, a history row and an audit
entry each). Money is integer pence. Scores and weights are Decimals; the arithmetic is in
scoring.py.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.needs.models import Category

# ---------------------------------------------------------------------------------------------
# Reference data: thresholds and bank holidays (dated rows the council keeps current)


class ServiceType(models.TextChoices):
    SERVICES = "services", _("Goods or services")
    LIGHT_TOUCH = "light-touch", _("Light-touch services (services to people: care, health, education…)")
    LIGHT_TOUCH_RESERVABLE = "light-touch-reservable", _(
        "Light-touch services that may be reserved for public service mutuals"
    )
    WORKS = "works", _("Works")


class AuthorityClass(models.TextChoices):
    SUB_CENTRAL = "sub-central", _("Sub-central authority (councils)")
    CENTRAL = "central", _("Central government")


class ThresholdKind(models.TextChoices):
    SERVICES = "services", _("Goods and services")
    LIGHT_TOUCH = "light-touch", _("Light-touch services")
    WORKS = "works", _("Works")
    NOTIFIABLE = "notifiable", _("Notifiable below-threshold contract")


class ProcurementThreshold(models.Model):
    """A value (VAT-inclusive, whole term) in force from one date until another (inclusive)."""

    kind = models.CharField(max_length=20, choices=ThresholdKind.choices)
    authority = models.CharField(max_length=20, choices=AuthorityClass.choices, default=AuthorityClass.SUB_CENTRAL)
    value_pence = models.BigIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text=_("Last day in force; empty while current."))
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "authority", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "authority", "valid_from"], name="threshold_once_per_start"),
            models.CheckConstraint(condition=Q(value_pence__gt=0), name="threshold_positive"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="threshold_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.authority}) from {self.valid_from}"

    def clean(self):
        overlapping = ProcurementThreshold.objects.filter(kind=self.kind, authority=self.authority).exclude(pk=self.pk)
        end = self.valid_to
        for other in overlapping:
            other_end = other.valid_to
            if (end is None or other.valid_from <= end) and (other_end is None or self.valid_from <= other_end):
                raise ValidationError(_("These dates overlap another %(kind)s threshold (from %(start)s).")
                                      % {"kind": self.get_kind_display(), "start": other.valid_from})


class BankHoliday(models.Model):
    """A bank holiday in England and Wales (GOV.UK publishes the list; councils keep it current)."""

    DIVISION = "england-and-wales"

    date = models.DateField()
    title = models.CharField(max_length=100)
    division = models.CharField(max_length=30, default=DIVISION)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["division", "date"], name="bank_holiday_once")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


# ---------------------------------------------------------------------------------------------
# The commissioning project


class Stage(models.TextChoices):
    ANALYSE = "analyse", _("Analyse")
    PLAN = "plan", _("Plan")
    DO = "do", _("Do")
    REVIEW = "review", _("Review")


class DeliveryOption(models.TextChoices):
    IN_HOUSE = "in-house", _("Deliver in-house")
    GRANT = "grant", _("Grant to a community organisation")
    CONTRACT = "contract", _("Contract after competition")
    RESERVED = "reserved", _("Contract reserved for a public service mutual")
    CO_PRODUCED = "co-produced", _("Co-produced with residents and services")


class Regime(models.TextChoices):
    BELOW_NOT_NOTIFIABLE = "below-not-notifiable", _("Below threshold, not notifiable")
    BELOW_NOTIFIABLE = "below-notifiable", _("Below threshold, notifiable")
    LIGHT_TOUCH = "light-touch", _("Light-touch regime")
    ABOVE = "above-threshold", _("Above threshold (public contract)")


class Route(models.TextChoices):
    DIRECT_AWARD = "direct-award", _("Direct award")
    QUOTES = "quotes", _("Invite quotes from chosen suppliers")
    OPEN = "open", _("Open competition")
    COMPETITIVE_FLEXIBLE = "competitive-flexible", _("Competitive flexible procedure")
    RESERVED_MUTUAL = "reserved-mutual", _("Competition reserved for public service mutuals (s.33)")


#: Routes in which suppliers bid through an opportunity on this site.
COMPETITIVE_ROUTES = frozenset({Route.QUOTES, Route.OPEN, Route.COMPETITIVE_FLEXIBLE, Route.RESERVED_MUTUAL})


class CommissioningProject(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=220)
    summary = models.CharField(max_length=400, help_text=_("One or two sentences in plain English."))
    service_area = models.CharField(max_length=20, choices=Category.choices)
    ward = models.ForeignKey("places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="commissioning_projects")
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="commissioning_projects"
    )
    trust = models.ForeignKey(
        "trusts.Trust", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissioning_projects",
        help_text=_("The co-operative trust that commissions this service with the council, if any."),
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.ANALYSE, editable=False)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects_led"
    )

    # Analyse
    needs_assessment = models.TextField(blank=True, help_text=_("What the evidence and residents say is needed."))
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="commissioning_projects")

    # Plan
    service_type = models.CharField(max_length=30, choices=ServiceType.choices, default=ServiceType.SERVICES)
    estimated_value_pence = models.BigIntegerField(
        null=True, blank=True, help_text=_("Including VAT, over the whole term with any extensions.")
    )
    term_months = models.PositiveSmallIntegerField(null=True, blank=True)
    procurement_start = models.DateField(null=True, blank=True)
    delivery_option = models.CharField(max_length=20, choices=DeliveryOption.choices, blank=True)
    route = models.CharField(max_length=30, choices=Route.choices, blank=True)
    specification = models.TextField(blank=True, help_text=_("The outcome-based service specification."))
    procurement_plan = models.TextField(blank=True, help_text=_("Lots, timetable, market engagement, social value plan."))
    conflicts_assessment = models.TextField(
        blank=True, help_text=_("Procurement Act 2023 s.83: who could have a conflict, and how it is handled.")
    )
    co_designers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="CoDesigner", through_fields=("project", "user"), blank=True,
        related_name="projects_co_designed"
    )

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_value_pence__isnull=True) | Q(estimated_value_pence__gt=0),
                                   name="project_value_positive"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="project_stage_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commissioning:project_detail", args=[self.slug])

    @property
    def place_name(self) -> str:
        if self.neighbourhood_id:
            return str(self.neighbourhood)
        if self.ward_id:
            return str(self.ward)
        return str(_("The whole borough"))

    def clean(self):
        if self.neighbourhood_id and self.ward_id and self.neighbourhood.ward_id != self.ward_id:
            raise ValidationError({"neighbourhood": _("This neighbourhood is not in the ward chosen.")})


class StageDecision(models.Model):
    """Append-only: the exit decision of a stage, who made it and why."""

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="decisions")
    from_stage = models.CharField(max_length=10, choices=Stage.choices)
    to_stage = models.CharField(max_length=10, choices=Stage.choices)
    decision = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"



class CoDesigner(models.Model):
    class Kind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        SERVICE_USER = "service_user", _("Service user")
        CARER = "carer", _("Carer")
        YOUNG_PERSON = "young_person", _("Young person")

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="co_designer_rows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_design_rows")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.RESIDENT)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="co_designer_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"



class ProjectOutcome(models.Model):
    """One line of the outcomes framework."""

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="outcomes")
    statement = models.CharField(max_length=300)
    measure = models.CharField(max_length=200, help_text=_("How we will know, such as “young people attending each week”."))
    target = models.CharField(max_length=100, blank=True)
    indicator = models.ForeignKey(
        "needs.OutcomeIndicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="commissioning_outcomes"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.statement


class ProjectOption(models.Model):
    """One option in the options appraisal, with the costs used for the VAT comparison."""

    project = models.ForeignKey(CommissioningProject, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=20, choices=DeliveryOption.choices)
    summary = models.TextField()
    staff_cost_pence = models.BigIntegerField(default=0, help_text=_("Costs that carry no VAT, such as pay."))
    vatable_cost_pence = models.BigIntegerField(default=0, help_text=_("Purchases that carry VAT, before VAT."))
    margin_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    is_preferred = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="option_kind_once"),
            models.UniqueConstraint(fields=["project"], condition=Q(is_preferred=True), name="one_preferred_option"),
            models.CheckConstraint(condition=Q(staff_cost_pence__gte=0) & Q(vatable_cost_pence__gte=0), name="option_costs_not_negative"),
        ]


# ---------------------------------------------------------------------------------------------
# Opportunities, lots, criteria, clarifications

    def __str__(self) -> str:
        return self.get_kind_display()



class OpportunityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for bids")
    CLOSED = "closed", _("Closed for bids")
    EVALUATION = "evaluation", _("Being evaluated")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", _("Cancelled")


class PriceFormula(models.TextChoices):
    LOWEST_PRICE_RATIO = "lowest-price-ratio", _("Lowest price ÷ bid price")
    LINEAR_DEVIATION = "linear-deviation", _("Linear: zero at twice the lowest price")
    PRICE_PER_QUALITY_POINT = "price-per-quality-point", _("Price per quality point (lowest wins)")


class Aggregation(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus score agreed at moderation")
    MEAN = "mean", _("Mean of the evaluators' scores")


class OpportunityQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=OpportunityStatus.DRAFT)

    def open_for_bids(self, now=None):
        return self.filter(status=OpportunityStatus.PUBLISHED, deadline__gt=now or timezone.now())


class Opportunity(models.Model):
    project = models.ForeignKey(CommissioningProject, on_delete=models.PROTECT, related_name="opportunities")
    reference = models.SlugField(unique=True, max_length=40)
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text=_("Plain English: what the council wants, for whom, and why."))
    specification = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=OpportunityStatus.choices, default=OpportunityStatus.DRAFT, editable=False)

    route = models.CharField(max_length=30, choices=Route.choices)
    regime = models.CharField(max_length=30, choices=Regime.choices, blank=True, editable=False)
    estimated_value_pence = models.BigIntegerField(help_text=_("Including VAT, whole term."))
    estimate_pence = models.BigIntegerField(
        null=True, blank=True, help_text=_("Pre-tender estimate of the price before VAT, used to flag abnormally low bids.")
    )
    term_months = models.PositiveSmallIntegerField()

    scale_max = models.PositiveSmallIntegerField(default=5, choices=[(5, "0 to 5"), (10, "0 to 10")])
    price_weight = models.DecimalField(max_digits=5, decimal_places=2, default=30)
    price_formula = models.CharField(max_length=30, choices=PriceFormula.choices, default=PriceFormula.LOWEST_PRICE_RATIO)
    aggregation = models.CharField(max_length=20, choices=Aggregation.choices, default=Aggregation.CONSENSUS)
    abnormally_low_percent = models.DecimalField(max_digits=5, decimal_places=2, default=15)
    vat_recovery_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=100,
        help_text=_("Share of VAT the council recovers under s.33 VATA 1994 (100 for statutory services)."),
    )
    reserved_for_mutuals = models.BooleanField(default=False)
    local_employment = models.TextField(blank=True, help_text=_("Local employment commitments bidders are asked for."))

    deadline = models.DateTimeField(null=True, blank=True)
    timetable = models.TextField(blank=True, help_text=_("Key dates after the deadline: evaluation, award, contract start."))
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "opportunities"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=OpportunityStatus.values), name="opportunity_status_valid"),
            models.CheckConstraint(condition=Q(price_weight__gte=0) & Q(price_weight__lte=100), name="price_weight_0_100"),
            models.CheckConstraint(condition=Q(estimated_value_pence__gt=0), name="opportunity_value_positive"),
            models.CheckConstraint(
                condition=Q(opened_at__isnull=True) | Q(status__in=["evaluation", "awarded", "cancelled"]),
                name="opened_only_when_evaluating",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commissioning:opportunity_detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status == OpportunityStatus.PUBLISHED and self.deadline is not None and self.deadline > timezone.now()

    @property
    def bids_opened(self) -> bool:
        return self.opened_at is not None


class OpportunityStatusChange(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=OpportunityStatus.choices)
    to_status = models.CharField(max_length=20, choices=OpportunityStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"



class Lot(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    value_pence = models.BigIntegerField(null=True, blank=True, help_text=_("Estimated value of this lot, including VAT."))

    class Meta:
        ordering = ["opportunity", "number"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "number"], name="lot_number_once")]

    def __str__(self) -> str:
        return f"Lot {self.number}: {self.title}"


class CriterionKind(models.TextChoices):
    QUALITY = "quality", _("Quality question")
    SOCIAL_VALUE = "social_value", _("Social value")
    PASS_FAIL = "pass_fail", _("Pass or fail")


class Criterion(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=10)
    kind = models.CharField(max_length=20, choices=CriterionKind.choices, default=CriterionKind.QUALITY)
    question = models.TextField()
    guidance = models.TextField(blank=True)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=0, help_text=_("Points out of 100 (0 for pass or fail)."))
    gate_min = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Lowest acceptable score: a bid scoring less fails, whatever its total.")
    )

    class Meta:
        ordering = ["opportunity", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "code"], name="criterion_code_once"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=100), name="criterion_weight_0_100"),
            models.CheckConstraint(
                condition=~Q(kind="pass_fail") | (Q(weight=0) & Q(gate_min__isnull=True)), name="pass_fail_has_no_weight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.question[:60]}"

    @property
    def is_scored(self) -> bool:
        return self.kind != CriterionKind.PASS_FAIL


class Clarification(models.Model):
    """The question-and-answer log. Askers are never named on the public log."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="clarifications")
    question = models.TextField()
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]


# ---------------------------------------------------------------------------------------------
# Bids (sealed until the opening service runs after the deadline)

    def __str__(self) -> str:
        return self.question[:60]



class BidStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    OPENED = "opened", _("Opened")


class BidQuerySet(models.QuerySet):
    def opened(self):
        """Only bids whose opportunity has been opened: the one door to bid content."""
        return self.filter(status=BidStatus.OPENED, opportunity__opened_at__isnull=False)


class Bid(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="bids")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=20, choices=BidStatus.choices, default=BidStatus.DRAFT, editable=False)
    # Sealed content ---------------------------------------------------------------------------
    price_pence = models.BigIntegerField(null=True, blank=True, help_text=_("Whole-term price before VAT."))
    vat_status = models.CharField(max_length=20, blank=True)
    charges_vat = models.BooleanField(default=False, help_text=_("VAT will be added to the price."))
    social_value_commitment = models.TextField(blank=True)
    local_jobs_fte = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # ------------------------------------------------------------------------------------------
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = BidQuerySet.as_manager()

    SEALED_FIELDS = ("price_pence", "vat_status", "charges_vat", "social_value_commitment", "local_jobs_fte")

    class Meta:
        ordering = ["lot", "organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "organisation"], name="one_bid_per_lot_per_organisation"),
            models.CheckConstraint(condition=Q(price_pence__isnull=True) | Q(price_pence__gt=0), name="bid_price_positive"),
        ]

    def __str__(self) -> str:
        return f"Bid {self.pk} for {self.lot}"


class BidAnswer(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="answers")
    answer = models.TextField()

    class Meta:
        ordering = ["criterion_id"]
        constraints = [models.UniqueConstraint(fields=["bid", "criterion"], name="one_answer_per_criterion")]

    def __str__(self) -> str:
        return f"Answer to criterion {self.criterion_id}"



class BidStatusChange(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=BidStatus.choices)
    to_status = models.CharField(max_length=20, choices=BidStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]


# ---------------------------------------------------------------------------------------------
# Evaluation

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"



class PanelMember(models.Model):
    class Kind(models.TextChoices):
        OFFICER = "officer", _("Officer")
        RESIDENT = "resident", _("Resident")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    is_moderator = models.BooleanField(default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-is_moderator", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "user"], name="panel_seat_once")]

    def __str__(self) -> str:
        return f"{self.user} on {self.opportunity}"


class PanelAssignment(models.Model):
    """A panel member's seat on one lot, with their conflict-of-interest declaration."""

    class Declaration(models.TextChoices):
        PENDING = "pending", _("Not declared yet")
        NO_CONFLICT = "no_conflict", _("No conflict of interest")
        CONFLICT = "conflict", _("Conflict declared: removed from this lot")

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="assignments")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="assignments")
    declaration = models.CharField(max_length=20, choices=Declaration.choices, default=Declaration.PENDING, editable=False)
    declaration_details = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True, editable=False)
    scores_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["lot", "member"]
        constraints = [models.UniqueConstraint(fields=["member", "lot"], name="assignment_once")]

    def __str__(self) -> str:
        return f"Panel seat {self.pk} on lot {self.lot_id}"

    @property
    def may_score(self) -> bool:
        return self.declaration == self.Declaration.NO_CONFLICT



class EvaluatorScore(models.Model):
    """One evaluator's own score for one criterion of one bid, with the rationale. Kept for audit."""

    assignment = models.ForeignKey(PanelAssignment, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="evaluator_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="evaluator_scores")
    score = models.PositiveSmallIntegerField()
    rationale = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bid", "criterion", "assignment"]
        constraints = [models.UniqueConstraint(fields=["assignment", "bid", "criterion"], name="one_score_per_evaluator")]

    def __str__(self) -> str:
        return f"Score {self.pk}"



class ModeratedScore(models.Model):
    """The panel's agreed result for one criterion of one bid: a consensus score, or pass/fail."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="moderated_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="moderated_scores")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    reason = models.TextField()
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["bid", "criterion"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="one_moderated_score"),
            models.CheckConstraint(condition=Q(score__isnull=False) | Q(passed__isnull=False), name="moderated_has_result"),
        ]

    def __str__(self) -> str:
        return f"Moderated result {self.pk}"



class LotEvaluation(models.Model):
    """The evaluation state of a lot; results are stored with a hash of the inputs that made them."""

    class Status(models.TextChoices):
        SCORING = "scoring", _("Evaluators scoring")
        MODERATED = "moderated", _("Moderated: results ready")
        AWARDED = "awarded", _("Awarded")

    lot = models.OneToOneField(Lot, on_delete=models.CASCADE, related_name="evaluation")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCORING, editable=False)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_notes = models.TextField(blank=True)
    inputs_hash = models.CharField(max_length=64, blank=True)
    explanation = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Evaluation of lot {self.lot_id}"



class BidResult(models.Model):
    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="result")
    rank = models.PositiveSmallIntegerField()
    quality_score = models.DecimalField(max_digits=9, decimal_places=4)
    price_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(max_digits=9, decimal_places=4)
    pqp = models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)
    passed_gates = models.BooleanField()
    flags = models.JSONField(default=list, blank=True)
    criteria = models.JSONField(default=dict, blank=True)
    evaluated_price_pence = models.BigIntegerField(help_text=_("What the bid costs the council after VAT recovery."))

    class Meta:
        ordering = ["bid__lot", "rank", "bid__organisation__name"]


# ---------------------------------------------------------------------------------------------
# Award and contract

    def __str__(self) -> str:
        return f"Result of bid {self.bid_id}: rank {self.rank}"



class Award(models.Model):
    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    reasons = models.TextField()
    abnormally_low_explanation = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_label = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    notice_published_on = models.DateField(help_text=_("Day the contract award notice is published."))
    standstill_applies = models.BooleanField(default=True)
    standstill_mandatory = models.BooleanField(default=True)
    standstill_last_day = models.DateField(null=True, blank=True)
    contract_from = models.DateField(help_text=_("First day the contract may be entered into."))

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Award of lot {self.lot_id}"



class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    TERMINATED = "terminated", _("Terminated")


class Contract(models.Model):
    """What the council bought: oversight monitors its KPIs."""

    reference = models.SlugField(unique=True, max_length=40)
    title = models.CharField(max_length=200)
    project = models.ForeignKey(CommissioningProject, on_delete=models.PROTECT, related_name="contracts")
    award = models.OneToOneField(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="contract")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="contracts")
    value_pence = models.BigIntegerField(help_text=_("Whole-term price before VAT."))
    cost_to_council_pence = models.BigIntegerField(help_text=_("Whole-term cost to the council after VAT recovery."))
    start_date = models.DateField()
    end_date = models.DateField()
    term_months = models.PositiveSmallIntegerField()
    reserved_for_mutuals = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=ContractStatus.choices, default=ContractStatus.ACTIVE, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="contract_ends_after_start"),
            models.CheckConstraint(condition=Q(value_pence__gt=0), name="contract_value_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("commissioning:contract_detail", args=[self.reference])


class ContractKpi(models.Model):
    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUALLY = "annually", _("Annually")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=50)
    target = models.DecimalField(max_digits=14, decimal_places=2)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    indicator = models.ForeignKey(
        "needs.OutcomeIndicator", null=True, blank=True, on_delete=models.SET_NULL, related_name="contract_kpis"
    )

    class Meta:
        ordering = ["contract", "id"]
        constraints = [models.UniqueConstraint(fields=["contract", "name"], name="kpi_name_once_per_contract")]

    def __str__(self) -> str:
        return self.name
