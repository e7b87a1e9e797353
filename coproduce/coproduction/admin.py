from django.contrib import admin

from .models import Action, ActionUpdate, Collaborative, Meeting, Participant


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Collaborative)
class CollaborativeAdmin(admin.ModelAdmin):
    list_display = ["name", "is_open", "trust", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ParticipantInline]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "collaborative", "starts_at", "capacity"]
    list_filter = ["collaborative"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["organiser", "minutes_recorded_by"]
    # Attendance pays time credits and registrations hold access needs: both go through the
    # organisers' pages (services with audit entries), so they are not editable here.


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "note", "by", "by_label", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "collaborative", "owner_label", "due_date", "status"]
    list_filter = ["status", "collaborative"]
    raw_id_fields = ["owner", "meeting", "idea", "created_by", "needs"]
    readonly_fields = ["status", "completed_at"]
    inlines = [ActionUpdateInline]
