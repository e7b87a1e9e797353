"""Forms for needs, with GOV.UK wording for every error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField

from .models import Category, Need
from .selectors import SORTS
from .services import responses_allowed

BOROUGH = "borough"


def place_value(*, neighbourhood=None, ward=None) -> str:
    if neighbourhood is not None:
        return f"neighbourhood:{neighbourhood.slug}"
    if ward is not None:
        return f"ward:{ward.slug}"
    return BOROUGH


class NeedFilterForm(forms.Form):
    """The GET form above the list. Unknown values are reported, never a 500."""

    ward = forms.ChoiceField(label=_("Ward"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood or estate"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False,
        choices=[("newest", _("Newest first")), ("support", _("Most supported")), ("oldest", _("Oldest first"))],
    )

    def __init__(self, *args, wards, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self._wards = {w.slug: w for w in wards}
        self._neighbourhoods = {n.slug: n for n in neighbourhoods}
        self.fields["ward"].choices = [("", _("All wards"))] + [(w.slug, w.name) for w in wards]
        self.fields["neighbourhood"].choices = [("", _("All neighbourhoods"))] + [
            (n.slug, n.name) for n in neighbourhoods
        ]
        self.fields["category"].choices = [("", _("All categories"))] + list(Category.choices)
        self.fields["status"].choices = [("", _("Any status"))] + list(Need.Status.choices)
        for name in ("ward", "neighbourhood", "category", "status", "sort"):
            self.fields[name].error_messages["invalid_choice"] = _("Choose a %(field)s from the list") % {
                "field": str(self.fields[name].label).lower()
            }

    def clean(self):
        data = super().clean()
        ward = self._wards.get(data.get("ward") or "")
        neighbourhood = self._neighbourhoods.get(data.get("neighbourhood") or "")
        if ward is not None and neighbourhood is not None and neighbourhood.ward_id != ward.pk:
            self.add_error(
                "neighbourhood",
                _("%(neighbourhood)s is not in %(ward)s ward: choose a neighbourhood in that ward, or all neighbourhoods")
                % {"neighbourhood": neighbourhood.name, "ward": ward.name},
            )
        data["ward_obj"] = ward
        data["neighbourhood_obj"] = neighbourhood
        return data

    def filters(self) -> dict:
        """The valid filters only: an invalid field is ignored (and reported by the form)."""
        if not self.is_bound:
            return {"sort": "newest"}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "ward": data.get("ward_obj") if "ward" not in self.errors else None,
            "neighbourhood": data.get("neighbourhood_obj") if "neighbourhood" not in self.errors else None,
            "category": data.get("category", "") if "category" not in self.errors else "",
            "status": data.get("status", "") if "status" not in self.errors else "",
            "sort": data.get("sort") if data.get("sort") in SORTS else "newest",
        }


class NeedRaiseForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Is this a need or an outcome you want to see?"),
        choices=Need.Kind.choices,
        initial=Need.Kind.NEED,
        error_messages={"required": _("Select whether this is a need or a desired outcome")},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("A short summary, like “Somewhere safe for teenagers to meet in the evening”."),
        error_messages={
            "required": _("Enter a title"),
            "max_length": _("Title must be 150 characters or fewer"),
        },
    )
    description = forms.CharField(
        label=_("Tell us more"),
        help_text=_("What is missing or going wrong, who it affects, and what would make a difference."),
        max_length=5000,
        error_messages={
            "required": _("Enter a description of the need"),
            "max_length": _("Description must be 5,000 characters or fewer"),
        },
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices,
        error_messages={"required": _("Select a category")},
    )
    place = forms.ChoiceField(
        label=_("Which place is it about?"),
        help_text=_("Choose your neighbourhood, your ward, or the whole borough."),
        error_messages={"required": _("Select the place the need is about"),
                        "invalid_choice": _("Select a place from the list")},
    )

    def __init__(self, *args, wards, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self._wards = {w.slug: w for w in wards}
        self._neighbourhoods = {n.slug: n for n in neighbourhoods}
        choices = [("", _("Choose a place")), (BOROUGH, _("The whole borough"))]
        choices += [(f"ward:{w.slug}", _("%(ward)s ward") % {"ward": w.name}) for w in wards]
        choices += [(f"neighbourhood:{n.slug}", f"{n.name} ({n.ward.name})") for n in neighbourhoods]
        self.fields["place"].choices = choices
        self.fields["kind"].error_messages["invalid_choice"] = _("Select whether this is a need or a desired outcome")
        self.fields["category"].error_messages["invalid_choice"] = _("Select a category")

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Enter a title"))
        return title

    def clean_place(self) -> dict:
        value = self.cleaned_data["place"]
        if value == BOROUGH:
            return {"borough_wide": True}
        kind, _sep, slug = value.partition(":")
        if kind == "ward" and slug in self._wards:
            return {"ward": self._wards[slug]}
        if kind == "neighbourhood" and slug in self._neighbourhoods:
            return {"neighbourhood": self._neighbourhoods[slug]}
        raise forms.ValidationError(_("Select a place from the list"))


class NeedRespondForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Response"),
        error_messages={"required": _("Select a response"), "invalid_choice": _("Select one of the responses shown")},
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        help_text=_("Published with the response. Say what happens next and who will do it."),
        max_length=5000,
        error_messages={"required": _("Enter the reasons for your response"),
                        "max_length": _("Reasons must be 5,000 characters or fewer")},
    )

    def __init__(self, *args, need: Need, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Need.Status.choices)
        labels[Need.Status.OPEN] = _("Reopen: waiting for a new response")
        self.fields["status"].choices = [(s, labels[s]) for s in responses_allowed(need.status)]

    def clean_reasons(self):
        reasons = self.cleaned_data["reasons"].strip()
        if not reasons:
            raise forms.ValidationError(_("Enter the reasons for your response"))
        return reasons


class OutcomeIndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("What will be measured"), max_length=200,
        error_messages={"required": _("Enter what will be measured")},
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=50, help_text=_("Like people, %, visits per month."),
        error_messages={"required": _("Enter the unit")},
    )
    baseline = forms.DecimalField(
        label=_("Baseline (the value now)"), max_digits=14, decimal_places=2,
        error_messages={"required": _("Enter the baseline"), "invalid": _("Baseline must be a number"),
                        "max_decimal_places": _("Baseline must have no more than 2 decimal places"),
                        "max_digits": _("Baseline is too large"), "max_whole_digits": _("Baseline is too large")},
    )
    target = forms.DecimalField(
        label=_("Target"), max_digits=14, decimal_places=2,
        error_messages={"required": _("Enter the target"), "invalid": _("Target must be a number"),
                        "max_decimal_places": _("Target must have no more than 2 decimal places"),
                        "max_digits": _("Target is too large"), "max_whole_digits": _("Target is too large")},
    )
    target_date = GovukDateField(label=_("Target date"), label_for_errors=_("Target date"), future=True)
