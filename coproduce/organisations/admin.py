"""Django admin for organisations: for looking things up. Registration, identifiers and members
change through the services (and the audit log), so they are read-only here."""

from django.contrib import admin

from .models import Membership, Organisation, OrganisationIdentifier


class IdentifierInline(admin.TabularInline):
    model = OrganisationIdentifier
    extra = 0
    can_delete = False
    readonly_fields = ["scheme", "identifier", "is_primary", "added_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "kind", "ward", "vat_status"]
    list_filter = ["legal_form", "kind", "vat_status", "ward"]
    search_fields = ["name", "identifiers__identifier"]
    inlines = [IdentifierInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["organisation", "user", "role", "joined_at"]
    list_filter = ["role"]
    list_select_related = ["organisation", "user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
