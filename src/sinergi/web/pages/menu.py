"""The menu shows only what the user's active roles allow (a template context processor)."""

from __future__ import annotations

from django.http import HttpRequest

from sinergi.web import scoping


def menu(request: HttpRequest) -> dict[str, set[str]]:
    """``permissions``: every permission any of the user's active assignments grants."""
    if not request.user.is_authenticated:
        return {"permissions": set()}
    return {
        "permissions": {p for a in scoping.assignments(request.user) for p in a.role.permissions}
    }
