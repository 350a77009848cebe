"""Roles, assignments and API tokens in the admin site (for users with manage_users)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from sinergi.web.accounts.models import ApiToken, Assignment, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "needs_opd", "needs_village")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "see_scope", "edit_scope", "opd", "starts", "ends")
    list_filter = ("role",)
    search_fields = ("user__username", "see_scope", "opd")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their users on the token page (the only place the text shows)."""

    list_display = ("user", "name", "prefix", "created", "last_used", "expires", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "name", "prefix", "created", "last_used")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Cabut token terpilih")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        queryset.filter(revoked__isnull=True).update(revoked=timezone.now())
