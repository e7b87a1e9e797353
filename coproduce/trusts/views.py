"""Trust pages. Views name a permission; predicates decide; services change things."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import selectors, services
from .forms import CloseForm, EnrolForm, JoinForm, LeaveForm, ProposalForm, ResponseForm
from .models import Membership, Proposal, Response


def permission_required(perm: str, get_object):
    """Anonymous people are sent to sign in; signed-in people without the permission get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = get_object(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            request.permission_object = obj
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _trust(request, slug, **kwargs):
    return selectors.trust_get(slug=slug)


def _current_membership(request, slug):
    trust = selectors.trust_get(slug=slug)
    request.trust = trust
    return selectors.membership_current(trust=trust, user=request.user)


def _proposal(request, slug, pk):
    return selectors.proposal_get(trust=selectors.trust_get(slug=slug), pk=pk)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- public pages -------------------------------------------------------------------------------


def trust_list(request):
    trusts = list(selectors.trust_list())
    mine = {m.trust_id for m in selectors.trusts_of(user=request.user)}
    return render(request, "trusts/trust_list.html", {"trusts": trusts, "mine": mine})


def trust_detail(request, slug):
    trust = selectors.trust_get(slug=slug)
    membership = selectors.membership_current(trust=trust, user=request.user)
    user = request.user
    return render(request, "trusts/trust_detail.html", {
        "trust": trust,
        "area": services.area_text(trust),
        "classes": selectors.member_counts_by_class(trust=trust),
        "membership": membership,
        "board": list(selectors.board_list(trust=trust)) if membership else [],
        "board_size": selectors.board_list(trust=trust).count(),
        "can_see_register": user.is_authenticated and user.has_perm("trusts.view_register", trust),
        "can_enrol": user.is_authenticated and user.has_perm("trusts.enrol_membership", trust),
        "can_see_proposals": user.is_authenticated and user.has_perm("trusts.view_proposal", trust),
    })


# --- joining and leaving ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required("trusts.join_trust", _trust)
def trust_join(request, slug):
    trust = request.permission_object
    classes = [c for c in trust.member_classes.order_by("position", "name") if c.joinable_online]
    checks = [(c, services.membership_refusals(trust=trust, user=request.user, member_class=c)) for c in classes]
    form = JoinForm(request.POST if request.method == "POST" else None, classes=[c for c, _reasons in checks])
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_join(trust=trust, user=request.user, member_class=form.cleaned_data["member_class"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("You are now a member of %(trust)s.") % {"trust": trust.name})
            return redirect("trusts:trust_detail", slug=trust.slug)
    return render(request, "trusts/trust_join.html", {
        "trust": trust, "form": form, "checks": checks, "area": services.area_text(trust),
        "eligible_any": any(not reasons for _c, reasons in checks),
    })


@require_http_methods(["GET", "POST"])
@permission_required("trusts.end_membership", _current_membership)
def trust_leave(request, slug):
    membership = request.permission_object
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_leave(membership=membership, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("You have left %(trust)s.") % {"trust": request.trust.name})
            return redirect("trusts:trust_detail", slug=slug)
    return render(request, "trusts/trust_leave.html", {"trust": request.trust, "membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("trusts.enrol_membership", _trust)
def trust_enrol(request, slug):
    trust = request.permission_object
    classes = list(trust.member_classes.order_by("position", "name"))
    form = EnrolForm(request.POST if request.method == "POST" else None, classes=classes)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_enrol_in_person(
                trust=trust, user=form.cleaned_data["email"], member_class=form.cleaned_data["member_class"],
                officer=request.user, note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is now a member of %(trust)s.") % {
                "name": form.cleaned_data["email"].display_name, "trust": trust.name})
            return redirect("trusts:register", slug=trust.slug)
    return render(request, "trusts/trust_enrol.html", {"trust": trust, "form": form})


def _membership(request, slug, pk):
    trust = selectors.trust_get(slug=slug)
    return get_object_or_404(Membership.objects.select_related("trust", "user"), trust=trust, pk=pk)


@require_POST
@permission_required("trusts.end_membership", _membership)
def membership_end(request, slug, pk):
    """A trust officer records that someone has left (moved away, resigned by letter, died)."""
    membership = request.permission_object
    form = LeaveForm(request.POST)
    if form.is_valid() and form.cleaned_data["reason"].strip():
        try:
            services.membership_leave(membership=membership, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s's membership has ended.") % {"name": membership.user.display_name})
    else:
        messages.error(request, _("Say why the membership is ending"))
    return redirect("trusts:register", slug=slug)


# --- the register ------------------------------------------------------------------------------------


@permission_required("trusts.view_register", _trust)
def register(request, slug):
    trust = request.permission_object
    page = Paginator(selectors.register_list(trust=trust), 50).get_page(request.GET.get("page"))
    return render(request, "trusts/register.html", {
        "trust": trust, "page": page, "counts": selectors.member_counts_by_class(trust=trust),
        "can_end": request.user.has_perm("trusts.enrol_membership", trust),
    })


@permission_required("trusts.view_register", _trust)
def register_csv(request, slug):
    trust = request.permission_object
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{trust.slug}-register-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(["name", "email", "class", "joined", "left", "joined_via", "recorded_by", "left_reason"])
    for m in selectors.register_list(trust=trust).iterator(chunk_size=2000):
        writer.writerow([
            _csv_safe(m.user.full_name), m.user.email, m.member_class.name,
            timezone.localtime(m.joined_at).date().isoformat(),
            timezone.localtime(m.left_at).date().isoformat() if m.left_at else "",
            m.joined_via, _csv_safe(m.recorded_by.full_name) if m.recorded_by else "", _csv_safe(m.left_reason),
        ])
    return response


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet treating a name like "=HYPERLINK(…)" as a formula."""
    return "'" + text if text and text[0] in "=+-@\t\r" else text


# --- decisions -------------------------------------------------------------------------------------------


@permission_required("trusts.view_proposal", _trust)
def proposal_list(request, slug):
    trust = request.permission_object
    page = Paginator(selectors.proposal_list(trust=trust), 20).get_page(request.GET.get("page"))
    return render(request, "trusts/proposal_list.html", {
        "trust": trust, "page": page, "now": timezone.now(),
        "can_add": request.user.has_perm("trusts.add_proposal", trust),
    })


@require_http_methods(["GET", "POST"])
@permission_required("trusts.add_proposal", _trust)
def proposal_new(request, slug):
    trust = request.permission_object
    form = ProposalForm(request.POST if request.method == "POST" else None, initial={"quorum_percent": trust.default_quorum_percent})
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.proposal_create(
                trust=trust, author=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                closes_at=form.closes_at(), quorum_percent=form.cleaned_data["quorum_percent"],
            )
        except ValidationError as exc:
            _apply_errors(form, _map_closes(exc))
        else:
            messages.success(request, _("The proposal is open to members."))
            return redirect("trusts:proposal_detail", slug=trust.slug, pk=proposal.pk)
    return render(request, "trusts/proposal_new.html", {"trust": trust, "form": form})


def _map_closes(exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict") and "closes_at" in exc.error_dict:
        exc.error_dict["closes_on"] = exc.error_dict.pop("closes_at")
    return exc


@permission_required("trusts.view_proposal", _proposal)
def proposal_detail(request, slug, pk):
    proposal = request.permission_object
    own = proposal.responses.filter(user=request.user).first()
    form = ResponseForm(initial={"position": own.position, "reason": own.reason} if own else None)
    return _proposal_page(request, proposal, form, own)


def _proposal_page(request, proposal, form, own, status=200):
    can_respond = proposal.is_open_for_responses() and request.user.has_perm("trusts.respond_proposal", proposal)
    can_close = (
        proposal.status == proposal.Status.OPEN and timezone.now() >= proposal.closes_at
        and request.user.has_perm("trusts.close_proposal", proposal)
    )
    current = services.proposal_count(proposal=proposal) if proposal.status == proposal.Status.OPEN else None
    return render(request, "trusts/proposal_detail.html", {
        "trust": proposal.trust, "proposal": proposal, "form": form, "own": own, "can_respond": can_respond,
        "can_close": can_close, "current": current.as_dict() if current else None,
        "tally": proposal.tally or None, "positions": Response.Position,
    }, status=status)


@require_http_methods(["POST"])
@permission_required("trusts.respond_proposal", _proposal)
def proposal_respond(request, slug, pk):
    proposal = request.permission_object
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_respond(
                proposal=proposal, user=request.user, position=form.cleaned_data["position"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Your response has been recorded. You can change it until the proposal closes."))
            return redirect("trusts:proposal_detail", slug=slug, pk=pk)
    own = proposal.responses.filter(user=request.user).first()
    return _proposal_page(request, proposal, form, own, status=400)


@require_http_methods(["GET", "POST"])
@permission_required("trusts.close_proposal", _proposal)
def proposal_close(request, slug, pk):
    proposal = request.permission_object
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_close(
                proposal=proposal, actor=request.user, outcome_statement=form.cleaned_data["outcome_statement"],
                review_on=form.cleaned_data["review_on"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The outcome has been published to members."))
            return redirect("trusts:proposal_detail", slug=slug, pk=pk)
    count = services.proposal_count(proposal=proposal).as_dict()
    return render(request, "trusts/proposal_close.html", {
        "trust": proposal.trust, "proposal": proposal, "form": form, "count": count,
        "outcome_label": Proposal.Outcome(count["outcome"]).label,
    })
