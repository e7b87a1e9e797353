from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField

from .models import Response

LONDON = ZoneInfo("Europe/London")


class JoinForm(forms.Form):
    member_class = forms.ChoiceField(
        label=_("Which kind of member are you?"), error_messages={"required": _("Choose the kind of member you are")}
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = {str(c.pk): c for c in classes}
        self.fields["member_class"].choices = [(str(c.pk), c.name) for c in classes]
        if len(classes) == 1:
            self.fields["member_class"].initial = str(classes[0].pk)

    def clean_member_class(self):
        return self.classes[self.cleaned_data["member_class"]]


class EnrolForm(JoinForm):
    email = forms.EmailField(
        label=_("Email address of their account"),
        error_messages={"required": _("Enter the email address of the person joining"),
                        "invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    note = forms.CharField(
        label=_("How you helped (optional)"), required=False, max_length=300,
        help_text=_("For example: joined at the estate drop-in, form read aloud."),
    )

    def clean_email(self):
        from coproduce.accounts.models import User

        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("There is no account with that email address. Help them register first."))
        return user


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("Why are you leaving? (optional)"), required=False, max_length=300)


HOURS = [(str(h), f"{h:02d}:00") for h in range(24)]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title for the proposal")})
    body = forms.CharField(label=_("What are members being asked to decide?"), widget=forms.Textarea,
                           error_messages={"required": _("Say what members are being asked to decide")})
    closes_on = GovukDateField(label=_("Closing date"), label_for_errors=_("The closing date"), future=True)
    closes_hour = forms.ChoiceField(label=_("Closing time"), choices=HOURS, initial="17")
    quorum_percent = forms.IntegerField(
        label=_("Quorum (percent of members who must respond)"), min_value=0, max_value=100,
        error_messages={"required": _("Enter the quorum as a percentage"),
                        "invalid": _("The quorum must be a whole number"),
                        "min_value": _("The quorum must be between 0 and 100 percent"),
                        "max_value": _("The quorum must be between 0 and 100 percent")},
    )

    def closes_at(self) -> dt.datetime:
        day = self.cleaned_data["closes_on"]
        return dt.datetime(day.year, day.month, day.day, int(self.cleaned_data["closes_hour"]), tzinfo=LONDON)


class ResponseForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Your response"), choices=Response.Position.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose agree, abstain, disagree or block")},
    )
    reason = forms.CharField(label=_("Your reason (needed for a block)"), required=False, widget=forms.Textarea)


class CloseForm(forms.Form):
    outcome_statement = forms.CharField(
        label=_("Outcome statement"), widget=forms.Textarea,
        help_text=_("What the trust decided and what happens next, in plain English."),
        error_messages={"required": _("Write the outcome statement that members will read")},
    )
    review_on = GovukDateField(label=_("Review date"), label_for_errors=_("The review date"), future=True)
