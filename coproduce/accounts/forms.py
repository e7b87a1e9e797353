"""Forms for accounts, with GOV.UK Design System wording for every error."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField
from coproduce.places.models import Neighbourhood, Ward

from .models import Role, User
from .services import (
    LETTER_CODE_LENGTH,
    check_date_of_birth,
    normalise_email,
    normalise_letter_code,
    postcode_lookup,
)

EMAIL_INVALID = _("Enter an email address in the correct format, like name@example.com")


def _email_field(**kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=_("Email address"), max_length=254,
        error_messages={"required": _("Enter your email address"), "invalid": EMAIL_INVALID,
                        "max_length": _("Email address must be 254 characters or fewer")},
        **kwargs,
    )


class RegisterForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200,
        error_messages={"required": _("Enter your full name"), "max_length": _("Full name must be 200 characters or fewer")},
    )
    email = _email_field(help_text=_("We will use this to send you information about your account."))
    date_of_birth = GovukDateField(
        label=_("Date of birth"), label_for_errors=_("Date of birth"), past=True, min_year=1900,
        help_text=_("For example, 27 3 2007"),
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10,
        error_messages={"required": _("Enter your postcode"), "max_length": _("Enter a real postcode, like SE11 5QY")},
    )
    address_line = forms.CharField(
        label=_("First line of your address"), max_length=300,
        help_text=_("For example, the house number and street. We post a letter here with a code."),
        error_messages={"required": _("Enter the first line of your address"),
                        "max_length": _("First line of your address must be 300 characters or fewer")},
    )
    password = forms.CharField(
        label=_("Create a password"), strip=False,
        help_text=_("Use at least 10 characters. Avoid common passwords and your name."),
        error_messages={"required": _("Enter a password")},
    )
    password_confirm = forms.CharField(
        label=_("Confirm your password"), strip=False,
        error_messages={"required": _("Confirm your password")},
    )

    def clean_email(self) -> str:
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account already uses this email address. Sign in, or reset your password if you have forgotten it."))
        return email

    def clean_date_of_birth(self):
        value = self.cleaned_data["date_of_birth"]
        try:
            check_date_of_birth(value)
        except ValidationError as exc:
            self.fields["date_of_birth"].bad_parts = ["day", "month", "year"]
            raise ValidationError(exc.message_dict["date_of_birth"])
        return value

    def clean_postcode(self) -> str:
        try:
            row = postcode_lookup(self.cleaned_data["postcode"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["postcode"])
        self.postcode_row = row
        return row.postcode

    def clean(self):
        cleaned = super().clean()
        password, confirm = cleaned.get("password"), cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The passwords do not match"))
        if password and "password" not in self.errors:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, user=candidate)
            except ValidationError as exc:
                self.add_error("password", exc.messages[0])
        return cleaned


class SignInForm(forms.Form):
    email = _email_field()
    password = forms.CharField(label=_("Password"), strip=False, error_messages={"required": _("Enter your password")})


class LetterCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your letter"), max_length=20,
        help_text=_("8 letters and numbers, for example ABCD-2345"),
        error_messages={"required": _("Enter the code from your letter")},
    )

    def clean_code(self) -> str:
        code = normalise_letter_code(self.cleaned_data["code"])
        if len(code) != LETTER_CODE_LENGTH:
            raise ValidationError(_("The code must be 8 letters and numbers, like ABCD-2345"))
        return code


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=10,
        help_text=_("The 6-digit code shown in the app now"),
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self) -> str:
        code = "".join(ch for ch in self.cleaned_data["code"] if not ch.isspace())
        if len(code) != 6 or not code.isdigit():
            raise ValidationError(_("The code must be 6 digits"))
        return code


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=200,
        error_messages={"required": _("Enter your full name"), "max_length": _("Full name must be 200 characters or fewer")},
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), required=False, max_length=2000, widget=forms.Textarea,
        help_text=_("Tell us anything that helps you take part: for example step-free venues, a sign language interpreter, large print or easy read papers."),
        error_messages={"max_length": _("Accessibility needs must be 2,000 characters or fewer")},
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES,
        error_messages={"required": _("Choose your preferred language"), "invalid_choice": _("Choose a language from the list")},
    )


class ResidencyDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve: this person lives at this address in the borough")),
                 ("reject", _("Reject: we could not confirm this address"))],
        error_messages={"required": _("Select approve or reject"), "invalid_choice": _("Select approve or reject")},
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea,
        help_text=_("Say what you checked, for example the council tax or electoral register. Residents do not see this."),
        error_messages={"required": _("Enter the reason for your decision"),
                        "max_length": _("Reason must be 2,000 characters or fewer")},
    )


class RoleGrantForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role to give"), choices=[("", _("Choose a role"))] + list(Role.choices),
        error_messages={"required": _("Choose a role to give"), "invalid_choice": _("Choose a role from the list")},
    )


class ResidentFilterForm(forms.Form):
    """GET filters of the officers' list of residents. Bad values are ignored, never an error page."""

    q = forms.CharField(label=_("Name or email"), required=False, max_length=200)
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=Ward.objects.none(), required=False, empty_label=_("All wards"))
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"), queryset=Neighbourhood.objects.none(), required=False, empty_label=_("All neighbourhoods"),
    )
    status = forms.ChoiceField(
        label=_("Residency"), required=False, choices=[("", _("Any status"))] + list(User.Verification.choices),
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role"))] + list(Role.choices),
    )

    def __init__(self, *args, wards, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
        self.fields["neighbourhood"].queryset = neighbourhoods

    def filters(self) -> dict:
        if not self.is_valid():
            return {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return dict(self.cleaned_data)


class GovukPasswordResetForm(PasswordResetForm):
    email = _email_field()


class GovukSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _("Use at least 10 characters. Avoid common passwords and your name.")
        self.fields["new_password1"].error_messages["required"] = _("Enter a new password")
        self.fields["new_password2"].label = _("Confirm your new password")
        self.fields["new_password2"].error_messages["required"] = _("Confirm your new password")
        self.error_messages = {**self.error_messages, "password_mismatch": _("The passwords do not match")}
