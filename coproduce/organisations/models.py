"""Provider and community organisations: legal form, identifiers, VAT status, members."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    COOPERATIVE_SOCIETY = "co-operative-society", _("Co-operative society")
    COMMUNITY_BENEFIT_SOCIETY = "community-benefit-society", _("Community benefit society")
    CIC = "cic", _("Community interest company")
    CHARITY = "charity", _("Charity")
    COMPANY_LIMITED_BY_GUARANTEE = "company-limited-by-guarantee", _("Company limited by guarantee")
    PUBLIC_SERVICE_MUTUAL = "public-service-mutual", _("Public service mutual")
    PRIVATE_COMPANY = "private-company", _("Private company")
    PUBLIC_BODY = "public-body", _("Public body")


class VatStatus(models.TextChoices):
    REGISTERED = "registered", _("VAT registered")
    EXEMPT = "exempt", _("Not registered: makes VAT-exempt supplies")
    NOT_REGISTERED = "not-registered", _("Not registered: below the threshold")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PROVIDER = "provider", _("Service provider")
        COMMUNITY = "community", _("Community organisation")

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True, max_length=220)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROVIDER)
    legal_form = models.CharField(max_length=40, choices=LegalForm.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    ward = models.ForeignKey("places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations")
    vat_status = models.CharField(max_length=20, choices=VatStatus.choices, default=VatStatus.NOT_REGISTERED)
    vat_number = models.CharField(max_length=14, blank=True, help_text=_("Like GB980780684."))
    created_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vat_status="registered", vat_number__gt="") | (
                    ~models.Q(vat_status="registered") & models.Q(vat_number="")
                ),
                name="org_vat_number_iff_registered",
                violation_error_message=_("A VAT number is given only when the organisation is VAT registered."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .vat import VatNumberError, vat_number_normalise

        if self.vat_status == VatStatus.REGISTERED:
            try:
                self.vat_number = vat_number_normalise(self.vat_number)
            except VatNumberError as error:
                raise ValidationError({"vat_number": str(error)})
        elif self.vat_number:
            raise ValidationError({"vat_number": _("Leave the VAT number empty unless the organisation is VAT registered.")})

    @property
    def primary_identifier(self) -> OrganisationIdentifier | None:
        """The main org-id, from prefetched identifiers when there are any."""
        identifiers = list(self.identifiers.all())
        return next((i for i in identifiers if i.is_primary), identifiers[0] if identifiers else None)


class OrganisationIdentifier(models.Model):
    """An org-id.guide identifier: a scheme prefix (GB-COH, GB-CHC, GB-MPR…) and the id within it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=20)
    identifier = models.CharField(max_length=100)
    is_primary = models.BooleanField(default=False)

    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scheme", "identifier"], name="org_identifier_unique",
                                    violation_error_message=_("This identifier already belongs to an organisation.")),
            models.UniqueConstraint(fields=["organisation"], condition=models.Q(is_primary=True),
                                    name="org_one_primary_identifier"),
        ]
        ordering = ["-is_primary", "scheme"]

    def __str__(self) -> str:
        return self.org_id

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.identifier}"

    def clean(self) -> None:
        from .orgid import OrgIdError, identifier_check

        try:
            checked = identifier_check(scheme=self.scheme, identifier=self.identifier)
        except OrgIdError as error:
            raise ValidationError({"identifier": str(error)})
        self.scheme, self.identifier = checked.scheme, checked.identifier


class Membership(models.Model):
    class MemberRole(models.TextChoices):
        OWNER = "owner", _("Owner: manages the organisation's account")
        BID_WRITER = "bid_writer", _("Prepares bids and reports")
        MEMBER = "member", _("Member")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["organisation", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="org_member_once",
                                               violation_error_message=_("This person is already a member."))]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
