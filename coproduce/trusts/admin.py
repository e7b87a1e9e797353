from django.contrib import admin

from .models import BoardSeat, MemberClass, Membership, Proposal, Trust


class MemberClassInline(admin.TabularInline):
    model = MemberClass
    extra = 0


class BoardSeatInline(admin.TabularInline):
    model = BoardSeat
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "area_kind", "votes_by_class", "is_open"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["wards", "neighbourhoods", "officers"]
    inlines = [MemberClassInline, BoardSeatInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Read-only here: people join and leave through the site, so the register and audit log agree."""

    list_display = ["user", "trust", "member_class", "joined_at", "left_at", "joined_via"]
    list_filter = ["trust", "joined_via"]
    list_select_related = ["user", "trust", "member_class"]
    search_fields = ["user__email", "user__full_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "trust", "status", "outcome", "closes_at"]
    list_filter = ["trust", "status", "outcome"]
    readonly_fields = ["tally"]
