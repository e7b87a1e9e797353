"""Pages for co-production: collaboratives, meetings, registration, and the organisers' pages
for participants, attendance (which pays time credits), minutes, ideas and actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from coproduce.timebank.credits import format_credits

from . import selectors, services
from .forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    CollaborativeForm,
    IdeaForm,
    JoinForm,
    MeetingForm,
    MinutesForm,
    ParticipantForm,
    RegisterForm,
)
from .models import Collaborative

PAGE_SIZE = 25


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- collaboratives ------------------------------------------------------------------------------

def collaborative_list(request):
    return render(request, "coproduction/collaborative_list.html", {
        "collaboratives": list(selectors.collaborative_list()),
        "can_create": request.user.has_perm("coproduction.create_collaborative"),
    })


def collaborative_detail(request, slug: str):
    collaborative = selectors.collaborative_get(slug=slug)
    user = request.user
    return render(request, "coproduction/collaborative_detail.html", {
        "collaborative": collaborative,
        "counts": selectors.participant_counts(collaborative=collaborative),
        "upcoming": list(selectors.meetings_upcoming(collaborative=collaborative)),
        "past": list(selectors.meetings_past(collaborative=collaborative)[:12]),
        "actions": list(selectors.open_actions(collaborative=collaborative)[:10]),
        "action_counts": selectors.action_counts(collaborative=collaborative),
        "participation": selectors.participation_of(collaborative=collaborative, user=user),
        "can_join": user.has_perm("coproduction.join_collaborative", collaborative),
        "is_organiser": user.has_perm("coproduction.schedule_meeting", collaborative),
        "today": timezone.localdate(),
    })


class CollaborativeCreateView(PermissionRequiredMixin, View):
    permission_required = "coproduction.create_collaborative"
    template_name = "coproduction/collaborative_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CollaborativeForm()})

    def post(self, request):
        form = CollaborativeForm(request.POST)
        if form.is_valid():
            try:
                collaborative = services.collaborative_create(created_by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Collaborative set up. You are its first organiser."))
                return redirect(collaborative)
        return render(request, self.template_name, {"form": form})


class CollaborativeObjectMixin:
    @cached_property
    def collaborative(self) -> Collaborative:
        return selectors.collaborative_get(slug=self.kwargs["slug"])

    def get_permission_object(self):
        return self.collaborative


class JoinView(CollaborativeObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.join_collaborative"
    template_name = "coproduction/join.html"

    def get(self, request, slug):
        return render(request, self.template_name, {"collaborative": self.collaborative, "form": JoinForm()})

    def post(self, request, slug):
        collaborative = self.collaborative
        if "leave" in request.POST:
            try:
                left = services.participant_leave(collaborative=collaborative, person=request.user)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("You have left this collaborative.") if left
                                 else _("You were not taking part, so nothing changed."))
            return redirect(collaborative)
        form = JoinForm(request.POST)
        if form.is_valid():
            try:
                services.participant_join(collaborative=collaborative, person=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("You now take part in %(name)s.") % {"name": collaborative.name})
                return redirect(collaborative)
        return render(request, self.template_name, {"collaborative": collaborative, "form": form})


class ParticipantsView(CollaborativeObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.manage_participants"
    template_name = "coproduction/participants.html"

    def _render(self, request, form):
        return render(request, self.template_name, {
            "collaborative": self.collaborative, "form": form,
            "participants": list(selectors.participant_list(collaborative=self.collaborative)),
        })

    def get(self, request, slug):
        return self._render(request, ParticipantForm())

    def post(self, request, slug):
        form = ParticipantForm(request.POST)
        if form.is_valid():
            try:
                services.participant_set(
                    collaborative=self.collaborative, person=form.person, actor=request.user,
                    participant_type=form.cleaned_data["participant_type"],
                    is_organiser=form.cleaned_data["is_organiser"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s's participation is recorded.") % {"name": form.person.display_name})
                return redirect("coproduction:participants", slug=self.collaborative.slug)
        return self._render(request, form)


class MeetingCreateView(CollaborativeObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.schedule_meeting"
    template_name = "coproduction/meeting_form.html"

    def get(self, request, slug):
        return render(request, self.template_name, {"collaborative": self.collaborative, "form": MeetingForm()})

    def post(self, request, slug):
        form = MeetingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(
                    collaborative=self.collaborative, organiser=request.user, title=data["title"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], venue=data["venue"],
                    online_url=data["online_url"], accessibility=data["accessibility"], agenda=data["agenda"],
                    capacity=data["capacity"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Meeting scheduled. People can now register."))
                return redirect(meeting)
        return render(request, self.template_name, {"collaborative": self.collaborative, "form": form})


# --- meetings ------------------------------------------------------------------------------------

def meeting_detail(request, pk: int):
    meeting = selectors.meeting_get(pk=pk)
    user = request.user
    registration = selectors.registration_for(meeting=meeting, user=user)
    is_organiser = user.has_perm("coproduction.view_registrations", meeting)
    ideas, actions = selectors.meeting_outcomes(meeting=meeting)
    return render(request, "coproduction/meeting_detail.html", {
        "meeting": meeting,
        "collaborative": meeting.collaborative,
        "registration": registration,
        "places_left": max(meeting.capacity - meeting.registered_count, 0),
        "started": meeting.has_started(),
        "can_register": user.has_perm("coproduction.register_meeting", meeting),
        "is_organiser": is_organiser,
        "show_online_link": bool(registration) or is_organiser,
        "ideas": ideas,
        "actions": actions,
        "today": timezone.localdate(),
    })


class MeetingObjectMixin:
    @cached_property
    def meeting(self):
        return selectors.meeting_get(pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.meeting


class RegisterView(MeetingObjectMixin, PermissionRequiredMixin, View):
    """GET: the form with access needs. POST: register, or (with `cancel`) give up the place."""

    permission_required = "coproduction.register_meeting"
    template_name = "coproduction/register.html"

    def _render(self, request, form):
        meeting = self.meeting
        return render(request, self.template_name, {
            "meeting": meeting, "form": form,
            "places_left": max(meeting.capacity - meeting.registered_count, 0),
            "registration": selectors.registration_for(meeting=meeting, user=request.user),
        })

    def get(self, request, pk):
        return self._render(request, RegisterForm(initial={"access_needs": request.user.accessibility_needs}))

    def post(self, request, pk):
        meeting = self.meeting
        if "cancel" in request.POST:
            try:
                cancelled = services.registration_cancel(meeting=meeting, person=request.user)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("Your place is cancelled.") if cancelled
                                 else _("You were not registered, so nothing changed."))
            return redirect(meeting)
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_register(meeting=meeting, person=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("You are registered for %(title)s.") % {"title": meeting.title})
                return redirect(meeting)
        return self._render(request, form)


class RegistrationsView(MeetingObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.view_registrations"

    def get(self, request, pk):
        registrations = list(selectors.registrations_for_organisers(meeting=self.meeting))
        return render(request, "coproduction/registrations.html", {
            "meeting": self.meeting, "registrations": registrations,
            "with_needs": sum(1 for r in registrations if r.access_needs),
        })


class AttendanceView(MeetingObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.mark_attendance"
    template_name = "coproduction/attendance.html"

    def _render(self, request, form):
        current = list(selectors.attendance_current(meeting=self.meeting))
        return render(request, self.template_name, {
            "meeting": self.meeting, "form": form, "started": self.meeting.has_started(),
            "attendances": current,
            "credits_each": format_credits(int(services.timebank.credits_for_rule(
                rule=services.ATTENDANCE_RULE, quantity=self.meeting.duration_hours) * 100)),
        })

    def _form(self, data=None):
        candidates = list(selectors.attendance_candidates(meeting=self.meeting))
        current = [str(a.person_id) for a in selectors.attendance_current(meeting=self.meeting)]
        return AttendanceForm(data, candidates=candidates, initial={"present": current})

    def get(self, request, pk):
        return self._render(request, self._form())

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                marked, unmarked = services.attendance_set(
                    meeting=self.meeting, present_ids=form.cleaned_data["present"], organiser=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if marked or unmarked:
                    messages.success(request, _("Attendance saved: %(marked)s marked and paid, %(unmarked)s corrected.")
                                     % {"marked": marked, "unmarked": unmarked})
                else:
                    messages.info(request, _("No changes to attendance."))
                return redirect("coproduction:attendance", pk=self.meeting.pk)
        return self._render(request, form)


class MinutesView(MeetingObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.record_minutes"
    template_name = "coproduction/minutes_form.html"

    def get(self, request, pk):
        form = MinutesForm(initial={"minutes": self.meeting.minutes})
        return render(request, self.template_name, {"meeting": self.meeting, "form": form})

    def post(self, request, pk):
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.minutes_record(meeting=self.meeting, minutes=form.cleaned_data["minutes"], actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Minutes published."))
                return redirect(self.meeting)
        return render(request, self.template_name, {"meeting": self.meeting, "form": form})


class IdeaAddView(MeetingObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.record_idea"
    template_name = "coproduction/idea_form.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"meeting": self.meeting, "form": IdeaForm()})

    def post(self, request, pk):
        form = IdeaForm(request.POST)
        if form.is_valid():
            try:
                services.idea_record(meeting=self.meeting, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Idea recorded."))
                return redirect(self.meeting)
        return render(request, self.template_name, {"meeting": self.meeting, "form": form})


class ActionAddView(MeetingObjectMixin, PermissionRequiredMixin, View):
    permission_required = "coproduction.record_action"
    template_name = "coproduction/action_form.html"

    def _form(self, data=None):
        participants = list(selectors.participant_list(collaborative=self.meeting.collaborative))
        ideas = list(self.meeting.ideas.order_by("created_at", "id"))
        return ActionForm(data, participants=participants, ideas=ideas)

    def get(self, request, pk):
        return render(request, self.template_name, {"meeting": self.meeting, "form": self._form()})

    def post(self, request, pk):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                services.action_record(collaborative=self.meeting.collaborative, meeting=self.meeting,
                                       actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Action recorded. It stays on the open actions list until it is done."))
                return redirect(self.meeting)
        return render(request, self.template_name, {"meeting": self.meeting, "form": form})


# --- actions -------------------------------------------------------------------------------------

def action_list(request):
    """Open actions across every collaborative (or one), soonest due first."""
    collaboratives = list(Collaborative.objects.order_by("name").only("id", "name", "slug"))
    chosen = next((c for c in collaboratives if c.slug == request.GET.get("collaborative")), None)
    page = Paginator(selectors.open_actions(collaborative=chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coproduction/action_list.html", {
        "page": page, "collaboratives": collaboratives, "chosen": chosen, "today": timezone.localdate(),
        "unknown_collaborative": bool(request.GET.get("collaborative")) and chosen is None,
    })


def action_detail(request, pk: int):
    action = selectors.action_get(pk=pk)
    return render(request, "coproduction/action_detail.html", {
        "action": action,
        "updates": list(action.updates.order_by("created_at", "id")),
        "needs": list(action.needs.only("id", "title", "status")),
        "can_update": request.user.has_perm("coproduction.update_action", action),
        "is_owner": request.user.is_authenticated and action.owner_id == request.user.pk,
        "today": timezone.localdate(),
    })


class ActionUpdateView(PermissionRequiredMixin, View):
    permission_required = "coproduction.update_action"
    template_name = "coproduction/action_update.html"

    @cached_property
    def action(self):
        return selectors.action_get(pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.action

    def get(self, request, pk):
        return render(request, self.template_name, {"action": self.action, "form": ActionStatusForm(action=self.action)})

    def post(self, request, pk):
        form = ActionStatusForm(request.POST, action=self.action)
        if form.is_valid():
            try:
                services.action_update_status(action=self.action, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Progress recorded."))
                return redirect(self.action)
        return render(request, self.template_name, {"action": self.action, "form": form})
