"""Admin: read-only views for support staff. Changes go through the pages (services, audit)."""

from django.contrib import admin

from .models import Invitation, Panel, PanelStatusChange, Selection


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Panel)
class PanelAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "size", "closes_on", "ends_on", "selection_state")
    list_filter = ("status",)
    search_fields = ("title", "slug")
    # Never the seed before the draw, and never volunteers' answers.
    exclude = ("seed",)


@admin.register(PanelStatusChange)
class PanelStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ("panel", "from_status", "to_status", "changed_at")


@admin.register(Selection)
class SelectionAdmin(ReadOnlyAdmin):
    list_display = ("panel", "algorithm", "pool_size", "panel_size", "min_probability", "created_at")
    exclude = ("distribution", "probabilities")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("panel", "volunteer", "status", "invited_at", "responded_at")
    list_filter = ("status",)
