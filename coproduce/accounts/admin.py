from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import LetterCode, RoleAssignment, User, VerificationEvent


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"email": forms.EmailField}


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "granted_by", "granted_at")
    readonly_fields = ("granted_by", "granted_at")


class VerificationEventInline(admin.TabularInline):
    model = VerificationEvent
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "method", "actor", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Django admin for technical maintenance. Day-to-day role changes and residency decisions
    go through the service's own pages, which write the audit log."""

    form = UserEditForm
    add_form = UserCreationForm
    inlines = [RoleAssignmentInline, VerificationEventInline]
    list_display = ("email", "full_name", "neighbourhood", "verification_status", "is_active", "date_joined")
    list_filter = ("verification_status", "is_active", "is_staff", "roles__role")
    search_fields = ("email", "full_name", "postcode")
    ordering = ("full_name",)
    list_select_related = ("neighbourhood",)
    raw_id_fields = ("neighbourhood",)
    readonly_fields = ("last_login", "date_joined", "verified_at")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "date_of_birth", "address_line", "postcode", "neighbourhood",
                                   "accessibility_needs", "preferred_language")}),
        (_("Residency"), {"fields": ("verification_status", "verification_method", "verified_at")}),
        (_("Django admin access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    filter_horizontal = ()


@admin.register(LetterCode)
class LetterCodeAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "expires_at", "attempts", "posted_at", "used_at", "withdrawn_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "code_hash", "created_at", "expires_at", "used_at", "attempts", "posted_at",
                       "posted_by", "withdrawn_at")
    exclude = ("print_code",)
    search_fields = ("user__email", "user__full_name")

    def has_add_permission(self, request):
        return False
