"""Forms for commissioning, with GOV.UK wording for every error. Services re-check everything."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField
from coproduce.core.money import format_pence, pounds_to_pence
from coproduce.needs.models import Category

from .models import (
    Aggregation,
    CoDesigner,
    ContractKpi,
    CriterionKind,
    DeliveryOption,
    PriceFormula,
    Route,
    ServiceType,
    Stage,
)


class PoundsField(forms.CharField):
    """An amount in pounds typed by a person (`£1,234.50`), cleaned to whole pence."""

    def __init__(self, *, positive: bool = True, **kwargs):
        self.positive = positive
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_pence(value).replace("£", "")
        return value

    def clean(self, value):
        text = super().clean(value)
        if text in (None, ""):
            return None
        try:
            pence = pounds_to_pence(text)
        except ValueError:
            raise forms.ValidationError(_("%(label)s must be an amount of money, like 150000 or 1,250.50")
                                        % {"label": self.label}, code="invalid")
        if self.positive and pence <= 0:
            raise forms.ValidationError(_("%(label)s must be more than £0") % {"label": self.label}, code="min")
        if pence < 0:
            raise forms.ValidationError(_("%(label)s cannot be negative") % {"label": self.label}, code="min")
        return pence


class PointsField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 5)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 100)
        super().__init__(**kwargs)
        label = kwargs.get("label", _("This"))
        self.error_messages.update({
            "invalid": _("%(label)s must be a number") % {"label": label},
            "min_value": _("%(label)s must be 0 or more") % {"label": label},
            "max_value": _("%(label)s must be 100 or less") % {"label": label},
            "max_decimal_places": _("%(label)s can have at most 2 decimal places") % {"label": label},
            "max_digits": _("%(label)s must be 100 or less") % {"label": label},
        })


def required(label: str) -> dict:
    return {"required": _("Enter %(label)s") % {"label": label}}


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages=required(_("a title")))
    summary = forms.CharField(label=_("Summary"), max_length=400, widget=forms.Textarea,
                              help_text=_("One or two sentences in plain English: what, for whom, where."),
                              error_messages=required(_("a summary")))
    service_area = forms.ChoiceField(label=_("Service area"), choices=Category.choices,
                                     error_messages={"required": _("Select the service area")})
    ward = forms.ModelChoiceField(label=_("Ward"), queryset=None, required=False, empty_label=_("The whole borough"),
                                  error_messages={"invalid_choice": _("Select a ward from the list")})
    service_type = forms.ChoiceField(label=_("What kind of service is it?"), choices=ServiceType.choices,
                                     widget=forms.RadioSelect, initial=ServiceType.SERVICES,
                                     help_text=_("Light-touch services are services to people, such as care, health, "
                                                 "education and youth work (Procurement Regulations 2024 Schedule 1)."),
                                     error_messages={"required": _("Select the kind of service")})
    trust = forms.ModelChoiceField(label=_("Co-operative trust commissioning with the council"), queryset=None,
                                   required=False, empty_label=_("None"))

    def __init__(self, *args, **kwargs):
        from coproduce.places.models import Ward

        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.order_by("name")
        trust_model = _trust_model()
        if trust_model is None:
            del self.fields["trust"]
        else:
            self.fields["trust"].queryset = trust_model.objects.order_by("name")


def _trust_model():
    from django.apps import apps

    from .models import CommissioningProject

    if not apps.is_installed("coproduce.trusts") or not hasattr(CommissioningProject, "trust"):
        return None
    return apps.get_model("trusts", "Trust")


class AnalysisForm(forms.Form):
    needs_assessment = forms.CharField(
        label=_("Needs assessment"), widget=forms.Textarea, max_length=20000,
        help_text=_("What the evidence, residents and service users say is needed, and what already exists."),
        error_messages=required(_("the needs assessment")),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Accepted needs this project answers"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select needs from the list"), "invalid_pk_value": _("Select needs from the list")},
    )

    def __init__(self, *args, **kwargs):
        from coproduce.needs.models import Need

        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = Need.objects.accepted().order_by("title")


class PlanForm(forms.Form):
    service_type = forms.ChoiceField(label=_("What kind of service is it?"), choices=ServiceType.choices,
                                     widget=forms.RadioSelect, error_messages={"required": _("Select the kind of service")})
    estimated_value = PoundsField(label=_("Estimated value"), required=False,
                                  help_text=_("In pounds, including VAT, over the whole term with any extensions."))
    term_months = forms.IntegerField(label=_("Term in months"), required=False, min_value=1, max_value=240,
                                     error_messages={"invalid": _("Term must be a whole number of months"),
                                                     "min_value": _("Term must be at least 1 month"),
                                                     "max_value": _("Term must be 240 months or fewer")})
    procurement_start = GovukDateField(label=_("Procurement start date"), required=False,
                                       help_text=_("The thresholds in force on this date apply. For example, 1 2 2026."))
    specification = forms.CharField(label=_("Service specification"), widget=forms.Textarea, required=False,
                                    help_text=_("Outcome-based: what must be achieved, for whom, and how it is measured."))
    procurement_plan = forms.CharField(label=_("Procurement plan"), widget=forms.Textarea, required=False,
                                       help_text=_("Lots, timetable, market engagement and the social value plan."))
    conflicts_assessment = forms.CharField(label=_("Conflicts assessment"), widget=forms.Textarea, required=False,
                                           help_text=_("Who could have a conflict of interest and how it is handled "
                                                       "(Procurement Act 2023 s.83)."))


class RouteForm(forms.Form):
    route = forms.ChoiceField(label=_("Procurement route"), widget=forms.RadioSelect,
                              error_messages={"required": _("Select a procurement route"),
                                              "invalid_choice": _("Select one of the routes allowed for this contract")})

    def __init__(self, *args, routes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route"].choices = [(r.value, Route(r.value).label) for r in routes]


class OutcomeForm(forms.Form):
    statement = forms.CharField(label=_("Outcome"), max_length=300, help_text=_("Like “young people feel safe in the evening”."),
                                error_messages=required(_("the outcome")))
    measure = forms.CharField(label=_("How it will be measured"), max_length=200, error_messages=required(_("the measure")))
    target = forms.CharField(label=_("Target"), max_length=100, required=False)
    indicator = forms.ModelChoiceField(label=_("Outcome indicator of a linked need"), queryset=None, required=False,
                                       empty_label=_("None"))

    def __init__(self, *args, project, **kwargs):
        from coproduce.needs.models import OutcomeIndicator

        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = OutcomeIndicator.objects.filter(need__in=project.needs.all())


class OptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Option"), choices=DeliveryOption.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Select the option")})
    summary = forms.CharField(label=_("Appraisal"), widget=forms.Textarea, max_length=5000,
                              help_text=_("Benefits, risks, and what residents said about it."),
                              error_messages=required(_("the appraisal")))
    staff_cost = PoundsField(label=_("Yearly costs without VAT (such as pay)"), required=False, positive=False)
    vatable_cost = PoundsField(label=_("Yearly purchases that carry VAT, before VAT"), required=False, positive=False)
    margin_percent = PointsField(label=_("Provider's margin or surplus (%)"), required=False)


class PreferForm(forms.Form):
    reasons = forms.CharField(label=_("Why is this the preferred option?"), widget=forms.Textarea,
                              error_messages=required(_("why this option is preferred")))


class CoDesignerForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the resident or service user"),
                             error_messages={"required": _("Enter an email address"),
                                             "invalid": _("Enter an email address in the correct format, like name@example.com")})
    kind = forms.ChoiceField(label=_("They take part as"), choices=CoDesigner.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Select how they take part")})


class StageForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("Move the project to"), widget=forms.RadioSelect,
                                 error_messages={"required": _("Select the stage to move to")})
    decision = forms.CharField(label=_("Decision"), widget=forms.Textarea, max_length=5000,
                               help_text=_("What was decided, by whom, and on what evidence. It is published."),
                               error_messages=required(_("the decision")))

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [(s, Stage(s).label) for s in stages]


TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})$")


class OpportunityForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages=required(_("a title")))
    summary = forms.CharField(label=_("Plain-English summary"), widget=forms.Textarea, max_length=3000,
                              help_text=_("What the council wants, for whom and why, in words a resident understands."),
                              error_messages=required(_("a summary")))
    specification = forms.CharField(label=_("Specification"), widget=forms.Textarea, required=False)
    route = forms.ChoiceField(label=_("Route"), choices=[(r.value, r.label) for r in Route if r != Route.DIRECT_AWARD],
                              widget=forms.RadioSelect, error_messages={"required": _("Select the route")})
    estimated_value = PoundsField(label=_("Estimated value, including VAT, whole term"),
                                  error_messages=required(_("the estimated value")))
    estimate = PoundsField(label=_("Pre-tender price estimate, before VAT"), required=False,
                           help_text=_("Used to flag bids that may be abnormally low."))
    term_months = forms.IntegerField(label=_("Term in months"), min_value=1, max_value=240,
                                     error_messages={"required": _("Enter the term in months"),
                                                     "invalid": _("Term must be a whole number of months"),
                                                     "min_value": _("Term must be at least 1 month"),
                                                     "max_value": _("Term must be 240 months or fewer")})
    scale_max = forms.TypedChoiceField(label=_("Quality scoring scale"), coerce=int, choices=[(5, _("0 to 5")), (10, _("0 to 10"))],
                                       widget=forms.RadioSelect, error_messages={"required": _("Select the scale")})
    price_formula = forms.ChoiceField(label=_("How price is scored"), choices=PriceFormula.choices, widget=forms.RadioSelect,
                                      error_messages={"required": _("Select how price is scored")})
    price_weight = PointsField(label=_("Price weight (points out of 100)"),
                               help_text=_("0 with price per quality point."), error_messages=required(_("the price weight")))
    aggregation = forms.ChoiceField(label=_("How evaluators' scores are combined"), choices=Aggregation.choices,
                                    widget=forms.RadioSelect, error_messages={"required": _("Select how scores are combined")})
    abnormally_low_percent = PointsField(label=_("Flag prices more than this % below the estimate"), initial=15,
                                         error_messages=required(_("a percentage")))
    vat_recovery_percent = PointsField(label=_("Share of VAT the council recovers (%)"), initial=100,
                                       help_text=_("100 for statutory services (VAT Act 1994 s.33)."),
                                       error_messages=required(_("a percentage")))
    local_employment = forms.CharField(label=_("Local employment commitments asked for"), widget=forms.Textarea, required=False)
    deadline_date = GovukDateField(label=_("Deadline for bids"), required=False, label_for_errors=_("The deadline"),
                                   help_text=_("For example, 27 3 2026."))
    deadline_time = forms.CharField(label=_("Time of the deadline"), required=False, initial="12:00",
                                    help_text=_("24-hour clock, like 12:00"))
    timetable = forms.CharField(label=_("Timetable after the deadline"), widget=forms.Textarea, required=False,
                                help_text=_("Like: evaluation in May, award decision in June, contract starts 1 September."))

    def clean(self):
        data = super().clean()
        day, time = data.get("deadline_date"), (data.get("deadline_time") or "").strip()
        data["deadline"] = None
        if day:
            match = TIME_RE.match(time or "12:00")
            if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
                self.add_error("deadline_time", _("Enter the time as hours and minutes, like 12:00"))
            else:
                naive = dt.datetime.combine(day, dt.time(int(match.group(1)), int(match.group(2))))
                data["deadline"] = timezone.make_aware(naive)
        return data

    def service_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "summary": d["summary"], "specification": d["specification"], "route": d["route"],
            "estimated_value_pence": d["estimated_value"], "estimate_pence": d["estimate"], "term_months": d["term_months"],
            "scale_max": d["scale_max"], "price_formula": d["price_formula"], "price_weight": d["price_weight"],
            "aggregation": d["aggregation"], "abnormally_low_percent": d["abnormally_low_percent"],
            "vat_recovery_percent": d["vat_recovery_percent"], "local_employment": d["local_employment"],
            "deadline": d["deadline"], "timetable": d["timetable"],
        }

    @classmethod
    def initial_for(cls, opportunity) -> dict:
        deadline = timezone.localtime(opportunity.deadline) if opportunity.deadline else None
        return {
            "title": opportunity.title, "summary": opportunity.summary, "specification": opportunity.specification,
            "route": opportunity.route, "estimated_value": opportunity.estimated_value_pence,
            "estimate": opportunity.estimate_pence, "term_months": opportunity.term_months, "scale_max": opportunity.scale_max,
            "price_formula": opportunity.price_formula, "price_weight": opportunity.price_weight,
            "aggregation": opportunity.aggregation, "abnormally_low_percent": opportunity.abnormally_low_percent,
            "vat_recovery_percent": opportunity.vat_recovery_percent, "local_employment": opportunity.local_employment,
            "deadline_date": deadline.date() if deadline else None,
            "deadline_time": f"{deadline:%H:%M}" if deadline else "12:00", "timetable": opportunity.timetable,
        }


class LotForm(forms.Form):
    title = forms.CharField(label=_("Lot title"), max_length=200, error_messages=required(_("a title for the lot")))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    value = PoundsField(label=_("Estimated value of the lot, including VAT"), required=False)


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=CriterionKind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("Select the kind of question")})
    question = forms.CharField(label=_("Question"), widget=forms.Textarea, max_length=3000,
                               error_messages=required(_("the question")))
    guidance = forms.CharField(label=_("What a good answer shows"), widget=forms.Textarea, required=False)
    weight = PointsField(label=_("Weight (points out of 100)"), required=False, help_text=_("0 for a pass or fail question."))
    gate_min = forms.IntegerField(label=_("Lowest acceptable score"), required=False, min_value=0, max_value=10,
                                  help_text=_("Optional: a bid scoring less fails, whatever its total."),
                                  error_messages={"invalid": _("The lowest acceptable score must be a whole number"),
                                                  "min_value": _("The lowest acceptable score must be 0 or more"),
                                                  "max_value": _("The lowest acceptable score must be 10 or less")})


class ClarificationForm(forms.Form):
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea, max_length=3000,
                               help_text=_("The question and its answer are published for every bidder; your name is not."),
                               error_messages=required(_("your question")))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea, max_length=5000, error_messages=required(_("the answer")))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), widget=forms.Textarea, error_messages=required(_("the reason")))


class BidStartForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Bid on behalf of"), queryset=None, empty_label=None,
                                          widget=forms.RadioSelect, error_messages={"required": _("Select the organisation")})
    lot = forms.ModelChoiceField(label=_("Lot"), queryset=None, empty_label=None, widget=forms.RadioSelect,
                                 error_messages={"required": _("Select the lot")})

    def __init__(self, *args, organisations, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["lot"].queryset = lots


class BidForm(forms.Form):
    price = PoundsField(label=_("Your price for the whole term, before VAT"), required=False)
    charges_vat = forms.BooleanField(label=_("We will add VAT to this price"), required=False,
                                     help_text=_("Only if your organisation is VAT registered and the service is taxable."))
    social_value_commitment = forms.CharField(label=_("Social value commitments"), widget=forms.Textarea, required=False,
                                              help_text=_("What you will do for the area, measured how, such as local jobs "
                                                          "and apprenticeships."))
    local_jobs_fte = forms.DecimalField(label=_("Local jobs (full-time equivalent)"), required=False, min_value=0,
                                        max_digits=7, decimal_places=2,
                                        error_messages={"invalid": _("Local jobs must be a number, like 2.5"),
                                                        "min_value": _("Local jobs cannot be negative")})

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"answer_{c.pk}"] = forms.CharField(
                label=f"{c.code}: {c.question}", widget=forms.Textarea, required=False, max_length=20000,
                help_text=c.guidance,
            )

    def answers(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data.get(f"answer_{c.pk}", "") for c in self.criteria}


class PanelMemberForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the officer or resident evaluator"),
                             error_messages={"required": _("Enter an email address"),
                                             "invalid": _("Enter an email address in the correct format, like name@example.com")})
    lots = forms.ModelMultipleChoiceField(label=_("Lots they evaluate"), queryset=None, widget=forms.CheckboxSelectMultiple,
                                          error_messages={"required": _("Select at least one lot")})
    is_moderator = forms.BooleanField(label=_("They moderate the panel (officers only)"), required=False)

    def __init__(self, *args, lots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lots"].queryset = lots


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with any of these bidders?"),
        choices=[("no", _("No")), ("yes", _("Yes"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        help_text=_("A personal, professional or financial connection, direct or through family or friends, "
                    "or anything that could look like one."),
        error_messages={"required": _("Select whether you have a conflict of interest")},
    )
    details = forms.CharField(label=_("If yes, describe it"), widget=forms.Textarea, required=False)


class ScoreForm(forms.Form):
    def __init__(self, *args, criteria, scale_max: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = [c for c in criteria if c.is_scored]
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=_("%(code)s score") % {"code": c.code}, choices=[(str(i), str(i)) for i in range(scale_max + 1)],
                coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("Select a score for %(code)s") % {"code": c.code},
                                "invalid_choice": _("The score for %(code)s must be on the scale 0 to %(max)s")
                                % {"code": c.code, "max": scale_max}},
            )
            self.fields[f"rationale_{c.pk}"] = forms.CharField(
                label=_("Reason for your %(code)s score") % {"code": c.code}, widget=forms.Textarea, required=False,
                help_text=_("Refer to evidence in the bid."),
            )

    def clean(self):
        data = super().clean()
        for c in self.criteria:
            if not (data.get(f"rationale_{c.pk}") or "").strip():
                self.add_error(f"rationale_{c.pk}", _("Give the reason for your %(code)s score, with evidence from the bid")
                               % {"code": c.code})
        return data

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"rationale_{c.pk}", ""))
                for c in self.criteria}


class ModerationForm(forms.Form):
    """The agreed result for every question of one bid."""

    def __init__(self, *args, criteria, scale_max: int, consensus: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for c in criteria:
            if c.is_scored and not consensus:
                continue
            if c.is_scored:
                self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                    label=_("%(code)s agreed score") % {"code": c.code}, coerce=int, widget=forms.RadioSelect,
                    choices=[(str(i), str(i)) for i in range(scale_max + 1)],
                    error_messages={"required": _("Select the agreed score for %(code)s") % {"code": c.code},
                                    "invalid_choice": _("The score for %(code)s must be on the scale 0 to %(max)s")
                                    % {"code": c.code, "max": scale_max}},
                )
            else:
                self.fields[f"passed_{c.pk}"] = forms.TypedChoiceField(
                    label=_("%(code)s result") % {"code": c.code}, coerce=lambda v: v == "pass", widget=forms.RadioSelect,
                    choices=[("pass", _("Pass")), ("fail", _("Fail"))],
                    error_messages={"required": _("Select pass or fail for %(code)s") % {"code": c.code}},
                )
            self.fields[f"reason_{c.pk}"] = forms.CharField(
                label=_("Why the panel agreed this (%(code)s)") % {"code": c.code}, widget=forms.Textarea,
                error_messages={"required": _("Give the reason the panel agreed the %(code)s result") % {"code": c.code}},
            )
            self.rows.append(c)


class CompleteModerationForm(forms.Form):
    notes = forms.CharField(label=_("Moderation notes"), widget=forms.Textarea, required=False,
                            help_text=_("Who attended, and anything the assessment summaries should explain."))


class AwardForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons for the award decision"), widget=forms.Textarea,
                              help_text=_("Published with the award."), error_messages=required(_("the reasons for the award")))
    notice_published_on = GovukDateField(label=_("Day the contract award notice is published"),
                                         label_for_errors=_("The notice date"), help_text=_("For example, 2 3 2026."))
    voluntary_standstill = forms.BooleanField(label=_("Keep a voluntary standstill of 8 working days"), required=False,
                                              initial=True, help_text=_("Mandatory above threshold whatever is chosen here."))
    abnormally_low_explanation = forms.CharField(
        label=_("If the winning bid was flagged as abnormally low: how did the bidder show it can deliver for its price?"),
        widget=forms.Textarea, required=False,
    )


KPI_ROWS = 3


class ContractForm(forms.Form):
    start_date = GovukDateField(label=_("Contract start date"), label_for_errors=_("The start date"),
                                help_text=_("For example, 1 4 2026."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, KPI_ROWS + 1):
            first = n == 1
            self.fields[f"kpi_{n}_name"] = forms.CharField(label=_("KPI %(n)s: what is measured") % {"n": n},
                                                           required=first, max_length=200,
                                                           error_messages=required(_("what the first KPI measures")))
            self.fields[f"kpi_{n}_unit"] = forms.CharField(label=_("KPI %(n)s: unit") % {"n": n}, required=False, max_length=50)
            self.fields[f"kpi_{n}_target"] = forms.DecimalField(
                label=_("KPI %(n)s: target") % {"n": n}, required=False, max_digits=14, decimal_places=2,
                error_messages={"invalid": _("KPI %(n)s target must be a number") % {"n": n}})
            self.fields[f"kpi_{n}_direction"] = forms.ChoiceField(label=_("KPI %(n)s: direction") % {"n": n},
                                                                  choices=ContractKpi.Direction.choices, required=False)
            self.fields[f"kpi_{n}_frequency"] = forms.ChoiceField(label=_("KPI %(n)s: reported") % {"n": n},
                                                                  choices=ContractKpi.Frequency.choices, required=False)

    def clean(self):
        data = super().clean()
        for n in range(1, KPI_ROWS + 1):
            if data.get(f"kpi_{n}_name"):
                if not data.get(f"kpi_{n}_unit"):
                    self.add_error(f"kpi_{n}_unit", _("Enter the unit of KPI %(n)s, like people or %%") % {"n": n})
                if data.get(f"kpi_{n}_target") is None and f"kpi_{n}_target" not in self.errors:
                    self.add_error(f"kpi_{n}_target", _("Enter the target of KPI %(n)s") % {"n": n})
        return data

    def kpis(self) -> list[dict]:
        d = self.cleaned_data
        return [
            {"name": d[f"kpi_{n}_name"], "unit": d[f"kpi_{n}_unit"], "target": d[f"kpi_{n}_target"],
             "direction": d.get(f"kpi_{n}_direction") or "higher", "frequency": d.get(f"kpi_{n}_frequency") or "quarterly"}
            for n in range(1, KPI_ROWS + 1) if d.get(f"kpi_{n}_name")
        ]


class ClassifyForm(forms.Form):
    value = PoundsField(label=_("Estimated value in pounds, including VAT, whole term"),
                        error_messages=required(_("the estimated value")))
    service_type = forms.ChoiceField(label=_("Kind of service"), choices=ServiceType.choices, widget=forms.RadioSelect,
                                     initial=ServiceType.SERVICES, error_messages={"required": _("Select the kind of service")})
    on_date = GovukDateField(label=_("Procurement start date"), required=False, label_for_errors=_("The start date"),
                             help_text=_("Leave empty for today."))
    term_months = forms.IntegerField(label=_("Term in months"), required=False, min_value=1, max_value=240,
                                     error_messages={"invalid": _("Term must be a whole number of months"),
                                                     "min_value": _("Term must be at least 1 month"),
                                                     "max_value": _("Term must be 240 months or fewer")})

