"""The dashboard's overdue rakor follow-ups card: ``{% overdue_follow_ups area_code %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from sinergi.web import scoping
from sinergi.web.coordination import reads

register = template.Library()

SHOWN = 5


@register.inclusion_tag("sinergi/coordination/overdue_card.html", takes_context=True)
def overdue_follow_ups(context: dict[str, Any], area_code: str) -> dict[str, Any]:
    """The overdue follow-ups of the area's TKPK and of every TKPK above it, soonest due first.

    A desa's dashboard thus shows its regency's (and province's). Each links to its
    page where the user may read it. Renders nothing when none is overdue.
    """
    areas = reads.above_and_here(str(area_code or ""))
    late = reads.overdue(areas, timezone.localdate()) if areas else None
    count = late.count() if late is not None else 0
    if not count or late is None:
        return {"count": 0}
    request = context.get("request")
    user = getattr(request, "user", None)
    readable = {code: user is not None and scoping.may_see_area(user, code) for code in areas}
    return {
        "count": count,
        "rows": [(f, readable.get(f.area_code, False)) for f in late[:SHOWN]],
        "more": max(count - SHOWN, 0),
    }
