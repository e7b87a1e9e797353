"""Pages of neighbourhood budgets. Views name a permission, call a service and render."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coproduce.accounts.models import User

from . import counting, selectors, services
from .ballots import BallotProblem, choices_from_post
from .forms import (
    DeliveryForm,
    IdeaForm,
    MilestoneForm,
    PaperVoterForm,
    ProcessForm,
    ProposalForm,
    ReceiptForm,
    ReviewForm,
    RuleForm,
)
from .models import BallotType, Count, Process, Project, ProjectStatus
from .phases import PHASE_TYPES, Action, PhaseKind, is_before, phase_allows
from .predicates import member_problem, voter_problem

# The receipt code goes from the vote to the receipt page in a signed cookie bound to the voter,
# sent only to that page and deleted as it is shown, so it is never written to the database
# (ADR 0407). Ten minutes is ample for a redirect.
RECEIPT_COOKIE = "budgeting_receipt"
RECEIPT_COOKIE_MAX_AGE = 600


def _receipt_salt(user) -> str:
    return f"coproduce.budgeting.receipt:{user.pk}"


def _process(request, slug, *args, **kwargs) -> Process:
    try:
        return selectors.process_get(slug=slug)
    except Process.DoesNotExist:
        raise Http404


def _process_for_voting(request, slug, *args, **kwargs) -> Process:
    """As _process, also noting whether the signed-in person has voted (one query fewer per page)."""
    try:
        return selectors.process_for_voting(slug=slug, user=request.user)
    except Process.DoesNotExist:
        raise Http404


def require_perm(perm: str, *, with_process: bool = True, denied_template: str | None = None, load=_process):
    """Anonymous people go to sign in; signed-in people without the permission get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = load(request, *args, **kwargs) if with_process else None
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm, obj):
                if denied_template and obj is not None:
                    reason = voter_problem(request.user, obj) or member_problem(request.user, obj) or ""
                    return render(request, denied_template, {"process": obj, "reason": reason}, status=403)
                raise PermissionDenied
            if with_process:
                kwargs["process"] = obj
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _closed(request, process: Process, message: str, status: int = 200):
    return render(request, "budgeting/closed.html", {"process": process, "message": message}, status=status)


def _form_errors_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else str(error))
    else:
        for message in exc.messages:
            form.add_error(None, message)


# ---------------------------------------------------------------- public pages


def process_list(request):
    processes = list(selectors.process_list())
    rows = [{"process": p, "phase": selectors.process_phase(p)} for p in processes]
    return render(request, "budgeting/process_list.html", {
        "rows": rows, "can_add": request.user.has_perm("budgeting.add_process"),
    })


def process_detail(request, slug):
    process = _process(request, slug)
    phase = selectors.process_phase(process)
    projects = list(selectors.project_list(process=process))
    user = request.user
    return render(request, "budgeting/process_detail.html", {
        "process": process, "phase": phase, "phase_type": PHASE_TYPES[phase] if phase else None,
        "timeline": selectors.phase_timeline(process),
        "ideas": [p for p in projects if p.status == ProjectStatus.IDEA],
        "proposals": [p for p in projects if p.status == ProjectStatus.PROPOSAL],
        "on_ballot": [p for p in projects if p.status == ProjectStatus.FEASIBLE],
        "not_feasible": [p for p in projects if p.status == ProjectStatus.NOT_FEASIBLE],
        "can_idea": phase_allows(phase, Action.SUBMIT_IDEA),
        "can_propose": phase_allows(phase, Action.PROPOSE_PROJECT),
        "voting_open": phase == PhaseKind.VOTING,
        "has_voted": selectors.has_voted(process=process, user=user),
        "is_officer": user.has_perm("budgeting.change_process", process),
        "rule_open": is_before(phase, PhaseKind.VOTING),
        "engine_rule": counting.engine_rule(process),
        "ballots_public": selectors.ballots_are_public(process),
        "results": selectors.published_count(process) is not None,
        "turnout": selectors.turnout(process) if not is_before(phase, PhaseKind.VOTING) else None,
    })


def project_detail(request, slug, pb_id):
    process = _process(request, slug)
    try:
        project = selectors.project_get(process=process, pb_id=pb_id)
    except Project.DoesNotExist:
        raise Http404
    phase = selectors.process_phase(process)
    return render(request, "budgeting/project_detail.html", {
        "process": process, "project": project, "phase": phase,
        "can_review": phase_allows(phase, Action.REVIEW_PROJECT) and request.user.has_perm("budgeting.review_project", process)
        and project.status != ProjectStatus.IDEA,
        "can_deliver": project.funded and request.user.has_perm("budgeting.change_delivery", process),
        "milestones": list(project.milestones.all()),
        "updates": list(project.delivery_updates.all()[:20]),
    })


# ---------------------------------------------------------------- setting up


@require_perm("budgeting.add_process", with_process=False)
@require_http_methods(["GET", "POST"])
def process_create(request):
    form = ProcessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slug = data["slug"] or "budget"
        base, n = slug, 2
        while Process.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        try:
            process = services.process_create(
                user=request.user, title=data["title"], slug=slug, description=data["description"],
                scope=data["scope"], ward=data["ward"], neighbourhood=data["neighbourhood"], trust=data["trust"],
                budget=data["budget"],
                ballot_type=data["ballot_type"], min_projects=data.get("min_projects") or 1,
                max_projects=data.get("max_projects"), points=data.get("points"), min_age=data.get("min_age"),
                rule=data["rule"], phase_starts=data["phase_starts"], categories=data["categories"],
            )
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("The budget process has been set up."))
            return redirect("budgeting:process_detail", slug=process.slug)
    return render(request, "budgeting/process_form.html", {"form": form})


@require_perm("budgeting.change_process")
@require_http_methods(["GET", "POST"])
def process_rule(request, slug, process):
    phase = selectors.process_phase(process)
    if not is_before(phase, PhaseKind.VOTING):
        return _closed(request, process, _("The counting rule cannot change once voting has opened."))
    form = RuleForm(request.POST or None, initial={"rule": process.rule})
    if request.method == "POST" and form.is_valid():
        try:
            services.process_choose_rule(process=process, user=request.user, rule=form.cleaned_data["rule"])
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("The counting rule has been published."))
            return redirect("budgeting:process_detail", slug=process.slug)
    return render(request, "budgeting/rule_form.html", {"process": process, "form": form})


# ---------------------------------------------------------------- ideas, proposals, review


@require_perm("budgeting.add_project", denied_template="budgeting/not_eligible.html")
@require_http_methods(["GET", "POST"])
def idea_create(request, slug, process):
    if not phase_allows(selectors.process_phase(process), Action.SUBMIT_IDEA):
        return _closed(request, process, _("This budget is not collecting ideas at the moment."))
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.idea_submit(process=process, user=request.user, **form.cleaned_data)
        except services.BudgetingError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Thank you. Your idea has been published."))
            return redirect("budgeting:project_detail", slug=process.slug, pb_id=project.pb_id)
    return render(request, "budgeting/idea_form.html", {"process": process, "form": form})


@require_perm("budgeting.add_project", denied_template="budgeting/not_eligible.html")
@require_http_methods(["GET", "POST"])
def project_propose(request, slug, process):
    if not phase_allows(selectors.process_phase(process), Action.PROPOSE_PROJECT):
        return _closed(request, process, _("This budget is not taking project proposals at the moment."))
    ideas = list(selectors.ideas_for(process=process))
    initial = {"idea": request.GET.get("idea", "")}
    form = ProposalForm(request.POST or None, process=process, ideas=ideas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_propose(process=process, user=request.user, **form.cleaned_data)
        except services.BudgetingError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Thank you. Your project has been proposed. Officers will cost it and check it can be done."))
            return redirect("budgeting:project_detail", slug=process.slug, pb_id=project.pb_id)
    return render(request, "budgeting/proposal_form.html", {"process": process, "form": form})


@require_perm("budgeting.review_project")
@require_http_methods(["GET", "POST"])
def project_review(request, slug, pb_id, process):
    project = get_object_or_404(Project, process=process, pb_id=pb_id)
    if not phase_allows(selectors.process_phase(process), Action.REVIEW_PROJECT):
        return _closed(request, process, _("Projects can only be reviewed in the review phase."))
    initial = {}
    if project.status in (ProjectStatus.FEASIBLE, ProjectStatus.NOT_FEASIBLE):
        initial = {"feasible": "yes" if project.status == ProjectStatus.FEASIBLE else "no",
                   "cost": str((project.cost or 0) // 100) if project.cost else "", "reasons": project.feasibility_reasons}
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_review(project=project, user=request.user, feasible=data["feasible"] == "yes",
                                    cost=data.get("cost"), reasons=data["reasons"])
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("The review has been published."))
            return redirect("budgeting:project_detail", slug=process.slug, pb_id=project.pb_id)
    return render(request, "budgeting/review_form.html", {"process": process, "project": project, "form": form})


# ---------------------------------------------------------------- voting


def _ballot_context(process: Process, chosen: dict[str, int] | None = None) -> dict:
    projects = list(selectors.ballot_projects(process))
    return {"projects": projects, "chosen": chosen or {}, "BallotType": BallotType}


@require_perm("budgeting.vote_process", denied_template="budgeting/not_eligible.html", load=_process_for_voting)
@require_http_methods(["GET", "POST"])
def vote(request, slug, process):
    if selectors.process_phase(process) != PhaseKind.VOTING:
        return _closed(request, process, _("Voting is not open for this budget."))
    if selectors.has_voted(process=process, user=request.user):
        return render(request, "budgeting/already_voted.html", {"process": process})
    error = None
    chosen: dict[str, int] = {}
    if request.method == "POST":
        try:
            chosen = choices_from_post(process, request.POST)
            cast = services.vote_cast(process=process, user=request.user, choices=chosen)
        except BallotProblem as exc:
            error = str(exc)
        except services.BudgetingError as exc:
            error = str(exc)
        else:
            receipt_path = reverse("budgeting:vote_receipt", kwargs={"slug": process.slug})
            response = redirect(receipt_path)
            token = signing.dumps({"slug": process.slug, "code": cast.receipt_code, "ballot_id": cast.ballot_id},
                                  salt=_receipt_salt(request.user))
            response.set_cookie(RECEIPT_COOKIE, token, max_age=RECEIPT_COOKIE_MAX_AGE, path=receipt_path,
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Strict")
            return response
    return render(request, "budgeting/vote.html", {"process": process, "error": error,
                                                   **_ballot_context(process, chosen)})


def vote_receipt(request, slug):
    """Shows the receipt code once, to the voter who cast it: its cookie is deleted as it is shown."""
    process = _process(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        receipt = signing.loads(request.COOKIES.get(RECEIPT_COOKIE, ""), salt=_receipt_salt(request.user),
                                max_age=RECEIPT_COOKIE_MAX_AGE)
    except signing.BadSignature:  # none, someone else's, altered or expired
        receipt = None
    if not isinstance(receipt, dict) or receipt.get("slug") != process.slug:
        response = render(request, "budgeting/receipt_gone.html", {"process": process})
    else:
        response = render(request, "budgeting/receipt.html", {"process": process, "receipt": receipt})
    response["Cache-Control"] = "no-store"
    if RECEIPT_COOKIE in request.COOKIES:
        response.delete_cookie(RECEIPT_COOKIE, path=request.path, samesite="Strict")
    return response


@require_http_methods(["GET", "POST"])
def ballot_check(request, slug):
    """Anyone with a receipt code can see that ballot; its voter can change it while voting is open."""
    process = _process(request, slug)
    form = ReceiptForm(request.POST or None)
    ballot = None
    if request.method == "POST" and form.is_valid():
        ballot = selectors.ballot_by_receipt(process=process, code=form.cleaned_data["code"])
        if ballot is None:
            form.add_error("code", _("We could not find a ballot with that receipt code. Check the code and try again."))
    phase = selectors.process_phase(process)
    can_change = (
        ballot is not None and phase == PhaseKind.VOTING and request.user.is_authenticated
        and selectors.has_voted(process=process, user=request.user)
    )
    projects = {p.pb_id: p for p in selectors.ballot_projects(process)}
    context = {"process": process, "form": form, "ballot": ballot, "can_change": can_change, "phase": phase,
               "ballot_rows": [(projects.get(pid), pid, pts) for pid, pts in (ballot.choices.items() if ballot else [])]}
    if can_change:
        context.update(_ballot_context(process, dict(ballot.choices)))
        context["code"] = form.cleaned_data["code"]
    response = render(request, "budgeting/ballot_check.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_perm("budgeting.vote_process", denied_template="budgeting/not_eligible.html")
@require_http_methods(["POST"])
def ballot_change(request, slug, process):
    code = str(request.POST.get("code", ""))
    chosen: dict[str, int] = {}
    try:
        chosen = choices_from_post(process, request.POST)
        services.ballot_change(process=process, user=request.user, receipt_code=code, choices=chosen)
    except (BallotProblem, services.BudgetingError) as exc:
        context = {"process": process, "error": str(exc), "code": code, "can_change": True,
                   "form": ReceiptForm(initial={"code": code}), "ballot": None, "ballot_rows": [],
                   "phase": selectors.process_phase(process), **_ballot_context(process, chosen)}
        if isinstance(exc, services.PhaseClosed | services.BadReceipt):
            context["can_change"] = False
        return render(request, "budgeting/ballot_check.html", context)
    messages.success(request, _("Your ballot has been changed. Your receipt code stays the same."))
    return redirect("budgeting:ballot_check", slug=process.slug)


@require_perm("budgeting.add_paper_ballot")
@require_http_methods(["GET", "POST"])
def paper_ballot(request, slug, process):
    if not phase_allows(selectors.process_phase(process), Action.ENTER_PAPER_BALLOT):
        return _closed(request, process, _("Paper ballots can only be entered while voting is open."))
    form = PaperVoterForm(request.POST or None)
    error = None
    chosen: dict[str, int] = {}
    receipt = None
    if request.method == "POST" and form.is_valid():
        voter = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if voter is None:
            form.add_error("email", _("There is no account with that email address. The voter needs an account, which an officer can create."))
        else:
            try:
                chosen = choices_from_post(process, request.POST)
                receipt = services.paper_ballot_enter(process=process, officer=request.user, voter=voter, choices=chosen)
            except (BallotProblem, services.BudgetingError) as exc:
                error = str(exc)
    if receipt is not None:
        response = render(request, "budgeting/paper_receipt.html", {"process": process, "receipt": receipt})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "budgeting/paper_ballot.html", {"process": process, "form": form, "error": error,
                                                           **_ballot_context(process, chosen)})


# ---------------------------------------------------------------- counting and results


@require_http_methods(["GET", "POST"])
def count_status(request, slug):
    process = _process(request, slug)
    can_count = request.user.is_authenticated and request.user.has_perm("budgeting.count_process", process)
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_count:
            raise PermissionDenied
        try:
            services.count_request(process=process, user=request.user)
        except services.BudgetingError as exc:
            error = str(exc)
        else:
            return redirect("budgeting:count_status", slug=process.slug)
    count = selectors.latest_count(process)
    phase = selectors.process_phase(process)
    return render(request, "budgeting/count.html", {
        "process": process, "count": count, "can_count": can_count and phase_allows(phase, Action.COUNT),
        "error": error, "Count": Count, "phase": phase,
    })


def results(request, slug):
    process = _process(request, slug)
    count = selectors.published_count(process)
    if count is None:
        return _closed(request, process, _("The results of this budget have not been published yet."))
    return render(request, "budgeting/results.html", {
        "process": process, "count": count, "results": selectors.results_for(process, count),
        "turnout": selectors.turnout(process),
    })


def recount(request, slug):
    process = _process(request, slug)
    return render(request, "budgeting/recount.html", {
        "process": process, "count": selectors.published_count(process),
        "public": selectors.ballots_are_public(process), "engine_rule": counting.engine_rule(process),
        "comparison_rule": counting.comparison_rule(process),
    })


def ballots_file(request, slug):
    process = _process(request, slug)
    if not selectors.ballots_are_public(process):
        raise Http404("The ballots are published when voting closes.")
    text = counting.published_pb(process)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{process.slug}.pb"'
    return response


# ---------------------------------------------------------------- delivery


def delivery(request, slug):
    process = _process(request, slug)
    if not process.projects.funded().exists():
        return _closed(request, process, _("No projects have been funded yet, so there is nothing to deliver."))
    return render(request, "budgeting/delivery.html", {"process": process, "rollup": selectors.delivery_rollup(process),
                                                       "can_update": request.user.has_perm("budgeting.change_delivery", process)})


@require_perm("budgeting.change_delivery")
@require_http_methods(["GET", "POST"])
def delivery_update(request, slug, pb_id, process):
    project = get_object_or_404(Project, process=process, pb_id=pb_id, funded=True)
    if not phase_allows(selectors.process_phase(process), Action.UPDATE_DELIVERY):
        return _closed(request, process, _("Delivery can be updated only in the delivery phase."))
    form = DeliveryForm(request.POST or None, initial={"status": project.delivery_status, "progress": project.progress})
    if request.method == "POST" and form.is_valid():
        try:
            services.delivery_update(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("Delivery progress has been published."))
            return redirect("budgeting:project_detail", slug=process.slug, pb_id=project.pb_id)
    return render(request, "budgeting/delivery_form.html", {"process": process, "project": project, "form": form})


@require_perm("budgeting.change_delivery")
@require_http_methods(["GET", "POST"])
def milestone_create(request, slug, pb_id, process):
    project = get_object_or_404(Project, process=process, pb_id=pb_id, funded=True)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_record(project=project, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors_from(exc, form)
        else:
            messages.success(request, _("The milestone has been published."))
            return redirect("budgeting:project_detail", slug=process.slug, pb_id=project.pb_id)
    return render(request, "budgeting/milestone_form.html", {"process": process, "project": project, "form": form})
