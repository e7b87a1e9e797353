"""Pages for needs: the public list and detail, raising and supporting, officers' responses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from . import selectors, services
from .forms import NeedFilterForm, NeedRaiseForm, NeedRespondForm, OutcomeIndicatorForm, place_value

PAGE_SIZE = 20


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def need_list(request):
    wards, neighbourhoods = selectors.list_filter_places(
        ward_slug=str(request.GET.get("ward", ""))[:100], neighbourhood_slug=str(request.GET.get("neighbourhood", ""))[:100],
    )
    form = NeedFilterForm(request.GET or None, wards=wards, neighbourhoods=neighbourhoods)
    filters = form.filters()
    needs = selectors.need_list(**filters)
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "needs/need_list.html", {
        "form": form, "page": page, "filters": filters,
        "can_raise": request.user.has_perm("needs.raise_need"),
    })


def need_detail(request, pk: int):
    need = selectors.need_get(pk=pk)
    user = request.user
    return render(request, "needs/need_detail.html", {
        "need": need,
        "responses": list(selectors.need_responses(need=need)),
        "indicators": list(selectors.need_indicators(need=need)),
        "supported": selectors.need_is_supported_by(need=need, user=user),
        "can_support": user.has_perm("needs.support_need", need),
        "can_respond": user.has_perm("needs.respond_need", need),
        "can_add_indicator": user.has_perm("needs.add_indicator", need) and need.is_accepted,
        "raised_by_viewer": user.is_authenticated and need.raised_by_id == user.pk,
        "taken_up": selectors.need_taken_up(need=need),
    })


class NeedObjectMixin:
    @cached_property
    def need(self):
        return selectors.need_get(pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.need


class NeedSupportView(NeedObjectMixin, PermissionRequiredMixin, View):
    """POST only: support a need, or (with `withdraw`) take support back. Redirects to the need."""

    permission_required = "needs.support_need"
    http_method_names = ["post"]

    def post(self, request, pk: int):
        need = self.need
        if "withdraw" in request.POST:
            if services.need_support_withdraw(need=need, supporter=request.user):
                messages.success(request, _("You no longer support this need."))
            else:
                messages.info(request, _("You were not supporting this need, so nothing changed."))
            return redirect(need)
        try:
            _support, created = services.need_support(need=need, supporter=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(need)
        if created:
            messages.success(request, _("You support this need. %(count)s residents now support it.")
                             % {"count": need.support_count})
        else:
            messages.info(request, _("You already support this need. Each resident can support a need once, so nothing changed."))
        return redirect(need)


class NeedRaiseView(PermissionRequiredMixin, View):
    permission_required = "needs.raise_need"
    template_name = "needs/need_raise.html"

    def get_form(self, data=None):
        wards, neighbourhoods = selectors.place_choices()
        initial = {"place": place_value(neighbourhood=self.request.user.neighbourhood)}
        return NeedRaiseForm(data, wards=wards, neighbourhoods=neighbourhoods, initial=initial)

    def get(self, request):
        return render(request, self.template_name, {"form": self.get_form()})

    def post(self, request):
        form = self.get_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                need = services.need_raise(
                    raised_by=request.user, title=data["title"], description=data["description"],
                    category=data["category"], kind=data["kind"], **data["place"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your need has been published. Officers will respond on this page."))
                return redirect(need)
        return render(request, self.template_name, {"form": form})


class NeedRespondView(NeedObjectMixin, PermissionRequiredMixin, View):
    permission_required = "needs.respond_need"
    template_name = "needs/need_respond.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, {"need": self.need, "form": NeedRespondForm(need=self.need)})

    def post(self, request, pk: int):
        need = self.need
        form = NeedRespondForm(request.POST, need=need)
        if form.is_valid():
            try:
                services.need_respond(need=need, officer=request.user, status=form.cleaned_data["status"],
                                      reasons=form.cleaned_data["reasons"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your response is published on the need's page."))
                return redirect(need)
        return render(request, self.template_name, {"need": need, "form": form})


class IndicatorAddView(NeedObjectMixin, PermissionRequiredMixin, View):
    permission_required = "needs.add_indicator"
    template_name = "needs/indicator_add.html"

    def get(self, request, pk: int):
        return render(request, self.template_name, {"need": self.need, "form": OutcomeIndicatorForm()})

    def post(self, request, pk: int):
        need = self.need
        form = OutcomeIndicatorForm(request.POST)
        if form.is_valid():
            try:
                services.outcome_indicator_add(need=need, officer=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Outcome indicator added."))
                return redirect(need)
        return render(request, self.template_name, {"need": need, "form": form})
