"""Forms of the panels pages. They check the shape of what was typed; services check the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.budgeting.models import Process
from coproduce.commissioning.models import Opportunity
from coproduce.coproduction.models import Collaborative
from coproduce.core.forms import GovukDateField
from coproduce.trusts.models import Trust

from . import features
from .models import Algorithm, Panel

#: What a panel can work for: form prefix → model. ADR 0753 says how to add another kind.
ATTACHABLE = {"collaborative": Collaborative, "trust": Trust, "budget": Process, "opportunity": Opportunity}


def attachment_choices() -> list[tuple[str, str]]:
    choices = [("", str(_("Nothing: a stand-alone panel")))]
    choices += [(f"collaborative:{c.pk}", str(_("Collaborative: %(name)s")) % {"name": c.name})
                for c in Collaborative.objects.order_by("name")]
    choices += [(f"trust:{t.pk}", str(_("Trust board: %(name)s")) % {"name": t.name})
                for t in Trust.objects.order_by("name")]
    choices += [(f"budget:{p.pk}", str(_("Budget review: %(name)s")) % {"name": p.title})
                for p in Process.objects.order_by("title")]
    choices += [(f"opportunity:{o.pk}", str(_("Tender evaluation: %(name)s")) % {"name": o.title})
                for o in Opportunity.objects.public().order_by("title")]
    return choices


def attachment_from(value: str):
    if not value:
        return None
    kind, _sep, pk = value.partition(":")
    model = ATTACHABLE.get(kind)
    return model.objects.filter(pk=pk).first() if model and pk.isdigit() else None


class PanelForm(forms.Form):
    title = forms.CharField(label=_("Name of the panel"), max_length=200,
                            error_messages={"required": _("Enter the name of the panel")})
    purpose = forms.CharField(
        label=_("What the panel is for"), widget=forms.Textarea,
        help_text=_("What it will decide or advise on, how often it meets, and what members get (time credits, expenses)."),
        error_messages={"required": _("Enter what the panel is for")})
    size = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=500,
                              error_messages={"required": _("Enter the number of places"),
                                              "invalid": _("Number of places must be a whole number"),
                                              "min_value": _("The panel needs at least 1 place"),
                                              "max_value": _("A panel can have at most 500 places")})
    closes_on = GovukDateField(label=_("Closing date"), label_for_errors=_("Closing date"), future=True,
                               help_text=_("Volunteering stays open until the end of this day. For example, 27 3 2027"))
    ends_on = GovukDateField(label=_("End of the panel's work"), label_for_errors=_("End date"),
                             help_text=_("Volunteers' answers are erased then."))
    min_age = forms.IntegerField(label=_("Youngest age (optional)"), required=False, min_value=0, max_value=120,
                                 error_messages={"invalid": _("Youngest age must be a whole number")})
    max_age = forms.IntegerField(label=_("Oldest age (optional)"), required=False, min_value=0, max_value=120,
                                 error_messages={"invalid": _("Oldest age must be a whole number")})
    feature_keys = forms.MultipleChoiceField(
        label=_("Questions to ask volunteers"), choices=features.question_choices, widget=forms.CheckboxSelectMultiple,
        help_text=_("The panel is balanced on the answers. Ask only what you need."),
        error_messages={"required": _("Choose at least one question to ask volunteers")})
    algorithm = forms.ChoiceField(label=_("How to choose"), choices=Algorithm.choices, initial=Algorithm.LEXIMIN,
                                  widget=forms.RadioSelect)
    one_per_household = forms.BooleanField(label=_("Choose at most one person from each address"), required=False,
                                           initial=True)
    attached_to = forms.ChoiceField(label=_("What the panel works for"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attached_to"].choices = attachment_choices()

    def clean(self):
        data = super().clean()
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("Oldest age must be the same as or more than the youngest age"))
        closes, ends = data.get("closes_on"), data.get("ends_on")
        if closes and ends and ends <= closes:
            self.add_error("ends_on", _("The panel must end after recruitment closes"))
        data["attached_to"] = attachment_from(data.get("attached_to") or "")
        return data


class QuotaForm(forms.Form):
    """The panel size and, for every answer, the fewest and most people with it."""

    size = forms.IntegerField(label=_("Number of places"), min_value=1, max_value=500,
                              error_messages={"required": _("Enter the number of places"),
                                              "invalid": _("Number of places must be a whole number"),
                                              "min_value": _("The panel needs at least 1 place")})

    def __init__(self, *args, panel: Panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.panel = panel
        self.fields["size"].initial = panel.size
        self.rows = []
        for feature in panel.features.prefetch_related("values"):
            values = []
            for value in feature.values.all():
                for end, initial, text in (("min", value.quota_min, _("Fewest")), ("max", value.quota_max, _("Most"))):
                    self.fields[f"{end}-{value.pk}"] = forms.IntegerField(
                        label=f"{text}: {feature.label}, {value.label}", min_value=0, max_value=500, initial=initial,
                        error_messages={
                            "required": _("Enter the %(end)s people for %(value)s")
                            % {"end": text.lower(), "value": value.label},
                            "invalid": _("%(end)s people for %(value)s must be a whole number")
                            % {"end": text, "value": value.label},
                            "min_value": _("%(end)s people for %(value)s must be 0 or more")
                            % {"end": text, "value": value.label},
                            "max_value": _("%(end)s people for %(value)s must be 500 or fewer")
                            % {"end": text, "value": value.label}})
                values.append(value)
            self.rows.append((feature, values))

    def quotas(self) -> dict[int, tuple[int, int]]:
        return {value.pk: (self.cleaned_data[f"min-{value.pk}"], self.cleaned_data[f"max-{value.pk}"])
                for _feature, values in self.rows for value in values}


class VolunteerForm(forms.Form):
    consent = forms.BooleanField(
        label=_("I agree that the council uses my answers to choose the panel fairly, as described above"),
        error_messages={"required": _("Tick the box to agree to how we use your answers")})

    def __init__(self, *args, panel: Panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(panel.features.prefetch_related("values"))
        consent = self.fields.pop("consent")
        for feature in self.questions:
            self.fields[feature.key] = forms.ChoiceField(
                label=feature.question, help_text=feature.hint, widget=forms.RadioSelect,
                choices=[(v.key, v.label) for v in feature.values.all()],
                error_messages={"required": _("Answer the question: %(question)s") % {"question": feature.question},
                                "invalid_choice": _("Choose one of the answers to: %(question)s")
                                % {"question": feature.question}})
        self.fields["consent"] = consent

    def answers(self) -> dict[str, str]:
        return {feature.key: self.cleaned_data[feature.key] for feature in self.questions}


class ResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you take your place on the panel?"), widget=forms.RadioSelect,
        choices=[("accept", _("Yes, I accept the place")), ("decline", _("No, offer it to someone else"))],
        error_messages={"required": _("Choose whether you accept the place")})


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is the panel cancelled?"), widget=forms.Textarea, max_length=1000,
                             error_messages={"required": _("Enter why the panel is cancelled")})
