"""The audit log in the admin site: readable and searchable, never editable."""

from django.contrib import admin
from django.http import HttpRequest

from sinergi.web.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "what", "area", "rows", "identifiers_shown")
    list_filter = ("action", "what")
    search_fields = ("username", "area")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
