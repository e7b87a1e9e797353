from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .postcodes import normalise_postcode
from .selectors import postcode_neighbourhood_get


class PostcodeLookupForm(forms.Form):
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter a postcode"),
                        "max_length": gettext_lazy("Enter a full UK postcode, like SE11 5QY")},
    )

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if not postcode:
            raise forms.ValidationError(_("Enter a full UK postcode, like SE11 5QY"), code="malformed")
        self.neighbourhood = postcode_neighbourhood_get(postcode=postcode)
        if self.neighbourhood is None:
            raise forms.ValidationError(
                _("%(postcode)s is not in the area of %(council)s. Check the postcode, or find your neighbourhood in the list of wards.")
                % {"postcode": postcode, "council": settings.COPRODUCE_COUNCIL_NAME},
                code="not_in_borough",
            )
        return postcode
