"""The REST API of coordination: rakor with decisions and follow-ups, follow-up reports, compliance.

The same reads, rules, forms and actions as the pages: anyone whose see scope
covers the area reads; a follow-up is reported on by its OPD or the
secretariat, and a refusal is a 403 with an audit row. Errors are
``{"detail": "…"}``; a form's errors also come per field (422).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import P, PathEx, Query, Router, Schema, Status
from pydantic import Field

from sinergi.domain import wilayah
from sinergi.web.coordination import actions, reads, rules
from sinergi.web.coordination.models import Decision, FollowUp, FollowUpUpdate, Meeting
from sinergi.web.refusals import unprocessable

router = Router(tags=["koordinasi"])

MAX_ID = 2**63 - 1  # a bigger id would overflow the database's bigint, not just miss
TEAM_AREA = r"^[0-9]{2}(\.[0-9]{2})?$"
AreaCode: TypeAlias = PathEx[
    str,
    P(pattern=TEAM_AREA, description="Provinsi atau kabupaten/kota, bertitik.", examples=["52.05"]),
]
Year = Annotated[int, Field(ge=2000, le=2100)]


class FollowUpOut(Schema):
    id: int
    area_code: str
    meeting: int
    decision: int
    action: str
    owner_opd: str
    due: date
    status: str
    evidence: str
    done_on: date | None
    overdue: bool = Field(description="Belum selesai dan tenggatnya sebelum hari ini.")


class DecisionOut(Schema):
    id: int
    number: int
    text: str
    follow_ups: list[FollowUpOut]


class MeetingOut(Schema):
    id: int
    area_code: str
    date: date
    start_time: time
    title: str
    place: str
    online_link: str
    agenda: str
    status: str
    minutes: str
    invited: int
    present: int | None = Field(description="Kosong selama kehadiran belum dicatat.")
    decisions: list[DecisionOut]


class YearQuery(Schema):
    tahun: Year | None = Field(None, description="Tahun kalender; kosong = tahun ini.")


class FollowUpQuery(Schema):
    lewat_tenggat: bool = Field(False, description="Hanya yang lewat tenggat hari ini.")


class StatusIn(Schema):
    status: Literal["belum", "proses", "selesai"]
    evidence: str = Field("", description="Bukti; wajib bila selesai.", max_length=4000)
    note: str = Field("", max_length=2000)
    done_on: date | None = Field(None, description="Tanggal selesai; kosong = hari ini.")


class UpdateOut(Schema):
    status: str
    evidence: str
    note: str
    by: str
    at: datetime
    follow_up: FollowUpOut


class ComplianceRow(Schema):
    area_code: str
    name: str
    held: int = Field(description="Rakor terlaksana dalam tahun kalender.")
    planned: int
    cancelled: int
    met: bool
    missing: int


class ComplianceOut(Schema):
    area_code: str
    year: int
    minimum: int
    basis: str
    rows: list[ComplianceRow]


class Invalid(Schema):
    """What is wrong, as one sentence and per field."""

    detail: str
    fields: dict[str, list[str]] | None = None


@router.get(
    "/{area}/rakor", response=list[MeetingOut], summary="Rakor satu tahun dengan keputusannya"
)
def meetings(request: HttpRequest, area: AreaCode, query: Query[YearQuery]) -> list[dict[str, Any]]:
    """The rakor of a TKPK in a calendar year, with decisions and their follow-ups."""
    place = _team(request, area, "api_coordination_meetings")
    today = timezone.localdate()
    rows = reads.year_meetings(place.code, query.tahun or today.year).prefetch_related("invitees")
    return [_meeting(m, today) for m in rows]


@router.get(
    "/{area}/tindak-lanjut",
    response=list[FollowUpOut],
    summary="Tindak lanjut rakor (dan yang lewat tenggat)",
)
def follow_ups(
    request: HttpRequest, area: AreaCode, query: Query[FollowUpQuery]
) -> list[dict[str, Any]]:
    """Follow-ups of the rakor of the area and of the areas below it, soonest due first."""
    place = _team(request, area, "api_coordination_follow_ups")
    today = timezone.localdate()
    rows = FollowUp.objects.in_area(place.code, "decision__meeting__area_code")
    if query.lewat_tenggat:
        rows = rows.exclude(status="selesai").filter(due__lt=today)
    rows = rows.select_related("decision__meeting").order_by("due", "pk")
    return [_follow_up(f, today) for f in rows]


@router.post(
    "/tindak-lanjut/{follow_up_id}",
    response={201: UpdateOut, 422: Invalid},
    summary="Laporkan kemajuan tindak lanjut",
)
def report(
    request: HttpRequest,
    follow_up_id: PathEx[int, P(ge=1, le=MAX_ID)],
    payload: StatusIn,
) -> Status[Any]:
    """A new status (belum, proses, selesai) with evidence and a note, by the owner OPD or
    the secretariat; kept in the follow-up's history."""
    found = get_object_or_404(FollowUp.objects.select_related("decision__meeting"), pk=follow_up_id)
    reads.require_see(request.user, found.area_code, "api_coordination_follow_up")
    try:
        step = actions.do_update_follow_up(request.user, found, payload.model_dump(mode="json"))
    except actions.Invalid as invalid:
        return unprocessable(invalid)
    return Status(201, _step(step))


@router.get(
    "/{area}/kepatuhan/{year}",
    response=ComplianceOut,
    summary="Kepatuhan rakor minimal 3 kali setahun",
)
def compliance(
    request: HttpRequest, area: AreaCode, year: PathEx[int, P(ge=2000, le=2100)]
) -> dict[str, Any]:
    """Rakor held in the calendar year against the minimum: for a province, one row per
    regency; for a regency, its own row."""
    place = _team(request, area, "api_coordination_compliance")
    if place.level is wilayah.Level.PROVINCE:
        rows = reads.province_compliance(place, year)
    else:
        rows = [reads.compliance_of(place, year)]
    return {
        "area_code": place.code,
        "year": year,
        "minimum": rules.MINIMUM_RAKOR.value,
        "basis": rules.MINIMUM_RAKOR.basis,
        "rows": [
            {
                "area_code": r.area_code,
                "name": r.name,
                "held": r.held,
                "planned": r.planned,
                "cancelled": r.cancelled,
                "met": r.met,
                "missing": r.missing,
            }
            for r in rows
        ],
    }


def _team(request: HttpRequest, area: str, what: str) -> wilayah.Area:
    place = reads.team_area(area)
    reads.require_see(request.user, place.code, what)
    return place


def _meeting(meeting: Meeting, today: date) -> dict[str, Any]:
    invitees = list(meeting.invitees.all())
    taken = [i for i in invitees if i.attended is not None]
    return {
        "id": meeting.pk,
        "area_code": meeting.area_code,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "title": meeting.title,
        "place": meeting.place,
        "online_link": meeting.online_link,
        "agenda": meeting.agenda,
        "status": meeting.status,
        "minutes": meeting.minutes,
        "invited": len(invitees),
        "present": sum(1 for i in taken if i.attended) if taken else None,
        "decisions": [_decision(d, meeting, today) for d in meeting.decisions.all()],
    }


def _decision(decision: Decision, meeting: Meeting, today: date) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "number": decision.number,
        "text": decision.text,
        "follow_ups": [_follow_up(f, today, meeting) for f in decision.follow_ups.all()],
    }


def _follow_up(follow_up: FollowUp, today: date, meeting: Meeting | None = None) -> dict[str, Any]:
    held = meeting or follow_up.decision.meeting
    return {
        "id": follow_up.pk,
        "area_code": held.area_code,
        "meeting": held.pk,
        "decision": follow_up.decision_id,
        "action": follow_up.action,
        "owner_opd": follow_up.owner_opd,
        "due": follow_up.due,
        "status": follow_up.status,
        "evidence": follow_up.evidence,
        "done_on": follow_up.done_on,
        "overdue": rules.is_overdue(follow_up.status, follow_up.due, today),
    }


def _step(step: FollowUpUpdate) -> dict[str, Any]:
    return {
        "status": step.status,
        "evidence": step.evidence,
        "note": step.note,
        "by": step.by_name,
        "at": step.at,
        "follow_up": _follow_up(step.follow_up, timezone.localdate()),
    }
