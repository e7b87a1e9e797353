"""What residents say their area needs: needs and desired outcomes, supports, officer
responses on the record, and the outcome indicators that accepted needs carry.

Commissioning and budgeting refer to `Need` (by its `status`) and `OutcomeIndicator`;
keep those two names and fields stable (see docs/needs.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .managers import NeedQuerySet


def _plain_number(value) -> str:
    """12.50 → "12.5", 1200.00 → "1,200": as people write figures, not as the database stores them."""
    if value is None:
        return ""
    places = 0 if value == value.to_integral_value() else 2
    text = number_format(value, places, force_grouping=True)
    return text.rstrip("0") if places and text.endswith("0") else text


class Category(models.TextChoices):
    YOUTH = "youth", _("Young people")
    HOUSING = "housing", _("Housing")
    CARE = "care", _("Care and support")
    ENVIRONMENT = "environment", _("Environment")
    SAFETY = "safety", _("Community safety")
    PARKS = "parks", _("Parks and open spaces")
    ECONOMY = "economy", _("Jobs and the local economy")
    HEALTH = "health", _("Health and wellbeing")
    TRANSPORT = "transport", _("Streets and transport")
    OTHER = "other", _("Something else")


class NeedKind(models.TextChoices):
    NEED = "need", _("A need")
    OUTCOME = "outcome", _("A desired outcome")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Waiting for a response")
    ACCEPTED_COMMISSIONING = "accepted_commissioning", _("Accepted for commissioning")
    ACCEPTED_BUDGET = "accepted_budget", _("Accepted for a neighbourhood budget")
    ALREADY_MET = "already_met", _("Already met")
    NOT_POSSIBLE = "not_possible", _("Not possible")


class Need(models.Model):
    Kind = NeedKind
    Status = NeedStatus

    #: Statuses in which the council has taken the need on; indicators belong to these.
    ACCEPTED = frozenset({NeedStatus.ACCEPTED_COMMISSIONING, NeedStatus.ACCEPTED_BUDGET})
    #: Statuses in which residents can still add their support.
    SUPPORTABLE = frozenset({NeedStatus.OPEN, NeedStatus.ACCEPTED_COMMISSIONING, NeedStatus.ACCEPTED_BUDGET})

    kind = models.CharField(max_length=10, choices=NeedKind.choices, default=NeedKind.NEED)
    title = models.CharField(max_length=150)
    description = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices)

    # The place this need is about: exactly one of a neighbourhood, a ward or the whole borough.
    neighbourhood = models.ForeignKey(
        "places.Neighbourhood", null=True, blank=True, on_delete=models.PROTECT, related_name="needs",
        db_index=False,  # covered by the composite index below
    )
    ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="ward_needs",
    )
    borough_wide = models.BooleanField(default=False)
    # Denormalised for "needs in this ward" lists: the ward itself, or the neighbourhood's ward;
    # empty when borough-wide. Set by the services, checked by constraints and clean().
    area_ward = models.ForeignKey(
        "places.Ward", null=True, blank=True, on_delete=models.PROTECT, related_name="needs",
        editable=False, db_index=False,
    )

    status = models.CharField(max_length=30, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    support_count = models.PositiveIntegerField(default=0, editable=False)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs_raised",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="need_exactly_one_place",
                condition=(
                    Q(neighbourhood__isnull=False, ward__isnull=True, borough_wide=False)
                    | Q(neighbourhood__isnull=True, ward__isnull=False, borough_wide=False)
                    | Q(neighbourhood__isnull=True, ward__isnull=True, borough_wide=True)
                ),
            ),
            models.CheckConstraint(
                name="need_area_ward_matches_place",
                condition=(
                    Q(borough_wide=True, area_ward__isnull=True)
                    | Q(borough_wide=False, area_ward__isnull=False)
                ) & (Q(ward__isnull=True) | Q(area_ward=F("ward"))),
            ),
            models.CheckConstraint(name="need_title_not_blank", condition=~Q(title="")),
            models.CheckConstraint(
                name="need_status_valid", condition=Q(status__in=NeedStatus.values),
            ),
            models.CheckConstraint(
                name="need_category_valid", condition=Q(category__in=Category.values),
            ),
        ]
        indexes = [
            # One index per filter, each ending in the list's order, so every filtered page is an
            # index range scan and the count an index count (see ADR 0526).
            models.Index(fields=["-created_at", "-id"], name="need_newest"),
            models.Index(fields=["status", "-created_at", "-id"], name="need_status_newest"),
            models.Index(fields=["category", "-created_at", "-id"], name="need_category_newest"),
            models.Index(fields=["area_ward", "-created_at", "-id"], name="need_ward_newest"),
            models.Index(fields=["neighbourhood", "-created_at", "-id"], name="need_nbhd_newest"),
            models.Index(fields=["-support_count", "-id"], name="need_most_supported"),
            # "Most supported" within the two filters officers and councillors use most.
            models.Index(fields=["status", "-support_count", "-id"], name="need_status_supported"),
            models.Index(fields=["area_ward", "-support_count", "-id"], name="need_ward_supported"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("needs:need_detail", kwargs={"pk": self.pk})

    @property
    def place_name(self) -> str:
        if self.borough_wide:
            return str(_("The whole borough"))
        if self.neighbourhood_id:
            return self.neighbourhood.name
        return str(_("%(ward)s ward") % {"ward": self.ward.name})

    @property
    def is_accepted(self) -> bool:
        return self.status in self.ACCEPTED

    @property
    def is_supportable(self) -> bool:
        return self.status in self.SUPPORTABLE

    def clean(self) -> None:
        places = [self.neighbourhood_id is not None, self.ward_id is not None, bool(self.borough_wide)]
        if sum(places) != 1:
            raise ValidationError(
                {"neighbourhood": _("Choose one place: a neighbourhood, a ward or the whole borough.")}
            )
        expected = None
        if self.neighbourhood_id is not None:
            expected = self.neighbourhood.ward_id
        elif self.ward_id is not None:
            expected = self.ward_id
        if self.area_ward_id != expected:
            raise ValidationError(_("The need's ward does not match its place."))
        if not (self.title or "").strip():
            raise ValidationError({"title": _("Enter a short title for the need")})


class NeedSupport(models.Model):
    """One resident's support for one need. Who supports what is never published; the count is."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="need_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "supporter"], name="need_support_once")]
        indexes = [models.Index(fields=["supporter", "-created_at"], name="need_support_by_person")]

    def __str__(self) -> str:
        return f"{self.supporter_id} supports {self.need_id}"


class NeedResponse(models.Model):
    """An officer's response on the record: one append-only row per status change."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="responses")
    from_status = models.CharField(max_length=30, choices=NeedStatus.choices)
    to_status = models.CharField(max_length=30, choices=NeedStatus.choices)
    reasons = models.TextField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="need_responses"
    )
    responded_by_label = models.CharField(max_length=200, help_text=_("Who responded, as shown publicly."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(name="need_response_has_reasons", condition=~Q(reasons="")),
            models.CheckConstraint(name="need_response_changes_status", condition=~Q(from_status=F("to_status"))),
        ]

    def __str__(self) -> str:
        return f"{self.need_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("A response on the record cannot be changed; record a new response.")
        super().save(*args, **kwargs)


class OutcomeIndicator(models.Model):
    """A measurable outcome an accepted need carries: commissioning and budgeting report against it."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=200, help_text=_("What is measured, like “young people using the youth club each week”."))
    unit = models.CharField(max_length=50, help_text=_("Like people, %, visits per month."))
    baseline = models.DecimalField(max_digits=14, decimal_places=2, help_text=_("The value now."))
    target = models.DecimalField(max_digits=14, decimal_places=2, help_text=_("The value to reach."))
    target_date = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["target_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "name"], name="indicator_name_once_per_need"),
            models.CheckConstraint(name="indicator_name_not_blank", condition=~Q(name="")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def baseline_text(self) -> str:
        return _plain_number(self.baseline)

    @property
    def target_text(self) -> str:
        return _plain_number(self.target)

    @property
    def direction(self) -> str:
        if self.target > self.baseline:
            return "up"
        if self.target < self.baseline:
            return "down"
        return "same"
