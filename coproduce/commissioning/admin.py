"""Admin for commissioning reference data and a read-only view of the rest.

Statuses change only through the services (which write the audit log), so almost everything is
read-only here. Sealed bids stay sealed in the admin too: until the opportunity has been opened
after its deadline, a bid's price, VAT, social value and answers are not shown to anyone, a
superuser included (ADR 0601).
"""

from __future__ import annotations

from django.contrib import admin

from .models import (
    BankHoliday,
    Bid,
    BidAnswer,
    BidResult,
    CommissioningProject,
    Contract,
    ContractKpi,
    Criterion,
    Lot,
    Opportunity,
    ProcurementThreshold,
    StageDecision,
)
from .selectors import is_opened


@admin.register(ProcurementThreshold)
class ProcurementThresholdAdmin(admin.ModelAdmin):
    list_display = ["kind", "authority", "value_pence", "valid_from", "valid_to"]
    list_filter = ["kind", "authority"]


@admin.register(BankHoliday)
class BankHolidayAdmin(admin.ModelAdmin):
    """Councils add each new year's England and Wales bank holidays here (or import GOV.UK's file)."""

    list_display = ["date", "title", "division"]
    list_filter = ["division"]
    date_hierarchy = "date"


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StageDecisionInline(ReadOnlyInline):
    model = StageDecision
    fields = ["from_stage", "to_stage", "decision", "decided_by_label", "decided_at"]


@admin.register(CommissioningProject)
class CommissioningProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "stage", "service_area", "ward", "created_at"]
    list_filter = ["stage", "service_area"]
    search_fields = ["title"]
    readonly_fields = ["stage", "stage_changed_at", "created_at"]
    raw_id_fields = ["lead_officer", "created_by", "ward", "neighbourhood"]
    filter_horizontal = ["needs"]
    inlines = [StageDecisionInline]


class LotInline(ReadOnlyInline):
    model = Lot
    fields = ["number", "title", "value_pence"]


class CriterionInline(ReadOnlyInline):
    model = Criterion
    fields = ["code", "kind", "question", "weight", "gate_min"]


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "status", "deadline", "opened_at"]
    list_filter = ["status", "route"]
    search_fields = ["reference", "title"]
    inlines = [LotInline, CriterionInline]

    def has_change_permission(self, request, obj=None):
        return False  # publish, open, award and cancel go through the pages that write the audit log


class BidAnswerInline(ReadOnlyInline):
    model = BidAnswer
    fields = ["criterion", "answer"]


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ["pk", "opportunity", "lot", "organisation", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["opportunity", "lot", "organisation"]
    sealed = set(Bid.SEALED_FIELDS)

    def get_fields(self, request, obj=None):
        fields = ["opportunity", "lot", "organisation", "status", "created_at", "submitted_at"]
        if obj is not None and is_opened(obj.opportunity_id):
            fields += list(Bid.SEALED_FIELDS)
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def get_inlines(self, request, obj):
        return [BidAnswerInline] if obj is not None and is_opened(obj.opportunity_id) else []

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BidResult)
class BidResultAdmin(admin.ModelAdmin):
    list_display = ["bid", "rank", "total", "passed_gates"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class ContractKpiInline(admin.TabularInline):
    model = ContractKpi
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "organisation", "value_pence", "start_date", "end_date", "status"]
    list_filter = ["status", "reserved_for_mutuals"]
    search_fields = ["reference", "title", "organisation__name"]
    readonly_fields = ["award", "organisation", "project", "value_pence", "cost_to_council_pence", "created_by", "created_at"]
    inlines = [ContractKpiInline]
