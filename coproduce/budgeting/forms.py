"""Forms of the budgeting pages. Validation messages follow the GOV.UK Design System."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField
from coproduce.core.money import pounds_to_pence
from coproduce.places.models import Neighbourhood, Ward

from .models import BallotType, CountingRule, DeliveryStatus, Process, Scope
from .phases import PhaseKind, check_phase_dates


class PoundsField(forms.CharField):
    """An amount typed in pounds; cleans to pence. `whole` refuses pence."""

    def __init__(self, *, whole: bool = True, name: str = "", **kwargs):
        self.whole = whole
        self.name_for_errors = name
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            pence = pounds_to_pence(value)
        except ValueError:
            raise forms.ValidationError(_("%(name)s must be an amount of money, like 1500") % {"name": self.name_for_errors})
        if pence <= 0:
            raise forms.ValidationError(_("%(name)s must be more than £0") % {"name": self.name_for_errors})
        if self.whole and pence % 100:
            raise forms.ValidationError(_("%(name)s must be in whole pounds") % {"name": self.name_for_errors})
        return pence


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Your idea in a few words"), max_length=200,
                            error_messages={"required": _("Enter your idea in a few words")})
    description = forms.CharField(label=_("Tell us more"), widget=forms.Textarea, max_length=5000,
                                  error_messages={"required": _("Tell us more about your idea")})


class ProposalForm(forms.Form):
    idea = forms.ChoiceField(label=_("Which idea does this develop?"), required=False)
    title = forms.CharField(label=_("Project name"), max_length=200, error_messages={"required": _("Enter a project name")})
    summary = forms.CharField(label=_("Summary in one sentence"), max_length=300,
                              error_messages={"required": _("Enter a one-sentence summary")})
    description = forms.CharField(label=_("What the project will do, where and for whom"), widget=forms.Textarea,
                                  max_length=10000, error_messages={"required": _("Describe what the project will do")})
    estimated_cost = PoundsField(label=_("Estimated cost in pounds"), name=_("Estimated cost"),
                                 error_messages={"required": _("Enter an estimated cost")})
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, process: Process, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self.process = process
        self.fields["idea"].choices = [("", _("A new project, not from an idea"))] + [(str(i.pk), i.title) for i in ideas]
        categories = list(process.categories.all())
        self.category_objects = {str(c.pk): c for c in categories}
        self.fields["category"].choices = [("", _("No category"))] + [(str(c.pk), c.name) for c in categories]
        self.idea_objects = {str(i.pk): i for i in ideas}

    def clean_idea(self):
        value = self.cleaned_data.get("idea")
        return self.idea_objects.get(value) if value else None

    def clean_category(self):
        value = self.cleaned_data.get("category")
        return self.category_objects.get(value) if value else None


class ReviewForm(forms.Form):
    feasible = forms.ChoiceField(
        label=_("Can the council deliver this project?"),
        choices=[("yes", _("Yes, it is feasible")), ("no", _("No, it is not feasible"))],
        widget=forms.RadioSelect, error_messages={"required": _("Select whether the project is feasible")},
    )
    cost = PoundsField(label=_("Cost in whole pounds"), name=_("Cost"), required=False)
    reasons = forms.CharField(label=_("Reasons, published with the decision"), widget=forms.Textarea, max_length=5000,
                              error_messages={"required": _("Explain the decision")})

    def clean(self):
        data = super().clean()
        if data.get("feasible") == "yes" and not data.get("cost") and "cost" not in self.errors:
            self.add_error("cost", _("Enter what the project will cost"))
        return data


class RuleForm(forms.Form):
    rule = forms.ChoiceField(label=_("How will the votes be counted?"), choices=CountingRule.choices,
                             widget=forms.RadioSelect, error_messages={"required": _("Select a counting rule")})


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40,
                           help_text=_("The 16 letters and numbers you were given when you voted, like 7K2M-9QXD-4HTR-WP3A."),
                           error_messages={"required": _("Enter your receipt code")})


class PaperVoterForm(forms.Form):
    email = forms.EmailField(label=_("Voter's email address, as on their account"),
                             error_messages={"required": _("Enter the voter's email address"),
                                             "invalid": _("Enter an email address in the correct format, like name@example.com")})


class DeliveryForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=DeliveryStatus.choices, widget=forms.RadioSelect,
                               error_messages={"required": _("Select a status")})
    progress = forms.IntegerField(label=_("Progress, per cent"), min_value=0, max_value=100,
                                  error_messages={"required": _("Enter the progress, from 0 to 100"),
                                                  "invalid": _("Progress must be a whole number from 0 to 100"),
                                                  "min_value": _("Progress must be 0 or more"),
                                                  "max_value": _("Progress must be 100 or less")})
    note = forms.CharField(label=_("What has happened (published)"), widget=forms.Textarea, required=False, max_length=5000)

    def clean(self):
        data = super().clean()
        if data.get("status") == DeliveryStatus.COMPLETED and data.get("progress") not in (None, 100):
            self.add_error("progress", _("A completed project is 100 per cent delivered"))
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200, error_messages={"required": _("Enter the milestone")})
    due_on = GovukDateField(label=_("Due date"), label_for_errors=_("Due date"))
    done_on = GovukDateField(label=_("Date done (leave blank if not done yet)"), label_for_errors=_("Date done"), required=False)
    evidence = forms.CharField(label=_("Evidence that it was done"), widget=forms.Textarea, required=False, max_length=5000)
    evidence_url = forms.URLField(label=_("Link to evidence (optional)"), required=False, assume_scheme="https",
                                  error_messages={"invalid": _("Enter a full web address, like https://example.org/photo")})

    def clean(self):
        data = super().clean()
        if data.get("done_on") and not (data.get("evidence") or data.get("evidence_url")):
            self.add_error("evidence", _("Say what shows the milestone was done"))
        return data


class ProcessForm(forms.Form):
    """An officer sets up a process: place, budget, ballot, rule and phase dates."""

    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False, max_length=10000)
    scope = forms.ChoiceField(label=_("Whose budget is it?"), choices=Scope.choices, widget=forms.RadioSelect,
                              error_messages={"required": _("Select whose budget it is")})
    ward = forms.ChoiceField(label=_("Ward"), required=False)
    neighbourhood = forms.ChoiceField(label=_("Neighbourhood or estate"), required=False)
    trust = forms.ChoiceField(label=_("Trust"), required=False)
    budget = PoundsField(label=_("Budget in whole pounds"), name=_("Budget"), error_messages={"required": _("Enter the budget")})
    categories = forms.CharField(
        label=_("Categories (optional)"), widget=forms.Textarea, required=False, max_length=2000,
        help_text=_("One a line. To set aside part of the budget, add a colon and an amount, like: Green spaces: 5000"),
    )
    ballot_type = forms.ChoiceField(label=_("Ballot"), choices=BallotType.choices, widget=forms.RadioSelect,
                                    error_messages={"required": _("Select a ballot type")})
    min_projects = forms.IntegerField(label=_("Approval ballots: fewest projects a voter must choose"), min_value=1,
                                      initial=1, required=False)
    max_projects = forms.IntegerField(label=_("Approval ballots: most projects a voter may choose (optional)"),
                                      min_value=1, required=False)
    points = forms.IntegerField(label=_("Cumulative ballots: points each voter shares out"), min_value=1, required=False)
    min_age = forms.IntegerField(label=_("Minimum age to vote (optional)"), min_value=0, max_value=120, required=False)
    rule = forms.ChoiceField(label=_("Counting rule"), choices=CountingRule.choices, widget=forms.RadioSelect,
                             initial=CountingRule.EQUAL_SHARES, error_messages={"required": _("Select a counting rule")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward_objects = {str(w.pk): w for w in Ward.objects.order_by("name")}
        self.neighbourhood_objects = {str(n.pk): n for n in Neighbourhood.objects.select_related("ward").order_by("name")}
        from coproduce.trusts.models import Trust

        self.trust_objects = {str(t.pk): t for t in Trust.objects.order_by("name")}
        self.fields["trust"].choices = [("", _("Choose a trust"))] + [(k, t.name) for k, t in self.trust_objects.items()]
        self.fields["ward"].choices = [("", _("Choose a ward"))] + [(k, w.name) for k, w in self.ward_objects.items()]
        self.fields["neighbourhood"].choices = [("", _("Choose a neighbourhood"))] + [
            (k, n.name) for k, n in self.neighbourhood_objects.items()
        ]
        for kind in PhaseKind:
            self.fields[f"starts_{kind.value}"] = GovukDateField(
                label=_("%(phase)s phase starts") % {"phase": kind.label}, label_for_errors=_("%(phase)s start date") % {"phase": kind.label},
            )

    def phase_fields(self):
        return [self[f"starts_{kind.value}"] for kind in PhaseKind]

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        data["ward"] = self.ward_objects.get(data.get("ward") or "")
        data["neighbourhood"] = self.neighbourhood_objects.get(data.get("neighbourhood") or "")
        if scope == Scope.WARD and not data["ward"]:
            self.add_error("ward", _("Choose the ward"))
        if scope == Scope.NEIGHBOURHOOD and not data["neighbourhood"]:
            self.add_error("neighbourhood", _("Choose the neighbourhood"))
        data["trust"] = self.trust_objects.get(data.get("trust") or "")
        if scope == Scope.TRUST and not data["trust"]:
            self.add_error("trust", _("Choose the trust"))
        if data.get("ballot_type") == BallotType.CUMULATIVE and not data.get("points"):
            self.add_error("points", _("Enter how many points each voter shares out"))
        if data.get("ballot_type") == BallotType.CUMULATIVE and data.get("rule") == CountingRule.PHRAGMEN:
            self.add_error("rule", _("Sequential Phragmén counts approval ballots only: choose another rule for points"))
        low, high = data.get("min_projects") or 1, data.get("max_projects")
        if high is not None and high < low:
            self.add_error("max_projects", _("The most projects must be at least the fewest projects"))
        data["categories"] = self._parse_categories(data.get("categories") or "")
        starts = {}
        for kind in PhaseKind:
            day = data.get(f"starts_{kind.value}")
            if isinstance(day, dt.date):
                starts[kind.value] = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        if len(starts) == len(PhaseKind):
            for problem in check_phase_dates(starts):
                self.add_error(None, problem)
        data["phase_starts"] = starts
        data["slug"] = slugify(data.get("title") or "")[:70]
        return data

    def _parse_categories(self, text: str) -> list[tuple[str, int | None]]:
        result: list[tuple[str, int | None]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, amount = line.partition(":")
            name = name.strip()
            envelope = None
            if amount.strip():
                try:
                    envelope = pounds_to_pence(amount)
                except ValueError:
                    self.add_error("categories", _("Line %(n)s: the amount after the colon must be in pounds, like 5000") % {"n": number})
                    continue
            if not name:
                self.add_error("categories", _("Line %(n)s: enter a category name before the colon") % {"n": number})
                continue
            result.append((name[:100], envelope))
        return result
