"""Pages for shared support services: the public catalogue, requests, the officers' queue, usage."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.commissioning.views import add_service_errors, form_page, permission
from coproduce.organisations.models import Organisation

from . import selectors, services
from .forms import DecisionForm, RequestForm, ServiceForm
from .models import Category, SupportRequest, SupportService


def _request(request, pk, *args, **kwargs):
    return get_object_or_404(SupportRequest.objects.select_related("service", "organisation"), pk=pk)


def _organisation(request, slug, *args, **kwargs):
    return get_object_or_404(Organisation, slug=slug)


def catalogue(request):
    services_by_category = {}
    for service in selectors.catalogue():
        services_by_category.setdefault(service.category, []).append(service)
    return render(request, "support/catalogue.html", {
        "groups": [(Category(c).label, services_by_category[c]) for c in Category.values if c in services_by_category],
        "can_request": request.user.has_perm("support.make_request"),
        "is_officer": request.user.has_perm("support.fulfil_request"),
        "can_add": request.user.has_perm("support.add_service"),
    })


def service_detail(request, slug):
    service = get_object_or_404(SupportService, slug=slug, is_active=True)
    return render(request, "support/service_detail.html", {
        "service": service, "can_request": request.user.has_perm("support.make_request"),
        "in_use": service.requests.filter(status="fulfilled").values("organisation").distinct().count(),
    })


@permission("support.make_request")
def request_create(request, slug):
    service = get_object_or_404(SupportService, slug=slug, is_active=True)
    organisations = Organisation.objects.filter(memberships__user=request.user).distinct().order_by("name")
    form = RequestForm(request.POST or None, organisations=organisations, unit_label=service.get_price_unit_display(),
                       initial={"organisation": organisations.first()})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.support_request_create(service=service, organisation=form.cleaned_data["organisation"],
                                                  actor=request.user, quantity=form.cleaned_data["quantity"],
                                                  details=form.cleaned_data["details"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Request sent. The service level says it will be in place by %(day)s.")
                             % {"day": f"{row.due_by:%-d %B %Y}"})
            return redirect(row)
    return form_page(request, form, title=_("Request %(service)s") % {"service": service.name},
                     caption=_("Shared support services"),
                     intro=f"{service.summary} {service.service_level}", submit=_("Send the request"),
                     back=service.get_absolute_url())


@permission("support.make_request")
def my_requests(request):
    return render(request, "support/my_requests.html", {"requests": selectors.requests_for_user(user=request.user)})


@permission("support.view_request", _request)
def request_detail(request, pk):
    row = _request(request, pk)
    allowed = [s for s in services.TRANSITIONS[row.status] if s != "cancelled"]
    form = None
    if request.user.has_perm("support.fulfil_request") and allowed:
        form = DecisionForm(request.POST or None, allowed=allowed)
        if request.method == "POST" and form.is_valid():
            try:
                services.support_request_decide(request=row, actor=request.user, to_status=form.cleaned_data["to_status"],
                                                note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Request updated."))
                return redirect("support:request_detail", pk=pk)
    return render(request, "support/request_detail.html", {
        "row": row, "form": form, "history": row.history.all(),
        "can_cancel": request.user.has_perm("support.cancel_request", row) and "cancelled" in services.TRANSITIONS[row.status],
    })


@require_POST
@permission("support.cancel_request", _request)
def request_cancel(request, pk):
    row = _request(request, pk)
    try:
        services.support_request_cancel(request=row, actor=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Request cancelled."))
    return redirect(row)


@permission("support.fulfil_request")
def queue(request):
    return render(request, "support/queue.html", {"requests": selectors.officer_queue()})


@permission("support.fulfil_request")
def usage(request):
    return render(request, "support/usage.html", {"rows": selectors.usage_by_organisation()})


@permission("support.view_usage", _organisation)
def organisation_usage(request, slug):
    organisation = _organisation(request, slug)
    rows = selectors.usage_for_organisation(organisation=organisation)
    totals = rows.aggregate(n=Count("id"), in_place=Count("id", filter=Q(status="fulfilled")))
    value = sum(r.total_pence for r in rows if r.status == "fulfilled")
    return render(request, "support/organisation_usage.html", {
        "organisation": organisation, "rows": rows, "totals": totals, "value": value,
    })


@permission("support.add_service")
def service_create(request):
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            service = services.support_service_create(
                actor=request.user, name=d["name"], category=d["category"], summary=d["summary"],
                description=d["description"], price_pence=d["price"] or 0, price_unit=d["price_unit"],
                service_level=d["service_level"], response_working_days=d["response_working_days"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added to the catalogue."))
            return redirect(service)
    return form_page(request, form, title=_("Add a support service"), submit=_("Add to the catalogue"),
                     back=reverse("support:catalogue"))

