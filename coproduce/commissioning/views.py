"""Pages for commissioning. Views name a permission, call a service or selector, and render.

Public: projects, opportunities with their question-and-answer log and results, contracts, and
the threshold calculator. Officers run the cycle; provider organisations bid; evaluators declare
and score only their lots; the moderator agrees consensus scores.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.accounts.models import User
from coproduce.organisations.models import Organisation

from . import scoring, selectors, services, vat
from .forms import (
    AnalysisForm,
    AnswerForm,
    AwardForm,
    BidForm,
    BidStartForm,
    CancelForm,
    ClarificationForm,
    ClassifyForm,
    CoDesignerForm,
    CompleteModerationForm,
    ContractForm,
    CriterionForm,
    DeclarationForm,
    LotForm,
    ModerationForm,
    OpportunityForm,
    OptionForm,
    OutcomeForm,
    PanelMemberForm,
    PlanForm,
    PreferForm,
    ProjectForm,
    RouteForm,
    ScoreForm,
    StageForm,
)
from .models import (
    Award,
    Bid,
    BidResult,
    Clarification,
    CommissioningProject,
    Contract,
    Criterion,
    EvaluatorScore,
    Lot,
    LotEvaluation,
    ModeratedScore,
    Opportunity,
    OpportunityStatus,
    PanelAssignment,
    ProjectOption,
    Regime,
    Route,
    Stage,
)
from .predicates import BID_ROLES

# ---------------------------------------------------------------------------------------------
# Helpers


def permission(perm: str, fn=None):
    """Name the permission: anonymous people go to sign in, others without it get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            obj = fn(request, *args, **kwargs) if fn else None
            if not request.user.has_perm(perm, obj):
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(request, form, *, title: str, caption: str = "", intro: str = "", submit: str, back: str,
              template: str = "commissioning/form.html", **extra):
    return render(request, template, {"form": form, "title": title, "caption": caption, "intro": intro,
                                      "submit_label": submit, "back_url": back, **extra})


def _project(request, slug, *args, **kwargs):
    return get_object_or_404(CommissioningProject, slug=slug)


def _opportunity(request, reference, *args, **kwargs):
    return get_object_or_404(Opportunity, reference=reference)


def _lot(request, reference, number, *args, **kwargs):
    return get_object_or_404(Lot.objects.select_related("opportunity__project"), opportunity__reference=reference, number=number)


def _assignment_lot(request, pk, *args, **kwargs):
    assignment = get_object_or_404(PanelAssignment.objects.select_related("lot__opportunity", "member"), pk=pk)
    return assignment.lot


def _bid(request, pk, *args, **kwargs):
    return get_object_or_404(Bid.objects.select_related("opportunity", "lot", "organisation"), pk=pk)


# ---------------------------------------------------------------------------------------------
# Public pages


def index(request):
    stage = request.GET.get("stage", "")
    if stage and stage not in Stage.values:
        stage = ""
    projects = selectors.project_list(stage=stage or None)
    open_now = Opportunity.objects.open_for_bids().select_related("project").order_by("deadline")
    counts = dict(CommissioningProject.objects.values_list("stage").annotate(n=Count("id")))
    return render(request, "commissioning/index.html", {
        "projects": projects, "stage": stage, "stages": Stage.choices, "counts": counts, "open_now": open_now,
        "can_add": request.user.has_perm("commissioning.add_project"),
        "has_seats": request.user.has_perm("commissioning.view_evaluations"),
        "writes_bids": request.user.has_perm("commissioning.add_bid"),
    })


def project_detail(request, slug):
    try:
        project = selectors.project_get(slug=slug)
    except CommissioningProject.DoesNotExist:
        raise Http404
    can_change = request.user.has_perm("commissioning.change_project", project)
    classification = None
    classification_error = ""
    try:
        classification = services.project_classification(project)
    except ValidationError as exc:
        classification_error = exc.messages[0]
    option_costs = [(option, services.option_costs(option)) for option in project.options.all()]
    opportunities = project.opportunities.all() if can_change else project.opportunities.public()
    return render(request, "commissioning/project_detail.html", {
        "project": project, "can_change": can_change, "classification": classification,
        "classification_error": classification_error, "option_costs": option_costs,
        "opportunities": opportunities, "contracts": project.contracts.select_related("organisation"),
        "next_stages": sorted(services.STAGE_TRANSITIONS[project.stage]),
        "exit_problems": {s: services.stage_exit_problems(project, s) for s in services.STAGE_TRANSITIONS[project.stage]},
        "editable": project.stage in services.EDITABLE_STAGES, "Route": Route, "Regime": Regime,
        "trust": getattr(project, "trust", None), "pence_of": vat.to_pence,
    })


def opportunity_list(request):
    return render(request, "commissioning/opportunity_list.html", {"opportunities": selectors.opportunity_list_public()})


def opportunity_detail(request, reference):
    try:
        opportunity = selectors.opportunity_get(reference=reference, user=request.user)
    except Opportunity.DoesNotExist:
        raise Http404
    user = request.user
    lots = list(opportunity.lots.all())
    awards = {a.lot_id: a for a in Award.objects.filter(lot__opportunity=opportunity).select_related("bid__organisation")}
    own_bids = list(selectors.bid_list_own(user=user).filter(opportunity=opportunity)) if user.is_authenticated else []
    criteria = list(opportunity.criteria.all())
    return render(request, "commissioning/opportunity_detail.html", {
        "opportunity": opportunity, "lots": lots, "criteria": criteria,
        "clarifications": [c for c in opportunity.clarifications.all() if c.answered_at],
        "pending_questions": [c for c in opportunity.clarifications.all() if not c.answered_at]
        if user.has_perm("commissioning.answer_clarification") else [],
        "bid_counts": selectors.bid_counts(opportunity), "awards": awards, "own_bids": own_bids,
        "can_bid": opportunity.is_open and user.has_perm("commissioning.add_bid"),
        "can_ask": opportunity.is_open and user.has_perm("commissioning.ask_clarification"),
        "can_change": user.has_perm("commissioning.change_opportunity", opportunity),
        "can_open": user.has_perm("commissioning.open_bids", opportunity) and opportunity.status == OpportunityStatus.PUBLISHED
        and selectors.opportunity_deadline_passed(opportunity),
        "scored_weight": sum((c.weight for c in criteria if c.is_scored), 0),
        "Regime": Regime,
    })


def contract_list(request):
    return render(request, "commissioning/contract_list.html", {"contracts": selectors.contract_list()})


def contract_detail(request, reference):
    try:
        contract = selectors.contract_get(reference=reference)
    except Contract.DoesNotExist:
        raise Http404
    return render(request, "commissioning/contract_detail.html", {"contract": contract})


def thresholds(request):
    """Public calculator: which regime a value falls under, and the thresholds on record."""
    form = ClassifyForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = selectors.procurement_classify(
                value_pence=data["value"], on_date=data["on_date"] or timezone.localdate(),
                service_type=data["service_type"], term_months=data["term_months"])
        except ValidationError as exc:
            add_service_errors(form, exc)
    from .models import BankHoliday, ProcurementThreshold

    return render(request, "commissioning/thresholds.html", {
        "form": form, "result": result, "rows": ProcurementThreshold.objects.all(), "Regime": Regime, "Route": Route,
        "holiday_years": sorted({d.year for d in BankHoliday.objects.values_list("date", flat=True)}),
    })


# ---------------------------------------------------------------------------------------------
# Officers: the project and its artefacts


@permission("commissioning.add_project")
def project_create(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_create(actor=request.user, title=d["title"], summary=d["summary"],
                                              service_area=d["service_area"], ward=d["ward"], service_type=d["service_type"],
                                              trust=d.get("trust"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Project started. It begins in the Analyse stage."))
            return redirect(project)
    return form_page(request, form, title=_("Start a commissioning project"), submit=_("Start the project"),
                     back=reverse("commissioning:index"))


@permission("commissioning.change_project", _project)
def project_analysis(request, slug):
    project = _project(request, slug)
    initial = {"needs_assessment": project.needs_assessment, "needs": list(project.needs.all())}
    form = AnalysisForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update_analysis(project=project, actor=request.user,
                                             needs_assessment=form.cleaned_data["needs_assessment"],
                                             needs=form.cleaned_data["needs"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Needs assessment saved."))
            return redirect(project)
    return form_page(request, form, title=_("Needs assessment"), caption=project.title, submit=_("Save"),
                     back=project.get_absolute_url())


@permission("commissioning.change_project", _project)
def project_plan(request, slug):
    project = _project(request, slug)
    initial = {"service_type": project.service_type, "estimated_value": project.estimated_value_pence,
               "term_months": project.term_months, "procurement_start": project.procurement_start,
               "specification": project.specification, "procurement_plan": project.procurement_plan,
               "conflicts_assessment": project.conflicts_assessment}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.project_update_plan(project=project, actor=request.user, service_type=d["service_type"],
                                         estimated_value_pence=d["estimated_value"], term_months=d["term_months"],
                                         procurement_start=d["procurement_start"], specification=d["specification"],
                                         procurement_plan=d["procurement_plan"], conflicts_assessment=d["conflicts_assessment"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect(project)
    return form_page(request, form, title=_("Service specification and procurement plan"), caption=project.title,
                     submit=_("Save the plan"), back=project.get_absolute_url())


@permission("commissioning.change_project", _project)
def project_route(request, slug):
    project = _project(request, slug)
    try:
        classification = services.project_classification(project)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(project)
    if classification is None:
        messages.error(request, _("Enter the estimated value in the plan first: the route depends on it."))
        return redirect(project)
    form = RouteForm(request.POST or None, routes=classification.routes, initial={"route": project.route})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_choose_route(project=project, actor=request.user, route=form.cleaned_data["route"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Route chosen."))
            return redirect(project)
    return form_page(request, form, title=_("Choose the procurement route"), caption=project.title, submit=_("Choose"),
                     back=project.get_absolute_url(), template="commissioning/route.html", classification=classification,
                     Regime=Regime)


@permission("commissioning.change_project", _project)
def outcome_add(request, slug):
    project = _project(request, slug)
    form = OutcomeForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.outcome_add(project=project, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Outcome added to the outcomes framework."))
            return redirect(project)
    return form_page(request, form, title=_("Add an outcome"), caption=project.title, submit=_("Add the outcome"),
                     back=project.get_absolute_url())


@permission("commissioning.change_project", _project)
def option_add(request, slug):
    project = _project(request, slug)
    form = OptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.option_add(project=project, actor=request.user, kind=d["kind"], summary=d["summary"],
                                staff_cost_pence=d["staff_cost"] or 0, vatable_cost_pence=d["vatable_cost"] or 0,
                                margin_percent=d["margin_percent"] or 0)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Option added to the appraisal."))
            return redirect(project)
    return form_page(request, form, title=_("Appraise an option"), caption=project.title, submit=_("Add the option"),
                     back=project.get_absolute_url(),
                     intro=_("Costs are used to compare what each option really costs the council once VAT is counted."))


@permission("commissioning.change_project", _project)
def option_prefer(request, slug, pk):
    project = _project(request, slug)
    option = get_object_or_404(ProjectOption, project=project, pk=pk)
    form = PreferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.option_prefer(option=option, actor=request.user, reasons=form.cleaned_data["reasons"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Preferred option recorded."))
            return redirect(project)
    return form_page(request, form, title=_("Prefer: %(option)s") % {"option": option.get_kind_display()}, caption=project.title,
                     submit=_("Record the preferred option"), back=project.get_absolute_url())


@permission("commissioning.change_project", _project)
def co_designer_add(request, slug):
    project = _project(request, slug)
    form = CoDesignerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", _("No one is registered with that email address. Ask them to register first."))
        else:
            try:
                services.co_designer_add(project=project, actor=request.user, user=user, kind=form.cleaned_data["kind"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s is now a co-designer of the specification.") % {"name": user.display_name})
                return redirect(project)
    return form_page(request, form, title=_("Add a co-designer"), caption=project.title, submit=_("Add"),
                     back=project.get_absolute_url(),
                     intro=_("Residents and service users who design the specification with officers."))


@permission("commissioning.change_project", _project)
def project_stage(request, slug):
    project = _project(request, slug)
    stages = sorted(services.STAGE_TRANSITIONS[project.stage])
    form = StageForm(request.POST or None, stages=stages)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_advance(project=project, actor=request.user, to_stage=form.cleaned_data["to_stage"],
                                     decision=form.cleaned_data["decision"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(project)
    return form_page(request, form, title=_("Record the %(stage)s stage decision") % {"stage": project.get_stage_display()},
                     caption=project.title, submit=_("Record the decision"), back=project.get_absolute_url())


# ---------------------------------------------------------------------------------------------
# Officers: opportunities


@permission("commissioning.add_opportunity", _project)
def opportunity_create(request, slug):
    project = _project(request, slug)
    initial = {"title": project.title, "summary": project.summary, "specification": project.specification,
               "route": project.route or Route.OPEN, "estimated_value": project.estimated_value_pence,
               "term_months": project.term_months, "scale_max": 5, "price_formula": "lowest-price-ratio", "price_weight": 30,
               "aggregation": "consensus", "abnormally_low_percent": 15, "vat_recovery_percent": 100, "deadline_time": "12:00"}
    form = OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            opportunity = services.opportunity_create(project=project, actor=request.user, title=fields.pop("title"),
                                                      summary=fields.pop("summary"), **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved. Add lots and questions, then publish."))
            return redirect("commissioning:opportunity_setup", reference=opportunity.reference)
    return form_page(request, form, title=_("Prepare an opportunity"), caption=project.title, submit=_("Save the draft"),
                     back=project.get_absolute_url())


@permission("commissioning.change_opportunity", _opportunity)
def opportunity_edit(request, reference):
    opportunity = _opportunity(request, reference)
    form = OpportunityForm(request.POST or None, initial=OpportunityForm.initial_for(opportunity))
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(opportunity=opportunity, actor=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("commissioning:opportunity_setup", reference=reference)
    return form_page(request, form, title=_("Edit the draft opportunity"), caption=opportunity.title, submit=_("Save the draft"),
                     back=reverse("commissioning:opportunity_setup", args=[reference]))


@permission("commissioning.change_opportunity", _opportunity)
def opportunity_setup(request, reference):
    opportunity = get_object_or_404(Opportunity.objects.select_related("project"), reference=reference)
    criteria = list(opportunity.criteria.all())
    scored = sum((c.weight for c in criteria if c.is_scored), 0)
    return render(request, "commissioning/opportunity_setup.html", {
        "opportunity": opportunity, "lots": opportunity.lots.all(), "criteria": criteria,
        "total_weight": opportunity.price_weight + scored, "scored_weight": scored,
        "social_weight": sum((c.weight for c in criteria if c.kind == "social_value"), 0),
        "problems": services.publication_problems(opportunity) if opportunity.status == OpportunityStatus.DRAFT else [],
        "lot_form": LotForm(), "criterion_form": CriterionForm(initial={"kind": "quality"}),
        "cancel_form": CancelForm(),
    })


def _setup_redirect(reference):
    return redirect("commissioning:opportunity_setup", reference=reference)


@require_POST
@permission("commissioning.change_opportunity", _opportunity)
def lot_add(request, reference):
    opportunity = _opportunity(request, reference)
    form = LotForm(request.POST)
    if form.is_valid():
        try:
            services.lot_add(opportunity=opportunity, actor=request.user, title=form.cleaned_data["title"],
                             description=form.cleaned_data["description"], value_pence=form.cleaned_data["value"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Lot added."))
            return _setup_redirect(reference)
    return form_page(request, form, title=_("Add a lot"), caption=opportunity.title, submit=_("Add the lot"),
                     back=reverse("commissioning:opportunity_setup", args=[reference]),
                     action=reverse("commissioning:lot_add", args=[reference]))


@require_POST
@permission("commissioning.change_opportunity", _opportunity)
def criterion_add(request, reference):
    opportunity = _opportunity(request, reference)
    form = CriterionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.criterion_add(opportunity=opportunity, actor=request.user, kind=d["kind"], question=d["question"],
                                   guidance=d["guidance"], weight=d["weight"] or 0, gate_min=d["gate_min"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question added."))
            return _setup_redirect(reference)
    return form_page(request, form, title=_("Add a question"), caption=opportunity.title, submit=_("Add the question"),
                     back=reverse("commissioning:opportunity_setup", args=[reference]),
                     action=reverse("commissioning:criterion_add", args=[reference]))


@require_POST
@permission("commissioning.change_opportunity", _opportunity)
def lot_remove(request, reference, number):
    lot = get_object_or_404(Lot, opportunity__reference=reference, number=number)
    try:
        services.lot_remove(lot=lot, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _setup_redirect(reference)


@require_POST
@permission("commissioning.change_opportunity", _opportunity)
def criterion_remove(request, reference, pk):
    criterion = get_object_or_404(Criterion, opportunity__reference=reference, pk=pk)
    try:
        services.criterion_remove(criterion=criterion, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return _setup_redirect(reference)


@require_POST
@permission("commissioning.publish_opportunity", _opportunity)
def opportunity_publish(request, reference):
    opportunity = _opportunity(request, reference)
    try:
        services.opportunity_publish(opportunity=opportunity, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _setup_redirect(reference)
    messages.success(request, _("Published. Organisations can now bid until the deadline."))
    return redirect(opportunity)


@require_POST
@permission("commissioning.change_opportunity", _opportunity)
def opportunity_cancel(request, reference):
    opportunity = _opportunity(request, reference)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.opportunity_cancel(opportunity=opportunity, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The opportunity is cancelled."))
            return redirect(opportunity)
    else:
        messages.error(request, _("Enter the reason"))
    return redirect(opportunity)


@require_POST
@permission("commissioning.open_bids", _opportunity)
def opportunity_open(request, reference):
    opportunity = _opportunity(request, reference)
    try:
        count = services.opportunity_open_bids(opportunity=opportunity, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(opportunity)
    messages.success(request, _("%(count)s bid(s) opened. Evaluators can now declare their interests.") % {"count": count})
    return redirect("commissioning:opportunity_panel", reference=reference)


@permission("commissioning.answer_clarification", _opportunity)
def clarification_answer(request, reference, pk):
    clarification = get_object_or_404(Clarification, opportunity__reference=reference, pk=pk)
    form = AnswerForm(request.POST or None, initial={"answer": clarification.answer})
    if request.method == "POST" and form.is_valid():
        services.clarification_answer(clarification=clarification, actor=request.user, answer=form.cleaned_data["answer"])
        messages.success(request, _("Answer published on the question-and-answer log."))
        return redirect(clarification.opportunity)
    return form_page(request, form, title=_("Answer a question"), caption=clarification.opportunity.title,
                     intro=clarification.question, submit=_("Publish the answer"),
                     back=clarification.opportunity.get_absolute_url())


@permission("commissioning.manage_panel", _opportunity)
def opportunity_panel(request, reference):
    opportunity = get_object_or_404(Opportunity, reference=reference)
    form = PanelMemberForm(request.POST or None, lots=opportunity.lots.all())
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", _("No one is registered with that email address."))
        else:
            try:
                services.panel_member_add(opportunity=opportunity, actor=request.user, user=user,
                                          lots=form.cleaned_data["lots"], is_moderator=form.cleaned_data["is_moderator"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(name)s joined the panel.") % {"name": user.display_name})
                return redirect("commissioning:opportunity_panel", reference=reference)
    lots = list(selectors.lots_with_assignments(opportunity=opportunity))
    evaluations = {e.lot_id: e for e in LotEvaluation.objects.filter(lot__opportunity=opportunity)}
    return render(request, "commissioning/panel.html", {
        "opportunity": opportunity, "form": form, "lots": lots, "evaluations": evaluations,
        "bid_counts": selectors.bid_counts(opportunity),
    })


# ---------------------------------------------------------------------------------------------
# Providers: questions and bids


@permission("commissioning.ask_clarification", _opportunity)
def clarification_ask(request, reference):
    opportunity = _opportunity(request, reference)
    form = ClarificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.clarification_ask(opportunity=opportunity, actor=request.user, question=form.cleaned_data["question"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question sent. The answer will be published on the opportunity's page."))
            return redirect(opportunity)
    return form_page(request, form, title=_("Ask a question"), caption=opportunity.title, submit=_("Send the question"),
                     back=opportunity.get_absolute_url())


@permission("commissioning.add_bid")
def bid_start(request, reference):
    opportunity = get_object_or_404(Opportunity.objects.public(), reference=reference)
    organisations = Organisation.objects.filter(memberships__user=request.user, memberships__role__in=BID_ROLES).distinct()
    form = BidStartForm(request.POST or None, organisations=organisations, lots=opportunity.lots.all(),
                        initial={"organisation": organisations.first(), "lot": opportunity.lots.first()})
    if request.method == "POST" and form.is_valid():
        try:
            bid = services.bid_start(opportunity=opportunity, lot=form.cleaned_data["lot"],
                                     organisation=form.cleaned_data["organisation"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("commissioning:bid_edit", pk=bid.pk)
    return form_page(request, form, title=_("Start a bid"), caption=opportunity.title, submit=_("Start the bid"),
                     back=opportunity.get_absolute_url(),
                     intro=_("Your bid is sealed: nobody at the council can read it until the deadline has passed and "
                             "all bids are opened together."))


@permission("commissioning.view_own_bids")
def bid_list(request):
    bids = selectors.bid_list_own(user=request.user)
    return render(request, "commissioning/bid_list.html", {"bids": bids})


@permission("commissioning.change_bid", _bid)
def bid_edit(request, pk):
    bid = selectors.bid_get_own(user=request.user, pk=pk)
    criteria = list(bid.opportunity.criteria.all())
    answers = {a.criterion_id: a.answer for a in bid.answers.all()}
    initial = {"price": bid.price_pence, "charges_vat": bid.charges_vat, "social_value_commitment": bid.social_value_commitment,
               "local_jobs_fte": bid.local_jobs_fte, **{f"answer_{c.pk}": answers.get(c.pk, "") for c in criteria}}
    form = BidForm(request.POST or None, criteria=criteria, initial=initial)
    if request.method == "POST" and bid.status == "draft" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():  # a refused submission does not save half of it either
                services.bid_save(bid=bid, actor=request.user, price_pence=d["price"], charges_vat=d["charges_vat"],
                                  social_value_commitment=d["social_value_commitment"], local_jobs_fte=d["local_jobs_fte"],
                                  answers=form.answers())
                if "submit" in request.POST:
                    services.bid_submit(bid=bid, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if "submit" in request.POST:
                messages.success(request, _("Your bid is submitted and sealed until the deadline."))
                return redirect("commissioning:bid_list")
            messages.success(request, _("Draft saved. It is not submitted yet."))
            return redirect("commissioning:bid_edit", pk=pk)
    bid.refresh_from_db()
    return render(request, "commissioning/bid_edit.html", {
        "bid": bid, "form": form, "criteria": criteria, "problems": services.bid_problems(bid) if bid.status == "draft" else [],
    })


@require_POST
@permission("commissioning.change_bid", _bid)
def bid_withdraw(request, pk):
    bid = selectors.bid_get_own(user=request.user, pk=pk)
    try:
        services.bid_withdraw(bid=bid, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your bid is back in draft. Submit it again before the deadline."))
    return redirect("commissioning:bid_edit", pk=pk)


@permission("commissioning.view_assessment_summary", _bid)
def assessment_summary(request, pk):
    bid = _bid(request, pk)
    award = Award.objects.filter(lot=bid.lot).select_related("bid__organisation").first()
    if award is None:
        raise Http404
    result = getattr(bid, "result", None)
    moderated = {m.criterion_id: m for m in ModeratedScore.objects.filter(bid=bid)}
    rows = []
    for criterion in bid.opportunity.criteria.all():
        rows.append((criterion, (result.criteria.get(criterion.code) if result else None), moderated.get(criterion.pk)))
    winner_result = getattr(award.bid, "result", None)
    return render(request, "commissioning/assessment_summary.html", {
        "bid": bid, "award": award, "result": result, "rows": rows, "winner_result": winner_result,
        "is_winner": award.bid_id == bid.pk,
    })


# ---------------------------------------------------------------------------------------------
# Evaluators


@permission("commissioning.view_evaluations")
def evaluation_list(request):
    return render(request, "commissioning/evaluation_list.html",
                  {"assignments": selectors.evaluator_assignments(user=request.user)})


@permission("commissioning.evaluate_lot", _assignment_lot)
def evaluation_lot(request, pk):
    assignment = get_object_or_404(PanelAssignment.objects.select_related("lot__opportunity", "member"), pk=pk,
                                   member__user=request.user)
    lot = assignment.lot
    opportunity = lot.opportunity
    opened = selectors.is_opened(opportunity.pk)
    form = None
    if assignment.declaration == PanelAssignment.Declaration.PENDING:
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.conflict_declare(assignment=assignment, actor=request.user,
                                          has_conflict=form.cleaned_data["has_conflict"], details=form.cleaned_data["details"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Declaration recorded."))
                return redirect("commissioning:evaluation_lot", pk=pk)
    bids = []
    scored = set()
    if opened and assignment.may_score and not assignment.member.is_moderator:
        bids = selectors.bid_list_for_lot(lot=lot, user=request.user)
        needed = opportunity.criteria.exclude(kind="pass_fail").count()
        counts = dict(EvaluatorScore.objects.filter(assignment=assignment).values_list("bid_id").annotate(n=Count("id")))
        scored = {bid_id for bid_id, n in counts.items() if n >= needed}
    return render(request, "commissioning/evaluation_lot.html", {
        "assignment": assignment, "lot": lot, "opportunity": opportunity, "opened": opened, "form": form,
        "bidders": selectors.bidder_names_for_lot(lot=lot) if opened else [], "bids": bids, "scored": scored,
        "moderates": request.user.has_perm("commissioning.moderate_lot", lot),
    })


@permission("commissioning.evaluate_lot", _assignment_lot)
def evaluation_score(request, pk, bid_pk):
    assignment = get_object_or_404(PanelAssignment.objects.select_related("lot__opportunity", "member"), pk=pk,
                                   member__user=request.user)
    lot = assignment.lot
    if not assignment.may_score:
        messages.error(request, _("Declare whether you have a conflict of interest before you see any bid."))
        return redirect("commissioning:evaluation_lot", pk=pk)
    bids = {b.pk: b for b in selectors.bid_list_for_lot(lot=lot, user=request.user)}
    bid = bids.get(int(bid_pk))
    if bid is None:
        raise Http404
    opportunity = lot.opportunity
    criteria = list(opportunity.criteria.all())
    mine = {s.criterion_id: s for s in EvaluatorScore.objects.filter(assignment=assignment, bid=bid)}
    initial = {}
    for criterion_id, s in mine.items():
        initial[f"score_{criterion_id}"] = str(s.score)
        initial[f"rationale_{criterion_id}"] = s.rationale
    form = ScoreForm(request.POST or None, criteria=criteria, scale_max=opportunity.scale_max, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluator_score_bid(assignment=assignment, bid=bid, actor=request.user, scores=form.scores())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your scores for this bid are saved."))
            return redirect("commissioning:evaluation_lot", pk=pk)
    answers = {a.criterion_id: a.answer for a in bid.answers.all()}
    return render(request, "commissioning/evaluation_score.html", {
        "assignment": assignment, "lot": lot, "opportunity": opportunity, "bid": bid, "form": form,
        "rows": [(c, answers.get(c.pk, ""), form[f"score_{c.pk}"] if c.is_scored else None,
                  form[f"rationale_{c.pk}"] if c.is_scored else None) for c in criteria],
        "locked": assignment.scores_submitted_at is not None,
    })


@require_POST
@permission("commissioning.evaluate_lot", _assignment_lot)
def evaluation_submit(request, pk):
    assignment = get_object_or_404(PanelAssignment, pk=pk, member__user=request.user)
    try:
        services.evaluator_submit_scores(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Your scores are submitted. The moderator will call the panel together."))
    return redirect("commissioning:evaluation_lot", pk=pk)


# ---------------------------------------------------------------------------------------------
# Moderation, results and award


@permission("commissioning.moderate_lot", _lot)
def moderation(request, reference, number):
    lot = _lot(request, reference, number)
    opportunity = lot.opportunity
    bids = selectors.bid_list_for_lot(lot=lot, user=request.user)
    criteria = list(opportunity.criteria.all())
    consensus = opportunity.aggregation == "consensus"
    evaluation = LotEvaluation.objects.filter(lot=lot).first()
    open_for_changes = evaluation is not None and evaluation.status == LotEvaluation.Status.SCORING
    problems = services.moderation_problems(lot)
    posted_bid = request.POST.get("bid") if request.method == "POST" else None
    forms_by_bid = {}
    for bid in bids:
        agreed = {m.criterion_id: m for m in bid.moderated_scores.all()}
        initial = {}
        for cid, m in agreed.items():
            initial[f"score_{cid}"] = str(m.score) if m.score is not None else None
            initial[f"passed_{cid}"] = ("pass" if m.passed else "fail") if m.passed is not None else None
            initial[f"reason_{cid}"] = m.reason
        data = request.POST if posted_bid == str(bid.pk) else None
        forms_by_bid[bid.pk] = ModerationForm(data, criteria=criteria, scale_max=opportunity.scale_max, consensus=consensus,
                                              initial=initial, prefix=f"bid{bid.pk}")
    if posted_bid and int(posted_bid) in forms_by_bid:
        form = forms_by_bid[int(posted_bid)]
        bid = next(b for b in bids if b.pk == int(posted_bid))
        if form.is_valid():
            try:
                for c in form.rows:
                    services.moderation_record(
                        bid=bid, criterion=c, actor=request.user, reason=form.cleaned_data[f"reason_{c.pk}"],
                        score=form.cleaned_data.get(f"score_{c.pk}"), passed=form.cleaned_data.get(f"passed_{c.pk}"))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Agreed results saved for %(org)s.") % {"org": bid.organisation.name})
                return redirect("commissioning:moderation", reference=reference, number=number)
    scores = {}
    for s in EvaluatorScore.objects.filter(bid__lot=lot, assignment__declaration="no_conflict").select_related("assignment__member__user"):
        scores.setdefault((s.bid_id, s.criterion_id), []).append(s)
    spreads = {key: max(x.score for x in rows) - min(x.score for x in rows) for key, rows in scores.items()}
    return render(request, "commissioning/moderation.html", {
        "lot": lot, "opportunity": opportunity, "bids": bids, "criteria": criteria, "forms": forms_by_bid,
        "scores": scores, "spreads": spreads, "problems": problems, "open_for_changes": open_for_changes,
        "evaluation": evaluation, "complete_form": CompleteModerationForm(), "consensus": consensus,
    })


@require_POST
@permission("commissioning.moderate_lot", _lot)
def moderation_complete(request, reference, number):
    lot = _lot(request, reference, number)
    form = CompleteModerationForm(request.POST)
    form.is_valid()
    try:
        services.lot_moderation_complete(lot=lot, actor=request.user, notes=form.cleaned_data.get("notes", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("commissioning:moderation", reference=reference, number=number)
    messages.success(request, _("Moderation complete: the bids are scored and ranked."))
    return redirect("commissioning:lot_results", reference=reference, number=number)


@permission("commissioning.view_evaluation", _lot)
def lot_results(request, reference, number):
    lot = _lot(request, reference, number)
    evaluation = LotEvaluation.objects.filter(lot=lot).first()
    results = list(BidResult.objects.filter(bid__lot=lot).select_related("bid__organisation").order_by("rank", "bid__organisation__name"))
    return render(request, "commissioning/lot_results.html", {
        "lot": lot, "opportunity": lot.opportunity, "evaluation": evaluation, "results": results,
        "criteria": [c for c in lot.opportunity.criteria.all() if c.is_scored],
        "award": Award.objects.filter(lot=lot).first(), "contract": Contract.objects.filter(award__lot=lot).first(),
        "can_award": request.user.has_perm("commissioning.award_lot", lot),
    })


@permission("commissioning.view_evaluation", _lot)
def lot_tender_file(request, reference, number):
    """The lot's evaluation in the analysts' file format: `coproduce commissioning score` gives the same ranking."""
    lot = _lot(request, reference, number)
    evaluation = LotEvaluation.objects.filter(lot=lot).first()
    if evaluation is None or evaluation.status == LotEvaluation.Status.SCORING:
        raise Http404
    body = scoring.dumps(scoring.tender_as_dict(services.lot_tender(lot)))
    response = HttpResponse(body + "\n", content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{reference}-lot-{number}.json"'
    return response


@permission("commissioning.award_lot", _lot)
def lot_award(request, reference, number):
    lot = _lot(request, reference, number)
    winner = BidResult.objects.filter(bid__lot=lot, passed_gates=True).select_related("bid__organisation").order_by("rank").first()
    form = AwardForm(request.POST or None, initial={"voluntary_standstill": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            award = services.lot_award(lot=lot, actor=request.user, reasons=d["reasons"],
                                       notice_published_on=d["notice_published_on"],
                                       voluntary_standstill=d["voluntary_standstill"],
                                       abnormally_low_explanation=d["abnormally_low_explanation"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if award.standstill_last_day:
                messages.success(request, _("Awarded. The standstill ends on %(day)s; the contract can be entered into from %(from)s.")
                                 % {"day": f"{award.standstill_last_day:%-d %B %Y}", "from": f"{award.contract_from:%-d %B %Y}"})
            else:
                messages.success(request, _("Awarded."))
            return redirect("commissioning:lot_results", reference=reference, number=number)
    return form_page(request, form, title=_("Award %(lot)s") % {"lot": lot}, caption=lot.opportunity.title,
                     submit=_("Record the award decision"), back=reverse("commissioning:lot_results", args=[reference, number]),
                     template="commissioning/award.html", lot=lot, winner=winner,
                     mandatory=lot.opportunity.regime == Regime.ABOVE)


@permission("commissioning.add_contract")
def contract_create(request, pk):
    award = get_object_or_404(Award.objects.select_related("lot__opportunity", "bid__organisation"), pk=pk)
    if hasattr(award, "contract"):
        return redirect(award.contract)
    form = ContractForm(request.POST or None, initial={"start_date": award.contract_from})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(award=award, actor=request.user, start_date=form.cleaned_data["start_date"],
                                                kpis=form.kpis())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Contract %(ref)s created. Its KPIs are now monitored.") % {"ref": contract.reference})
            return redirect(contract)
    return form_page(request, form, title=_("Enter into the contract"), caption=f"{award.lot.opportunity.title}: {award.bid.organisation.name}",
                     submit=_("Create the contract"), back=reverse("commissioning:lot_results",
                                                                   args=[award.lot.opportunity.reference, award.lot.number]),
                     template="commissioning/contract_form.html", award=award)

