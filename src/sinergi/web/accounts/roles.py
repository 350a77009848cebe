"""Load the roles from ``roles.toml`` (the user's in the data folder, else the shipped one)."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from sinergi.errors import SinergiError
from sinergi.web.accounts.models import Role

PERMISSIONS = frozenset(
    {"see_people", "see_identifiers", "export", "review", "verval", "approve_verval", "upload",
     "manage_users", "plan", "manage_plan", "follow_up", "coordinate", "report"}
)  # fmt: skip


def roles_file() -> Path:
    own = Path(settings.HOME) / "roles.toml"
    return own if own.exists() else Path(str(resources.files("sinergi") / "data" / "roles.toml"))


def read_roles(path: Path) -> dict[str, dict[str, Any]]:
    """The roles of ``path``, checked: every role has a name and known permissions."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SinergiError(
            f"Berkas peran {path} tidak bisa dibaca: {error}",
            english=f"Cannot read roles file {path}: {error}",
            code="ROLES_UNREADABLE",
        ) from error
    for code, role in data.items():
        unknown = set(role.get("permissions", [])) - PERMISSIONS
        if not isinstance(role, dict) or "name" not in role or unknown:
            raise SinergiError(
                f"Peran '{code}' di {path} tidak sah: perlu 'name' dan izin yang dikenal"
                + (f" (tidak dikenal: {', '.join(sorted(unknown))})" if unknown else "")
                + ".",
                english=f"Role {code!r} in {path} is invalid (unknown permissions {unknown})",
                code="ROLES_INVALID",
            )
    return data


@transaction.atomic
def sync_roles(path: Path | None = None) -> list[Role]:
    """Create or update every role of the file; roles missing from it are left alone."""
    roles = []
    for code, role in read_roles(path or roles_file()).items():
        saved, _ = Role.objects.update_or_create(
            code=code,
            defaults={
                "name": role["name"],
                "name_en": role.get("name_en", role["name"]),
                "permissions": sorted(role.get("permissions", [])),
                "needs_opd": bool(role.get("needs_opd", False)),
                "needs_village": bool(role.get("needs_village", False)),
            },
        )
        roles.append(saved)
    return roles
