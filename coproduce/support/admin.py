from django.contrib import admin

from .models import SupportRequest, SupportRequestStatusChange, SupportService


@admin.register(SupportService)
class SupportServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "price_pence", "price_unit", "response_working_days", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class HistoryInline(admin.TabularInline):
    model = SupportRequestStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "note", "changed_by", "changed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    """Read-only: requests move through the pages, which write the audit log."""

    list_display = ["service", "organisation", "status", "quantity", "due_by", "created_at"]
    list_filter = ["status", "service__category"]
    list_select_related = ["service", "organisation"]
    inlines = [HistoryInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
