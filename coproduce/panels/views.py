"""Pages of representative panels. Views name a permission, call a service and render."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import CancelForm, PanelForm, QuotaForm, ResponseForm, VolunteerForm
from .models import FailureKind, Invitation, InvitationStatus, Panel, PanelStatus, SelectionState


def _panel(slug: str) -> Panel:
    try:
        return selectors.panel_get(slug=slug)
    except Panel.DoesNotExist:
        raise Http404


def require_perm(perm: str, obj=None):
    """Anonymous people go to sign in; signed-in people without the permission get a 403.
    `obj(request, panel)` gives the object the permission is checked against (default: the panel)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, slug=None, **kwargs):
            panel = _panel(slug) if slug is not None else None
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            target = obj(request, panel, **kwargs) if obj is not None else panel
            if not request.user.has_perm(perm, target):
                raise PermissionDenied
            if panel is not None:
                kwargs["panel"] = panel
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _errors_onto(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages[0])
    else:
        for message in exc.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------- public pages


def panel_list(request):
    panels = list(selectors.panel_list())
    today = timezone.localdate()
    return render(request, "panels/panel_list.html", {
        "recruiting": [p for p in panels if p.is_open_for_volunteers(today)],
        "others": [p for p in panels if not p.is_open_for_volunteers(today)],
        "can_add": request.user.has_perm("panels.add_panel"),
    })


def panel_detail(request, slug):
    panel = _panel(slug)
    if panel.status == PanelStatus.CANCELLED and not request.user.has_perm("panels.change_panel", panel):
        raise Http404
    user = request.user
    return render(request, "panels/panel_detail.html", {
        "panel": panel,
        "questions": selectors.questions(panel),
        "pool": selectors.pool_size(panel),
        "volunteer": selectors.volunteer_for(panel=panel, user=user),
        "invitation": selectors.invitation_for(panel=panel, user=user),
        "open": panel.is_open_for_volunteers(),
        "can_manage": user.has_perm("panels.change_panel", panel),
        "has_result": hasattr(panel, "selection"),
    })


def panel_result(request, slug):
    panel = _panel(slug)
    outcome = getattr(panel, "selection", None)
    if outcome is None:
        raise Http404
    rows = selectors.result_rows(outcome)
    return render(request, "panels/result.html", {
        "panel": panel, "outcome": outcome, "rows": rows,
        "chart": selectors.probability_chart(rows, size=outcome.panel_size),
        "equal_share": outcome.panel_size / outcome.pool_size if outcome.pool_size else 0,
        "max_probability": max((r.probability for r in rows), default=0),
        "fulfilment": selectors.fulfilment_by_feature(outcome),
        "seed_matches": selectors.seed_matches(outcome),
        "invitations": selectors.invitations(panel),
        "places": selectors.places_summary(panel),
    })


def lottery_json(request, slug):
    panel = _panel(slug)
    outcome = getattr(panel, "selection", None)
    if outcome is None:
        raise Http404
    response = JsonResponse(selectors.lottery_document(panel, outcome), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{panel.slug}-lottery.json"'
    return response


# ---------------------------------------------------------------- volunteering


@require_perm("panels.add_volunteer")
@require_http_methods(["GET", "POST"])
def volunteer(request, panel):
    problem = services.volunteer_problem(panel=panel, user=request.user)
    if problem:
        return render(request, "panels/cannot_volunteer.html", {"panel": panel, "reason": problem})
    if request.method == "POST":
        form = VolunteerForm(request.POST, panel=panel)
        if form.is_valid():
            try:
                joined = services.volunteer_register(panel=panel, user=request.user, answers=form.answers(),
                                                     consent=form.cleaned_data["consent"])
            except services.PanelError as exc:
                return render(request, "panels/cannot_volunteer.html", {"panel": panel, "reason": str(exc)})
            except ValidationError as exc:
                _errors_onto(form, exc)
            else:
                messages.success(request, _("Thank you for volunteering. Your volunteer number is %(number)s.")
                                 % {"number": joined.number})
                return redirect("panels:panel_detail", slug=panel.slug)
    else:
        form = VolunteerForm(initial=services.suggested_answers(panel=panel, user=request.user), panel=panel)
    return render(request, "panels/volunteer_form.html", {"panel": panel, "form": form})


def _own_volunteering(request, panel, **kwargs):
    return selectors.volunteer_for(panel=panel, user=request.user)


@require_perm("panels.delete_volunteer", obj=_own_volunteering)
@require_http_methods(["GET", "POST"])
def volunteer_withdraw(request, panel):
    mine = selectors.volunteer_for(panel=panel, user=request.user)
    error = ""
    if request.method == "POST":
        try:
            services.volunteer_withdraw(volunteer=mine, user=request.user)
        except services.PanelError as exc:
            error = str(exc)
        else:
            messages.success(request, _("You have withdrawn, and your answers have been erased."))
            return redirect("panels:panel_detail", slug=panel.slug)
    return render(request, "panels/withdraw.html", {"panel": panel, "volunteer": mine, "error": error})


def _own_invitation(request, panel, **kwargs):
    return selectors.invitation_for(panel=panel, user=request.user)


@require_perm("panels.respond_invitation", obj=_own_invitation)
@require_http_methods(["GET", "POST"])
def invitation(request, panel):
    mine = selectors.invitation_for(panel=panel, user=request.user)
    if mine is None:
        raise Http404
    form = ResponseForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.invitation_respond(invitation=mine, user=request.user, accept=accept)
        except services.PanelError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Thank you. You have accepted your place on the panel.") if accept else
                             _("Thank you for letting us know. Your place has been offered to someone else."))
            return redirect("panels:panel_detail", slug=panel.slug)
    return render(request, "panels/invitation.html", {"panel": panel, "invitation": mine, "form": form,
                                                      "error": error})


# ---------------------------------------------------------------- officers


@require_perm("panels.add_panel")
@require_http_methods(["GET", "POST"])
def panel_create(request):
    form = PanelForm(request.POST or None, initial={"algorithm": "leximin", "one_per_household": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            panel = services.panel_create(
                user=request.user, title=data["title"], purpose=data["purpose"], size=data["size"],
                closes_on=data["closes_on"], ends_on=data["ends_on"], feature_keys=data["feature_keys"],
                min_age=data["min_age"], max_age=data["max_age"], algorithm=data["algorithm"],
                one_per_household=data["one_per_household"], attached_to=data["attached_to"])
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("Recruitment is open. Now set the quotas."))
            return redirect("panels:panel_quotas", slug=panel.slug)
    return render(request, "panels/panel_form.html", {"form": form})


@require_perm("panels.change_panel")
@require_http_methods(["GET", "POST"])
def panel_quotas(request, panel):
    editable = services.quotas_editable(panel)
    form = QuotaForm(request.POST or None, panel=panel)
    if request.method == "POST" and editable and form.is_valid():
        try:
            services.panel_set_quotas(panel=panel, user=request.user, size=form.cleaned_data["size"],
                                      quotas=form.quotas())
        except ValidationError as exc:
            _errors_onto(form, exc)
        except services.PanelError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The size and quotas have been saved."))
            return redirect("panels:panel_manage", slug=panel.slug)
    return render(request, "panels/quotas_form.html", {
        "panel": panel, "form": form, "editable": editable, "counts": selectors.answer_counts(panel),
        "pool": selectors.pool_size(panel),
    })


@require_perm("panels.change_panel")
@require_http_methods(["GET", "POST"])
def panel_manage(request, panel):
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                services.panel_close(panel=panel, user=request.user)
                messages.success(request, _("Recruitment is closed and the seed's hash is published."))
            elif action == "select":
                services.selection_request(panel=panel, user=request.user)
            elif action == "end":
                services.panel_end(panel=panel, user=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("The panel has finished and the volunteers' answers are erased."))
            else:
                raise services.PanelError(_("Choose something to do."))
        except services.PanelError as exc:
            error = str(exc)
        else:
            return redirect("panels:panel_manage", slug=panel.slug)
        panel = _panel(panel.slug)
    panel.refresh_from_db()
    counts = selectors.answer_counts(panel)
    today = timezone.localdate()
    return render(request, "panels/manage.html", {
        "panel": panel, "error": error, "pool": selectors.pool_size(panel),
        "questions": selectors.questions(panel), "counts": counts,
        "can_close": panel.status == PanelStatus.RECRUITING and today > panel.closes_on,
        "can_select": panel.status == PanelStatus.CLOSED and not services.selection_in_progress(panel)
        and not (panel.selection_state == SelectionState.FAILED and panel.selection_failure == FailureKind.QUOTAS),
        "running": panel.status == PanelStatus.CLOSED and services.selection_in_progress(panel),
        "quotas_editable": services.quotas_editable(panel),
        "invitations": selectors.invitations(panel) if request.user.has_perm("panels.view_invitations", panel) else [],
        "places": selectors.places_summary(panel),
        "can_cancel": panel.status in (PanelStatus.RECRUITING, PanelStatus.CLOSED),
    })


@require_perm("panels.change_panel")
@require_http_methods(["GET", "POST"])
def panel_cancel(request, panel):
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_cancel(panel=panel, user=request.user, reason=form.cleaned_data["reason"])
        except services.PanelError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, _("The panel is cancelled and the volunteers' answers are erased."))
            return redirect("panels:panel_manage", slug=panel.slug)
    return render(request, "panels/cancel.html", {"panel": panel, "form": form})


def _invitation_by_pk(request, panel, pk, **kwargs):
    return get_object_or_404(Invitation.objects.select_related("volunteer"), panel=panel, pk=pk)


@require_perm("panels.respond_invitation", obj=_invitation_by_pk)
@require_POST
def invitation_record(request, panel, pk):
    """An officer records a reply given by phone, letter or in person."""
    target = _invitation_by_pk(request, panel, pk)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline") or target.status == InvitationStatus.DECLINED:
        messages.error(request, _("Choose whether the person accepted or declined."))
        return redirect("panels:panel_manage", slug=panel.slug)
    try:
        services.invitation_respond(invitation=target, user=request.user, accept=answer == "accept")
    except services.PanelError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Reply recorded for volunteer %(number)s.") % {"number": target.volunteer.number})
    return redirect("panels:panel_manage", slug=panel.slug)
