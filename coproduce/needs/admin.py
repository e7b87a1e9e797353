from django.contrib import admin

from .models import Need, NeedResponse, OutcomeIndicator


class NeedResponseInline(admin.TabularInline):
    model = NeedResponse
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "reasons", "responded_by", "responded_by_label", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False  # responses go through the respond page, which writes the audit log


class OutcomeIndicatorInline(admin.TabularInline):
    model = OutcomeIndicator
    extra = 0
    readonly_fields = ["created_by", "created_at"]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "status", "support_count", "area_ward", "created_at"]
    list_filter = ["status", "category", "kind"]
    search_fields = ["title"]
    list_select_related = ["area_ward"]
    raw_id_fields = ["raised_by", "neighbourhood", "ward"]
    readonly_fields = ["status", "support_count", "area_ward", "created_at", "responded_at"]
    inlines = [NeedResponseInline, OutcomeIndicatorInline]
    show_full_result_count = False  # keep the changelist fast with tens of thousands of needs
