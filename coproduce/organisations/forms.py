from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.places.models import Ward

from .models import LegalForm, Membership, Organisation, VatStatus
from .orgid import SCHEME_CHOICES, OrgIdError, identifier_check
from .vat import VatNumberError, vat_number_normalise


class OrganisationFilterForm(forms.Form):
    legal_form = forms.ChoiceField(label=gettext_lazy("Legal form"), required=False,
                                   choices=[("", gettext_lazy("All legal forms")), *LegalForm.choices])
    ward = forms.ChoiceField(label=gettext_lazy("Ward"), required=False)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("Providers and community organisations")), *Organisation.Kind.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].choices = [("", _("All wards")), *Ward.objects.order_by("name").values_list("slug", "name")]


class IdentifierFields(forms.Form):
    """The org-id pair, checked by coproduce.organisations.orgid."""

    scheme = forms.ChoiceField(
        label=gettext_lazy("Register"), choices=[("", gettext_lazy("Choose a register")), *SCHEME_CHOICES],
        error_messages={"required": gettext_lazy("Choose the register the identifier comes from")},
    )
    identifier = forms.CharField(
        label=gettext_lazy("Identifier in that register"), max_length=100,
        help_text=gettext_lazy("For example, the company number 09506232 or the charity number 1090095."),
        error_messages={"required": gettext_lazy("Enter the organisation's identifier")},
    )

    def clean(self):
        cleaned = super().clean()
        scheme, identifier = cleaned.get("scheme"), cleaned.get("identifier")
        if scheme and identifier:
            try:
                self.checked = identifier_check(scheme=scheme, identifier=identifier)
            except OrgIdError as error:
                self.add_error("identifier", str(error))
            else:
                cleaned["scheme"], cleaned["identifier"] = self.checked.scheme, self.checked.identifier
        return cleaned


class OrganisationRegisterForm(IdentifierFields):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200,
                           error_messages={"required": gettext_lazy("Enter the organisation's name")})
    kind = forms.ChoiceField(label=gettext_lazy("What kind of organisation is it?"), choices=Organisation.Kind.choices,
                             error_messages={"required": gettext_lazy("Choose what kind of organisation it is")})
    legal_form = forms.ChoiceField(label=gettext_lazy("Legal form"), choices=LegalForm.choices,
                                   error_messages={"required": gettext_lazy("Choose the legal form")})
    ward = forms.ModelChoiceField(label=gettext_lazy("Ward it is based in"), queryset=Ward.objects.order_by("name"),
                                  to_field_name="slug", required=False, empty_label=gettext_lazy("Not based in the borough"))
    description = forms.CharField(label=gettext_lazy("What it does"), required=False, widget=forms.Textarea)
    website = forms.URLField(label=gettext_lazy("Website"), required=False, assume_scheme="https",
                             error_messages={"invalid": gettext_lazy("Enter a website address, like https://example.org")})
    vat_status = forms.ChoiceField(label=gettext_lazy("VAT registration"), choices=VatStatus.choices,
                                   error_messages={"required": gettext_lazy("Choose whether it is VAT registered")})
    vat_number = forms.CharField(label=gettext_lazy("VAT registration number"), required=False, max_length=20,
                                 help_text=gettext_lazy("Only if VAT registered. For example, GB980780684."))

    field_order = ["name", "kind", "legal_form", "ward", "description", "website", "scheme", "identifier",
                   "vat_status", "vat_number"]

    def clean(self):
        cleaned = super().clean()
        status, number = cleaned.get("vat_status"), (cleaned.get("vat_number") or "").strip()
        if status == VatStatus.REGISTERED:
            try:
                cleaned["vat_number"] = vat_number_normalise(number)
            except VatNumberError as error:
                self.add_error("vat_number", str(error))
        elif number:
            self.add_error("vat_number", _("Leave the VAT number empty unless the organisation is VAT registered"))
        return cleaned


class IdentifierAddForm(IdentifierFields):
    is_primary = forms.BooleanField(label=gettext_lazy("Make this the organisation's main identifier"), required=False)


class MembershipAddForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email address of their account"),
                             help_text=gettext_lazy("They must already have an account."),
                             error_messages={"required": gettext_lazy("Enter the email address of their account"),
                                             "invalid": gettext_lazy("Enter an email address in the correct format, like name@example.com")})
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Membership.MemberRole.choices,
                             initial=Membership.MemberRole.MEMBER,
                             error_messages={"required": gettext_lazy("Choose their role")})

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        self.user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if self.user is None:
            raise forms.ValidationError(_("There is no account with the email address %(email)s") % {"email": email})
        return email
