"""Forms for shared support services, with GOV.UK wording for every error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.commissioning.forms import PoundsField

from .models import Category, PriceUnit, RequestStatus


class RequestForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("For which organisation?"), queryset=None, empty_label=None,
                                          widget=forms.RadioSelect, error_messages={"required": _("Select the organisation")})
    quantity = forms.IntegerField(label=_("How many"), min_value=1, max_value=10000, initial=1,
                                  error_messages={"required": _("Enter how many"), "invalid": _("How many must be a whole number"),
                                                  "min_value": _("How many must be at least 1"),
                                                  "max_value": _("How many must be 10,000 or fewer")})
    details = forms.CharField(label=_("Anything the team should know"), widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args, organisations, unit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["quantity"].help_text = _("Priced per %(unit)s.") % {"unit": unit_label}


class DecisionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("What happens to this request?"), widget=forms.RadioSelect,
                                  error_messages={"required": _("Choose what happens to the request")})
    note = forms.CharField(label=_("Note to the organisation"), widget=forms.Textarea, required=False,
                           help_text=_("Needed when declining."))

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, RequestStatus(s).label) for s in allowed]


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Enter a name")})
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, error_messages={"required": _("Select a category")})
    summary = forms.CharField(label=_("Summary"), max_length=300, error_messages={"required": _("Enter a summary")})
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    price = PoundsField(label=_("Price before VAT"), positive=False, error_messages={"required": _("Enter the price (0 if free)")})
    price_unit = forms.ChoiceField(label=_("Priced per"), choices=PriceUnit.choices, error_messages={"required": _("Select what the price is per")})
    service_level = forms.CharField(label=_("Service level"), max_length=300,
                                    error_messages={"required": _("Enter the service level")})
    response_working_days = forms.IntegerField(label=_("Working days to put it in place"), min_value=1, max_value=120,
                                               error_messages={"required": _("Enter the number of working days"),
                                                               "invalid": _("Working days must be a whole number"),
                                                               "min_value": _("Working days must be at least 1"),
                                                               "max_value": _("Working days must be 120 or fewer")})
