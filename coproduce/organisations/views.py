"""Organisation pages. The list and detail are public; changes need the permissions in rules.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from . import selectors, services
from .forms import (
    IdentifierAddForm,
    MembershipAddForm,
    OrganisationFilterForm,
    OrganisationRegisterForm,
)
from .models import Membership, Organisation
from .orgid import SCHEMES

PAGE_SIZE = 20


def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = selectors.organisation_list(
        legal_form=filters.get("legal_form", ""), ward_slug=filters.get("ward", ""), kind=filters.get("kind", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "organisations/organisation_list.html", {
        "form": form, "page": page, "filtered": any(filters.values()),
        "can_register": request.user.has_perm("organisations.add_organisation"),
    })


def organisation_detail(request, slug):
    organisation = selectors.organisation_get(slug=slug)
    can_see_members = request.user.has_perm("organisations.view_membership", organisation)
    can_manage = request.user.has_perm("organisations.change_membership", organisation)
    return render(request, "organisations/organisation_detail.html", {
        "organisation": organisation,
        "identifiers": list(organisation.identifiers.all()),
        "members": list(selectors.membership_list(organisation=organisation)) if can_see_members else None,
        "can_manage_members": can_manage,
        "can_add_identifier": request.user.has_perm("organisations.add_organisationidentifier", organisation),
        "warnings": selectors.organisation_warnings(organisation=organisation) if can_manage else [],
        "scheme_names": {code: str(scheme.name) for code, scheme in SCHEMES.items()},
    })


class OrganisationObjectMixin(PermissionRequiredMixin):
    def get_permission_object(self):
        if not hasattr(self, "organisation"):
            self.organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"])
        return self.organisation


def _errors_to_form(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class OrganisationRegisterView(PermissionRequiredMixin, View):
    permission_required = "organisations.add_organisation"
    template = "organisations/organisation_register.html"

    def get(self, request):
        return render(request, self.template, {"form": OrganisationRegisterForm()})

    def post(self, request):
        form = OrganisationRegisterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                organisation = services.organisation_register(
                    name=data["name"], kind=data["kind"], legal_form=data["legal_form"], ward=data["ward"],
                    description=data["description"], website=data["website"], scheme=data["scheme"],
                    identifier=data["identifier"], vat_status=data["vat_status"], vat_number=data["vat_number"],
                    actor=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("%(name)s has been registered.") % {"name": organisation.name})
                for warning in selectors.organisation_warnings(organisation=organisation):
                    messages.warning(request, warning)
                return redirect("organisations:organisation_detail", slug=organisation.slug)
        return render(request, self.template, {"form": form})


class IdentifierAddView(OrganisationObjectMixin, View):
    permission_required = "organisations.add_organisationidentifier"
    template = "organisations/identifier_add.html"

    def get(self, request, slug):
        return render(request, self.template, {"form": IdentifierAddForm(), "organisation": self.organisation})

    def post(self, request, slug):
        form = IdentifierAddForm(request.POST)
        if form.is_valid():
            try:
                row = services.organisation_identifier_add(
                    organisation=self.organisation, scheme=form.cleaned_data["scheme"],
                    identifier=form.cleaned_data["identifier"], is_primary=form.cleaned_data["is_primary"],
                    actor=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("%(org_id)s has been added.") % {"org_id": row.org_id})
                for warning in selectors.organisation_warnings(organisation=self.organisation):
                    messages.warning(request, warning)
                return redirect("organisations:organisation_detail", slug=self.organisation.slug)
        return render(request, self.template, {"form": form, "organisation": self.organisation})


class MembershipAddView(OrganisationObjectMixin, View):
    permission_required = "organisations.change_membership"
    template = "organisations/membership_add.html"

    def get(self, request, slug):
        return render(request, self.template, {"form": MembershipAddForm(), "organisation": self.organisation})

    def post(self, request, slug):
        form = MembershipAddForm(request.POST)
        if form.is_valid():
            try:
                membership = services.membership_add(
                    organisation=self.organisation, user=form.user, role=form.cleaned_data["role"], actor=request.user,
                )
            except ValidationError as error:
                _errors_to_form(form, error)
            else:
                messages.success(request, _("%(name)s has been added as: %(role)s.") % {
                    "name": membership.user.display_name, "role": membership.get_role_display()})
                return redirect("organisations:organisation_detail", slug=self.organisation.slug)
        return render(request, self.template, {"form": form, "organisation": self.organisation})


class MembershipRemoveView(OrganisationObjectMixin, View):
    permission_required = "organisations.change_membership"
    template = "organisations/membership_remove.html"

    def membership(self):
        return get_object_or_404(Membership.objects.select_related("user"), pk=self.kwargs["pk"],
                                 organisation=self.organisation)

    def get(self, request, slug, pk):
        return render(request, self.template, {"organisation": self.organisation, "membership": self.membership()})

    def post(self, request, slug, pk):
        membership = self.membership()
        try:
            services.membership_remove(membership=membership, actor=request.user)
        except ValidationError as error:
            return render(request, self.template, {"organisation": self.organisation, "membership": membership,
                                                   "error": " ".join(error.messages)})
        messages.success(request, _("%(name)s is no longer a member.") % {"name": membership.user.display_name})
        return redirect("organisations:organisation_detail", slug=self.organisation.slug)
