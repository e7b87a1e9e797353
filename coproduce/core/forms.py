"""Form pieces shared by every app: the GOV.UK date input and plain-English validation."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class DateInputWidget(forms.Widget):
    """Reads `<name>-day`, `<name>-month`, `<name>-year`; rendering is done by the Jinja macro."""

    template_name = ""

    def value_from_datadict(self, data, files, name):
        return tuple(str(data.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year"))

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in ("day", "month", "year"))

    @staticmethod
    def parts(value) -> tuple[str, str, str]:
        if isinstance(value, dt.date):
            return (str(value.day), str(value.month), str(value.year))
        if isinstance(value, tuple | list) and len(value) == 3:
            return tuple(str(v) for v in value)  # type: ignore[return-value]
        return ("", "", "")


class GovukDateField(forms.Field):
    """A date typed into three boxes, validated with the GOV.UK Design System's messages."""

    widget = DateInputWidget

    def __init__(self, *, label_for_errors: str = "", past: bool = False, future: bool = False,
                 min_year: int = 1900, **kwargs):
        self.label_for_errors = label_for_errors
        self.past = past
        self.future = future
        self.min_year = min_year
        self.bad_parts: list[str] = []
        super().__init__(**kwargs)

    def clean(self, value):
        self.bad_parts = []
        name = self.label_for_errors or str(self.label or _("Date"))
        if isinstance(value, dt.date):
            return value
        day, month, year = value if isinstance(value, tuple | list) else ("", "", "")
        missing = [p for p, v in zip(("day", "month", "year"), (day, month, year), strict=True) if not v]
        if len(missing) == 3:
            if self.required:
                self.bad_parts = ["day", "month", "year"]
                raise forms.ValidationError(_("Enter %(name)s") % {"name": name.lower()}, code="required")
            return None
        if missing:
            self.bad_parts = missing
            raise forms.ValidationError(
                _("%(name)s must include a %(parts)s") % {"name": name, "parts": _(" and ").join(_(p) for p in missing)},
                code="incomplete",
            )
        bad = [p for p, v in zip(("day", "month", "year"), (day, month, year), strict=True) if not v.isdigit()]
        if bad:
            self.bad_parts = bad
            raise forms.ValidationError(_("%(name)s must be a real date") % {"name": name}, code="invalid")
        if len(year) != 4:
            self.bad_parts = ["year"]
            raise forms.ValidationError(_("Year must include 4 numbers"), code="invalid")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            self.bad_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("%(name)s must be a real date") % {"name": name}, code="invalid")
        if value.year < self.min_year:
            self.bad_parts = ["year"]
            raise forms.ValidationError(_("%(name)s must be a real date") % {"name": name}, code="invalid")
        today = dt.date.today()
        if self.past and value >= today:
            self.bad_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("%(name)s must be in the past") % {"name": name}, code="not_past")
        if self.future and value <= today:
            self.bad_parts = ["day", "month", "year"]
            raise forms.ValidationError(_("%(name)s must be in the future") % {"name": name}, code="not_future")
        return value


REQUIRED_MESSAGE = gettext_lazy("Enter %(label)s")
