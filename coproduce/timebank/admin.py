"""Admin: rules, rewards and policies are edited here; the ledger is read-only (append-only)."""

from django.contrib import admin

from .models import (
    Account,
    CouncilTaxPolicy,
    EarningRule,
    LedgerEntry,
    LedgerTransaction,
    Redemption,
    Reward,
    RewardClaim,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EarningRule)
class EarningRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "credits_per_unit", "max_credits_per_event", "officer_can_issue", "is_active"]


@admin.register(Reward)
class RewardAdmin(admin.ModelAdmin):
    list_display = ["title", "offered_by", "price", "stock", "is_active"]
    list_select_related = ["offered_by"]


@admin.register(CouncilTaxPolicy)
class CouncilTaxPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "year_starts", "year_ends", "credits_per_pound", "annual_cap_pence", "cap_basis", "is_active"]


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    extra = 0
    can_delete = False
    readonly_fields = ["account", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(LedgerTransaction)
class LedgerTransactionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "member", "credits", "rule", "event_key"]
    list_filter = ["kind", "rule"]
    search_fields = ["event_key", "member__email"]
    list_select_related = ["member", "rule"]
    inlines = [LedgerEntryInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "balance"]
    list_filter = ["kind"]
    search_fields = ["user__email", "name"]


@admin.register(RewardClaim)
class RewardClaimAdmin(ReadOnlyAdmin):
    list_display = ["reward", "member", "code", "claimed_at"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["member", "policy", "discount_pence", "council_tax_reference", "created_at"]
