from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class RequestIdForm(forms.Form):
    """Carries a one-time id so a form sent twice (a double click, a resubmitted page) posts once."""

    request_id = forms.UUIDField(widget=forms.HiddenInput, error_messages={
        "required": _("The form was incomplete: please try again."),
        "invalid": _("The form was incomplete: please try again."),
    })

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("request_id", uuid.uuid4())
        super().__init__(*args, **kwargs)


class SpendForm(RequestIdForm):
    pass


class CouncilTaxForm(RequestIdForm):
    pounds = forms.IntegerField(
        label=_("How much off your council-tax bill, in pounds?"), min_value=1,
        error_messages={"required": _("Enter the discount you want, in whole pounds"),
                        "invalid": _("Enter the discount in whole pounds, like 25"),
                        "min_value": _("Enter a discount of at least £1")},
    )
    council_tax_reference = forms.CharField(
        label=_("Council-tax account reference"), max_length=20, required=False,
        help_text=_("6 to 12 letters and numbers, printed at the top of your bill."),
    )
    confirms_liable = forms.BooleanField(label=_("I am named on the council-tax bill for my home"), required=False)


class IssueForm(RequestIdForm):
    email = forms.EmailField(
        label=_("Member's email address"),
        error_messages={"required": _("Enter the email address of the member"),
                        "invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    rule = forms.ChoiceField(label=_("What did they do?"), error_messages={"required": _("Choose what the credits are for")})
    quantity = forms.DecimalField(
        label=_("How many hours or sessions?"), min_value=Decimal("0.25"), max_value=Decimal("100"), decimal_places=2,
        error_messages={"required": _("Enter how many hours or sessions"),
                        "invalid": _("Enter a number of hours or sessions, like 2 or 1.5"),
                        "min_value": _("Enter at least 0.25 hours or sessions"),
                        "max_value": _("Enter at most 100 hours or sessions"),
                        "max_decimal_places": _("Use at most 2 decimal places")},
    )
    reason = forms.CharField(label=_("What was it? (shown on their statement)"), max_length=250,
                             error_messages={"required": _("Say what the credits are for")})

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = {r.slug: r for r in rules}
        self.fields["rule"].choices = [(r.slug, f"{r.name} ({r.rate_display})") for r in rules]

    def clean_email(self):
        from coproduce.accounts.models import User

        user = User.objects.filter(email__iexact=self.cleaned_data["email"].strip(), is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with that email address"))
        return user


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why is this being corrected?"), max_length=250,
                             error_messages={"required": _("Say why this is being corrected")})
