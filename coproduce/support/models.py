"""The council as a platform: a catalogue of back-office services (IT, payroll, HR, legal,
finance systems, DBS checks, insurance) with a price and a service level; organisations request
them, officers fulfil them, and usage is visible per organisation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IT = "it", _("IT and digital")
    PAYROLL = "payroll", _("Payroll")
    HR = "hr", _("HR and people")
    LEGAL = "legal", _("Legal")
    FINANCE = "finance", _("Finance systems")
    DBS = "dbs", _("DBS checks")
    INSURANCE = "insurance", _("Insurance")


class PriceUnit(models.TextChoices):
    PER_MONTH = "month", _("a month")
    PER_YEAR = "year", _("a year")
    PER_HOUR = "hour", _("an hour")
    PER_CHECK = "check", _("a check")
    PER_PERSON_MONTH = "person-month", _("a person a month")
    ONE_OFF = "one-off", _("one-off")


class SupportService(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    summary = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    price_pence = models.PositiveIntegerField(help_text=_("What the council charges, before VAT; 0 when free."))
    price_unit = models.CharField(max_length=20, choices=PriceUnit.choices)
    service_level = models.CharField(max_length=300, help_text=_("What organisations can rely on, in plain English."))
    response_working_days = models.PositiveSmallIntegerField(
        help_text=_("Working days from a request to the service being in place.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category", "name"]
        constraints = [models.CheckConstraint(condition=Q(response_working_days__gte=1), name="support_response_at_least_1_day")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("support:service_detail", args=[self.slug])


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted: being set up")
    FULFILLED = "fulfilled", _("In place")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class SupportRequest(models.Model):
    service = models.ForeignKey(SupportService, on_delete=models.PROTECT, related_name="requests")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="support_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="support_requests")
    quantity = models.PositiveIntegerField(default=1, help_text=_("How many: months, checks, hours, people…"))
    details = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED, editable=False)
    unit_price_pence = models.PositiveIntegerField(help_text=_("The catalogue price when the request was made."))
    due_by = models.DateField(help_text=_("The service level: the working day by which it should be in place."))
    officer_note = models.TextField(blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="support_quantity_at_least_1"),
            models.CheckConstraint(condition=Q(status__in=RequestStatus.values), name="support_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.service} for {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("support:request_detail", args=[self.pk])

    @property
    def total_pence(self) -> int:
        return self.unit_price_pence * self.quantity

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.REQUESTED, RequestStatus.ACCEPTED)


class SupportRequestStatusChange(models.Model):
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    to_status = models.CharField(max_length=20, choices=RequestStatus.choices)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
