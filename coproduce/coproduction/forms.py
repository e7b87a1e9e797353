"""Forms for co-production, with GOV.UK wording for every error."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.core.forms import GovukDateField
from coproduce.needs.models import Need

from .models import SELF_CHOSEN_TYPES, ActionStatus, ParticipantType
from .services import ACTION_TRANSITIONS

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_time(value: str, *, name: str) -> dt.time:
    match = TIME_PATTERN.match(value or "")
    if not match:
        raise forms.ValidationError(_("%(name)s must be a time, like 9:30 or 14:00") % {"name": name})
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise forms.ValidationError(_("%(name)s must be a real time, like 9:30 or 14:00") % {"name": name})
    return dt.time(hour, minute)


class NeedNumbersField(forms.CharField):
    """Needs named by their numbers ("Need 1234" on each need's page), separated by commas."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Related needs (optional)"))
        kwargs.setdefault("help_text", _("The numbers of local needs this answers, like 1204, 1310. Each need's page shows its number."))
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return []
        parts = [p for p in re.split(r"[,\s]+", text.replace("#", "")) if p]
        if not all(p.isdigit() for p in parts):
            raise forms.ValidationError(_("Need numbers must be whole numbers separated by commas, like 1204, 1310"))
        numbers = sorted({int(p) for p in parts})
        found = {n.pk: n for n in Need.objects.filter(pk__in=numbers).only("id", "title")}
        missing = [str(n) for n in numbers if n not in found]
        if missing:
            raise forms.ValidationError(
                _("There is no need with the number %(numbers)s") % {"numbers": ", ".join(missing)}
            )
        return [found[n] for n in numbers]


class CollaborativeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, error_messages={"required": _("Enter a name")})
    summary = forms.CharField(
        label=_("Summary"), max_length=300, help_text=_("One sentence: who meets and what for."),
        error_messages={"required": _("Enter a summary"), "max_length": _("Summary must be 300 characters or fewer")},
    )
    description = forms.CharField(label=_("Description (optional)"), required=False, max_length=10000)
    trust = forms.ModelChoiceField(
        label=_("Community trust it works with (optional)"), required=False, queryset=None, empty_label=_("None"),
        error_messages={"invalid_choice": _("Select a trust from the list")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from coproduce.trusts.models import Trust

        self.fields["trust"].queryset = Trust.objects.order_by("name")


class JoinForm(forms.Form):
    participant_type = forms.ChoiceField(
        label=_("How do you take part?"),
        choices=[(t.value, t.label) for t in SELF_CHOSEN_TYPES],
        help_text=_("Only the organisers see who takes part. Everyone else sees how many, of each kind."),
        error_messages={"required": _("Select how you take part"), "invalid_choice": _("Select how you take part")},
    )


class ParticipantForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of their account"),
        error_messages={"required": _("Enter the email address of their account"),
                        "invalid": _("Enter an email address in the correct format, like name@example.com")},
    )
    participant_type = forms.ChoiceField(
        label=_("How do they take part?"), choices=ParticipantType.choices,
        error_messages={"required": _("Select how they take part"), "invalid_choice": _("Select how they take part")},
    )
    is_organiser = forms.BooleanField(label=_("They help organise the collaborative"), required=False)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if person is None:
            raise forms.ValidationError(_("There is no account with that email address: ask them to register first"))
        self.person = person
        return email


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, error_messages={"required": _("Enter a title")})
    date = GovukDateField(label=_("Date"), label_for_errors=_("Date"), help_text=_("For example, 27 3 2027"))
    start_time = forms.CharField(label=_("Start time"), max_length=20, help_text=_("For example, 8:30 or 14:00"),
                                 error_messages={"required": _("Enter a start time"),
                                                 "max_length": _("Start time must be a time, like 9:30 or 14:00")})
    end_time = forms.CharField(label=_("End time"), max_length=20, help_text=_("For example, 10:00 or 16:30"),
                               error_messages={"required": _("Enter an end time"),
                                               "max_length": _("End time must be a time, like 9:30 or 14:00")})
    venue = forms.CharField(label=_("Venue (if it meets in person)"), required=False, max_length=300)
    online_url = forms.URLField(
        label=_("Link to join online (if it meets online)"), required=False, assume_scheme="https",
        error_messages={"invalid": _("Enter a web address, like https://meet.example.org/room")},
    )
    accessibility = forms.CharField(
        label=_("Accessibility"), max_length=3000,
        help_text=_("Step-free access, hearing loop, toilets, quiet room, interpreters, food and drink."),
        error_messages={"required": _("Enter the accessibility information")},
    )
    agenda = forms.CharField(label=_("Agenda (optional)"), required=False, max_length=10000)
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=5000, help_text=_("How many people can register."),
        error_messages={"required": _("Enter how many places there are"), "invalid": _("Places must be a whole number"),
                        "min_value": _("Places must be 1 or more"), "max_value": _("Places must be 5,000 or fewer")},
    )

    def clean_start_time(self):
        return parse_time(self.cleaned_data["start_time"], name=_("Start time"))

    def clean_end_time(self):
        return parse_time(self.cleaned_data["end_time"], name=_("End time"))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if not (data.get("venue") or "").strip() and not data.get("online_url"):
            self.add_error("venue", _("Enter the address of the venue, an online link, or both"))
        if day and start and end:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, start), zone)
            data["ends_at"] = timezone.make_aware(dt.datetime.combine(day, end), zone)
            if data["starts_at"] <= timezone.now():
                self.add_error("date", _("The meeting must start in the future"))
            elif data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", _("End time must be after the start time"))
        return data


class RegisterForm(forms.Form):
    access_needs = forms.CharField(
        label=_("Access needs (optional)"), required=False, max_length=2000,
        help_text=_("Tell the organisers what you need to take part: step-free access, a hearing loop, "
                    "an interpreter, large print, a quiet space. Only the organisers see this."),
        error_messages={"max_length": _("Access needs must be 2,000 characters or fewer")},
    )


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Who took part?"), required=False,
        help_text=_("Ticked people are paid time credits for the meeting. Untick someone to correct a mistake."),
        error_messages={"invalid_choice": _("Select people from the list")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(str(p.pk), p.display_name) for p in candidates]

    def clean_present(self):
        return {int(v) for v in self.cleaned_data["present"]}


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=50000,
        help_text=_("Published on the meeting's page. Do not name people who use services or carers without their agreement."),
        error_messages={"required": _("Enter the minutes")},
    )


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Idea"), max_length=200, error_messages={"required": _("Enter the idea")})
    description = forms.CharField(label=_("More detail (optional)"), required=False, max_length=5000)
    needs = NeedNumbersField()


class ActionForm(forms.Form):
    title = forms.CharField(label=_("What will be done"), max_length=200, error_messages={"required": _("Enter what will be done")})
    description = forms.CharField(label=_("More detail (optional)"), required=False, max_length=5000)
    owner = forms.ChoiceField(
        label=_("Who will do it"),
        error_messages={"required": _("Select who will do it"), "invalid_choice": _("Select someone from the list")},
    )
    due_date = GovukDateField(label=_("Due date"), label_for_errors=_("Due date"))
    idea = forms.ChoiceField(label=_("From the idea (optional)"), required=False,
                             error_messages={"invalid_choice": _("Select an idea from the list")})
    needs = NeedNumbersField()

    def __init__(self, *args, participants, ideas, **kwargs):
        super().__init__(*args, **kwargs)
        self._people = {str(p.person_id): p.person for p in participants}
        self._ideas = {str(i.pk): i for i in ideas}
        self.fields["owner"].choices = [("", _("Choose a person"))] + [
            (str(p.person_id), f"{p.person.display_name} ({p.get_participant_type_display()})") for p in participants
        ]
        self.fields["idea"].choices = [("", _("None"))] + [(str(i.pk), i.title) for i in ideas]

    def clean_owner(self):
        return self._people[self.cleaned_data["owner"]]

    def clean_idea(self):
        value = self.cleaned_data.get("idea")
        return self._ideas.get(value) if value else None

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(_("Due date must be today or in the future"))
        return due


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Progress"),
        error_messages={"required": _("Select the progress"), "invalid_choice": _("Select one of the options shown")},
    )
    note = forms.CharField(label=_("What has happened (optional)"), required=False, max_length=3000)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ACTION_TRANSITIONS.get(action.status, frozenset())
        labels = dict(ActionStatus.choices)
        if action.status == ActionStatus.DONE:
            labels[ActionStatus.IN_PROGRESS] = _("Reopen: not done after all")
        self.fields["status"].choices = [(s, labels[s]) for s in ActionStatus.values if s in allowed]
