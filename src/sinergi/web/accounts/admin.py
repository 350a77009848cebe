"""Users, roles, assignments and API tokens in the admin site (for users with manage_users).

Every change to a user, a role or an assignment made here leaves an audit row
(``write``): who changed what, where, and which fields (a new password is named,
never shown).
"""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from sinergi.web import scoping
from sinergi.web.accounts.admin_site import may_manage_users
from sinergi.web.accounts.models import ApiToken, Assignment, Role


class AuditedAdmin(admin.ModelAdmin):
    """Writes one audit row per object saved or deleted through the admin.

    Whoever may manage users may edit roles and assignments: the permission is the
    role's ``manage_users``, not Django's per-model permissions.
    """

    audit_what = ""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_users(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_manage_users(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_users(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_users(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_users(request.user)

    def audit_area(self, obj: Any) -> str:
        return ""

    def audit_filters(self, obj: Any) -> dict[str, Any]:
        return {"id": obj.pk}

    def _audit(self, request: HttpRequest, obj: Any, change: str, fields: str = "") -> None:
        filters = {**self.audit_filters(obj), "perubahan": change}
        if fields:
            filters["kolom"] = fields
        scoping.audit(request.user, "write", self.audit_what, self.audit_area(obj), filters)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        fields = ",".join(form.changed_data) if change else ""
        self._audit(request, obj, "ubah" if change else "tambah", fields)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self._audit(request, obj, "hapus")  # before the row and its id are gone
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self._audit(request, obj, "hapus")
        super().delete_queryset(request, queryset)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("code", "name", "name_en", "needs_opd", "needs_village")
    audit_what = "role"

    def audit_filters(self, obj: Any) -> dict[str, Any]:
        return {"id": obj.pk, "peran": obj.code, "izin": ",".join(obj.permissions or [])}


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    list_display = ("user", "role", "see_scope", "edit_scope", "opd", "starts", "ends")
    list_filter = ("role",)
    search_fields = ("user__username", "see_scope", "opd")
    audit_what = "assignment"

    def audit_area(self, obj: Any) -> str:
        return str(obj.see_scope or "")

    def audit_filters(self, obj: Any) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "pengguna": obj.user.get_username(),
            "peran": obj.role.code,
            "wilayah_ubah": obj.edit_scope,
            "mulai": obj.starts,
            "selesai": obj.ends,
        }


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    """Django's user pages; staff, superuser and active status are who may do what."""

    audit_what = "user"

    def audit_filters(self, obj: Any) -> dict[str, Any]:
        return {
            "id": obj.pk,
            "pengguna": obj.get_username(),
            "staf": obj.is_staff,
            "superuser": obj.is_superuser,
            "aktif": obj.is_active,
        }

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        # The password form saves the user itself, past save_model: audited here.
        if request.path.endswith("/password/"):
            self._audit(request, obj, "ubah", "password")
        return super().log_change(request, obj, message)


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
