"""Roles and assignments in the admin site (for users with the manage_users permission)."""

from django.contrib import admin

from sinergi.web.accounts.models import Assignment, Role


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "needs_opd", "needs_village")


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "see_scope", "edit_scope", "opd", "starts", "ends")
    list_filter = ("role",)
    search_fields = ("user__username", "see_scope", "opd")
