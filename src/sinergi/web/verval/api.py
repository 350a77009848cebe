"""The REST API of verval: a desa's findings, the approver's queue, new findings and decisions.

The same rules, forms and scoped reads as the pages (``rules``, ``forms``,
``reads``); every refusal is a declared status with a ``detail``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from sinergi.web.refusals import answer
from sinergi.web.verval import reads, rules
from sinergi.web.verval.models import Decision, Finding, Reason

router = Router(tags=["verval"])


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """What is wrong, as one sentence and (for a form) per field."""

    detail: str
    fields: dict[str, list[str]] | None = None


class FindingIn(Schema):
    hid: str
    outcome: Literal["layak", "tidak_layak"]
    reason: Reason
    note: str = ""


class ProposalIn(Schema):
    desa: str
    head_name: str
    nik: str
    kk: str
    address: str = ""
    rt: str = ""
    rw: str = ""
    member_count: int
    reason: Literal["memenuhi_kriteria", "lainnya"] = "memenuhi_kriteria"
    note: str = ""


class DecisionIn(Schema):
    decision: Literal["setuju", "tolak"]
    note: str = ""


class DecisionOut(Schema):
    finding: int
    approved: bool
    note: str
    by: str
    at: datetime


class FindingOut(Schema):
    id: int
    hid: str | None
    area_code: str
    outcome: str
    reason: str
    note: str
    head_name: str | None
    nik: str | None
    kk: str | None
    address: str | None
    rt: str | None
    rw: str | None
    member_count: int | None
    by: str
    at: datetime
    status: str
    latest: bool
    decision: DecisionOut | None


ERRORS = {403: Problem, 404: Problem}
WRITE_ERRORS = {**ERRORS, 400: Problem, 422: Invalid}


@router.get(
    "/desa/{code}", response={200: list[FindingOut], **ERRORS}, summary="Temuan verval satu desa"
)
def desa_findings(request: HttpRequest, code: str) -> Status[Any]:
    """Every finding of a desa, newest first, superseded ones included (NIK/KK masked by role)."""

    def read() -> list[dict[str, Any]]:
        desa = rules.desa_code(code)
        rows = reads.records(request.user, desa, reads.of_desa(desa), what="verval_records")
        return [_finding(f, row) for f, row in rows]

    return answer(200, read, conflict=rules.Conflict)


@router.get(
    "/antrean/{code}",
    response={200: list[FindingOut], **ERRORS},
    summary="Temuan yang menunggu keputusan",
)
def queue(request: HttpRequest, code: str) -> Status[Any]:
    """The findings in an area awaiting the approver's decision, oldest first."""

    def read() -> list[dict[str, Any]]:
        area = rules.area_code(code)
        rules.require(request.user, "approve_verval", area, "verval_queue")
        rows = reads.records(
            request.user,
            area,
            reads.pending(area),
            what="verval_queue",
            filters={"status": "diajukan"},
        )
        return [_finding(f, row) for f, row in rows]

    return answer(200, read, conflict=rules.Conflict)


@router.post(
    "/temuan", response={201: FindingOut, **WRITE_ERRORS}, summary="Catat temuan verval keluarga"
)
def create_finding(request: HttpRequest, payload: FindingIn) -> Status[Any]:
    """A family of the registry found eligible (layak) or not (tidak_layak), by its desa."""
    data = payload.model_dump(mode="json")
    return answer(
        201,
        lambda: _finding(rules.submit_finding(request.user, data["hid"], data)),
        conflict=rules.Conflict,
    )


@router.post("/usulan", response={201: FindingOut, **WRITE_ERRORS}, summary="Usulkan keluarga baru")
def propose_family(request: HttpRequest, payload: ProposalIn) -> Status[Any]:
    """A family missing from the registry, proposed by its desa."""
    data = payload.model_dump(mode="json")
    return answer(
        201,
        lambda: _finding(rules.propose_family(request.user, data["desa"], data)),
        conflict=rules.Conflict,
    )


@router.post(
    "/temuan/{finding_id}/keputusan",
    response={201: DecisionOut, 409: Problem, **WRITE_ERRORS},
    summary="Setujui atau tolak temuan",
)
def decide(request: HttpRequest, finding_id: int, payload: DecisionIn) -> Status[Any]:
    """The approver's decision on a submitted finding: setuju or tolak (with a note)."""
    data = payload.model_dump(mode="json")
    return answer(
        201,
        lambda: _decision(rules.decide(request.user, finding_id, data)),
        conflict=rules.Conflict,
    )


def _finding(finding: Finding, row: dict[str, Any] | None = None) -> dict[str, Any]:
    """The finding, with the family as the scoped read showed it (or as the record holds it)."""
    shown = row or {}
    decision = finding.decision_or_none
    return {
        "id": finding.pk,
        "hid": finding.hid or None,
        "area_code": finding.area_code,
        "outcome": finding.outcome,
        "reason": finding.reason,
        "note": finding.note,
        **{c: shown.get(c, getattr(finding, c) or None) for c in reads.PERSON_COLUMNS},
        "member_count": shown.get("member_count", finding.member_count),
        "by": finding.by_name,
        "at": finding.at,
        "status": finding.status,
        "latest": not getattr(finding, "superseded", False),
        "decision": _decision(decision) if decision else None,
    }


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "finding": decision.finding_id,
        "approved": decision.approved,
        "note": decision.note,
        "by": decision.by_name,
        "at": decision.at,
    }
