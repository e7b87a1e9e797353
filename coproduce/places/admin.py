"""Django admin for places: for looking things up. Changes go through services (and the audit log)
where it matters, so wards and postcodes are read-only here."""

from django.contrib import admin

from .models import Council, Neighbourhood, Postcode, Ward


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["name", "gss_code"]


@admin.register(Ward)
class WardAdmin(ReadOnlyAdmin):
    list_display = ["name", "gss_code", "council", "population"]
    search_fields = ["name", "gss_code"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "ward"]
    list_filter = ["kind", "ward"]
    search_fields = ["name", "slug"]


@admin.register(Postcode)
class PostcodeAdmin(ReadOnlyAdmin):
    list_display = ["postcode", "neighbourhood"]
    search_fields = ["postcode"]
    list_select_related = ["neighbourhood"]
