"""The admin site, open only to those who may manage users: an active `manage_users` assignment.

Django's own admin lets in any active staff user. Here staff status is not
enough: a staff user also needs an assignment active today whose role grants
``manage_users``, so ending the assignment ends the access. A superuser (made
with ``createsuperuser`` or ``sinergi serve --demo-users``) is let in without
one: it is the way in before any role is assigned, and is kept to the few
people who run the server.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


def may_manage_users(user: Any) -> bool:
    """Whether ``user`` may use the admin site (see the module's note)."""
    # Imported here: Django imports this module while it loads the apps, before models.
    from sinergi.web import scoping

    if not (user.is_active and getattr(user, "is_staff", False)):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(a.role.allows("manage_users") for a in scoping.assignments(user))


class SinergiAdminSite(admin.AdminSite):
    site_header = "Sinergi"
    site_title = "Sinergi"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_manage_users(request.user)


class SinergiAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`SinergiAdminSite` as ``admin.site``."""

    default_site = "sinergi.web.accounts.admin_site.SinergiAdminSite"
