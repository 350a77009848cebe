"""The area a page is about: its code, its name and the breadcrumb from the province down to it."""

from __future__ import annotations

from typing import Any

from sinergi.domain import wilayah


def trail(code: str) -> list[dict[str, str]]:
    """The areas from the province down to ``code`` (none for an unknown or empty code)."""
    here = wilayah.find(code) if code else None
    if here is None:
        return []
    return [{"code": a.code, "name": a.name} for a in [*wilayah.ancestors(code), here]]


def name(code: str) -> str:
    """The area's short name ("Kab. Dompu"), or the code itself when the list lacks it."""
    here = wilayah.find(code) if code else None
    return here.label if here else code


def place(code: str) -> dict[str, Any]:
    """``code``, the area's name and its breadcrumb."""
    return {"code": code, "name": name(code), "trail": trail(code)}
