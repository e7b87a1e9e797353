"""Admin: processes, projects and delivery. The ballot box is read-only here and never shows voters."""

from django.contrib import admin

from .models import Ballot, Category, Count, Milestone, Phase, Process, Project, VoterRecord


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class CategoryInline(admin.TabularInline):
    model = Category
    extra = 0


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["title", "scope", "budget", "ballot_type", "rule"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PhaseInline, CategoryInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "process", "pb_id", "status", "cost", "funded", "delivery_status", "progress"]
    list_filter = ["status", "funded", "process"]
    inlines = [MilestoneInline]


@admin.register(Count)
class CountAdmin(admin.ModelAdmin):
    list_display = ["process", "rule", "status", "progress", "requested_at"]
    readonly_fields = [f.name for f in Count._meta.fields]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(VoterRecord)
class VoterRecordAdmin(ReadOnlyAdmin):
    list_display = ["process", "user", "channel", "voted_on"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["ballot_id", "process"]
    exclude = ["receipt_hash"]
