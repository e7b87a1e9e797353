"""The borough and its places: the council, wards (ONS GSS codes), neighbourhoods and estates."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ward_gss_validator = RegexValidator(r"^E05\d{6}$", _("A ward's GSS code is E05 followed by six digits, like E05000416."))
council_gss_validator = RegexValidator(r"^E0[6-9]\d{6}$", _("A council's GSS code is E06–E09 followed by six digits, like E09000022."))


class Council(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    gss_code = models.CharField(max_length=9, unique=True, validators=[council_gss_validator])
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="wards")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    gss_code = models.CharField(max_length=9, unique=True, validators=[ward_gss_validator])
    description = models.TextField(blank=True)
    population = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Usual residents, from the latest census estimate.")
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["council", "name"], name="ward_unique_name_per_council")]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        ESTATE = "estate", _("Housing estate")

    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="neighbourhoods")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEIGHBOURHOOD)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["ward", "name"], name="neighbourhood_unique_name_per_ward")]

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    """One row of the postcode → neighbourhood table, imported from CSV."""

    postcode = models.CharField(max_length=8, unique=True, help_text=_("Normalised, like SE11 5QY."))
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
