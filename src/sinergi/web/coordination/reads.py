"""What the coordination pages, API and dashboard card read: rakor, follow-ups, compliance.

Coordination records are about areas, not persons: anyone whose see scope
covers the area reads them (``require_see``), and a refusal is audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.domain import wilayah
from sinergi.domain.reference import opd_programs
from sinergi.web import registry, scoping
from sinergi.web.accounts.models import Assignment
from sinergi.web.coordination import rules
from sinergi.web.coordination.models import (
    Decision,
    Decree,
    FollowUp,
    FollowUpStatus,
    Invitee,
    Meeting,
)

TEAM_LEVELS = (wilayah.Level.PROVINCE, wilayah.Level.REGENCY)


def team_area(code: str) -> wilayah.Area:
    """The province or regency ``code`` names (a TKPK exists only there); Http404 otherwise."""
    try:
        area = wilayah.find(code)
    except wilayah.WilayahError:
        area = None
    if area is None:
        raise Http404(_("Kode wilayah tidak dikenal."))
    if area.level not in TEAM_LEVELS:
        raise Http404(_("TKPK ada di provinsi dan kabupaten/kota; pilih salah satunya."))
    return area


def full_name(area: wilayah.Area) -> str:
    """The name a decree uses: "Kabupaten Dompu", "Kota Bima", "Provinsi Nusa Tenggara Barat"."""
    return area.label.replace("Kab. ", "Kabupaten ", 1).replace("Prov. ", "Provinsi ", 1)


def require_see(user: scoping.User, area: str, what: str) -> None:
    """PermissionDenied (and an audit row) unless the user's see scope covers ``area``."""
    if not scoping.may_see_area(user, area):
        scoping.audit(user, "denied", what, area)
        raise PermissionDenied(_("Wilayah ini di luar wilayah Anda."))


def home_team_area(user: scoping.User) -> str | None:
    """The TKPK the user looks at first: the regency (or province) of their widest see scope.

    None when the user sees only a kecamatan or desa, below any TKPK. A user who
    sees all Indonesia starts at the first area that keeps coordination records.
    """
    for home in scoping.home_areas(user):
        if not home:
            return _first_team_area()
        if wilayah.level_of(home) in TEAM_LEVELS:
            return home
    return None


def _first_team_area() -> str | None:
    """The first regency with coordination records, else the first the diagnosis covers."""
    kept = Decree.objects.order_by("area_code").values_list("area_code", flat=True).first()
    if kept:
        return str(kept)
    try:
        areas = registry.diagnosis_table("areas")
    except registry.NoDiagnosis:
        return None
    regencies = areas.filter(areas["level"] == "kabupaten")["area_code"].sort()
    return str(regencies[0]) if len(regencies) else None


def year_meetings(area: str, year: int) -> QuerySet[Meeting]:
    """The area's rakor of the calendar year, with their decisions and follow-ups."""
    return (
        Meeting.objects.filter(area_code=area, date__year=year)
        .prefetch_related(
            Prefetch("decisions", queryset=Decision.objects.prefetch_related("follow_ups"))
        )
        .order_by("date", "start_time", "pk")
    )


def compliance_of(area: wilayah.Area, year: int) -> rules.Compliance:
    meetings = Meeting.objects.filter(area_code=area.code, date__year=year)
    return rules.compliance(area.code, area.label, meetings.values_list("date", "status"), year)


def province_compliance(province: wilayah.Area, year: int) -> list[rules.Compliance]:
    """Each regency of the province, in code order, with its rakor count of the year."""
    regencies = [a for a in wilayah.children(province.code) if a.level is wilayah.Level.REGENCY]
    held: dict[str, list[tuple[date, str]]] = {a.code: [] for a in regencies}
    rows = Meeting.objects.filter(area_code__in=held, date__year=year)
    for code, day, status in rows.values_list("area_code", "date", "status"):
        held[code].append((day, status))
    return [rules.compliance(a.code, a.label, held[a.code], year) for a in regencies]


def follow_ups(areas: list[str]) -> QuerySet[FollowUp]:
    """The follow-ups of rakor held by these areas' teams, soonest due first."""
    return (
        FollowUp.objects.filter(decision__meeting__area_code__in=areas)
        .select_related("decision__meeting")
        .order_by("due", "pk")
    )


def overdue(areas: list[str], today: date) -> QuerySet[FollowUp]:
    """Follow-ups not done whose due date is before ``today`` (see `rules.is_overdue`)."""
    return follow_ups(areas).exclude(status=FollowUpStatus.SELESAI).filter(due__lt=today)


def carried_over(meeting: Meeting, today: date) -> list[FollowUp]:
    """The overdue follow-ups a rakor takes up: those of its area overdue on the meeting's day.

    A meeting still to come takes today's statuses; one already past takes the
    statuses recorded before its day, so its page keeps showing what it discussed.
    """
    day = meeting.date
    candidates = (
        follow_ups([meeting.area_code])
        .filter(due__lt=day, decision__meeting__date__lt=day)
        .prefetch_related("updates")
    )
    if day >= today:
        return [f for f in candidates if rules.is_overdue(f.status, f.due, day)]
    carried = []
    for follow_up in candidates:
        history = [(timezone.localdate(u.at), u.status) for u in follow_up.updates.all()]
        status = rules.status_before(history, day)
        if status is not None and rules.is_overdue(status, follow_up.due, day):
            carried.append(follow_up)
    return carried


def above_and_here(code: str) -> list[str]:
    """``code`` and every area above it, which is where a dashboard's follow-ups come from."""
    try:
        return [*(a.code for a in wilayah.ancestors(code)), code]
    except wilayah.WilayahError:
        return []


def opd_names() -> list[str]:
    """OPD names to suggest: the reference catalog's and those OPD officers are bound to."""
    officers = Assignment.objects.exclude(opd="").values_list("opd", flat=True)
    return sorted({row.opd for row in opd_programs()} | set(officers.distinct()))


def attendance(meeting: Meeting) -> dict[str, Any]:
    """How many came, of how many invited; None where attendance was not taken yet."""
    invited: list[Invitee] = list(meeting.invitees.all())
    taken = [i for i in invited if i.attended is not None]
    return {
        "invited": len(invited),
        "present": sum(1 for i in taken if i.attended),
        "taken": bool(taken),
    }
