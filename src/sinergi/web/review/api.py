"""The review queue's REST routes: pending pairs, one pair and a decision, scoped and audited.

Refusals are raised (PermissionDenied, Http404, HttpError) and answered as
``{"detail": ...}`` by the handlers of :mod:`sinergi.web.api`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, P, PathEx, QueryEx, Router, Schema, Status
from ninja.errors import HttpError

from sinergi.web.review import queue, reviews

router = Router(tags=["padanan"])

RECORD_KEY = r"^[A-Za-z0-9_.:-]+$"

# Schema names are global in the published OpenAPI document, hence the prefix.


class PadananGalat(Schema):
    """Why a request was refused (the API's handlers answer every refusal this way)."""

    detail: str


class PadananCatatan(Schema):
    record_key: str
    pid: str | None
    source: str | None
    nik: str | None = Field(description="Disamarkan kecuali peran Anda mengizinkan.")
    kk: str | None = Field(description="Disamarkan kecuali peran Anda mengizinkan.")
    name: str | None
    sex: str | None
    birth_date: date | None
    address: str | None
    desa: str | None = Field(description="Kode wilayah catatan ini.")
    desa_name: str | None


class PadananPasangan(Schema):
    record_key_l: str
    record_key_r: str
    area_code: str = Field(description="Wilayah terkecil yang memuat kedua catatan.")
    match_probability: float
    match_weight: float
    agree: dict[str, bool | None] = Field(
        description="Per isian: apakah kedua catatan sama (null: salah satunya kosong)."
    )
    left: PadananCatatan
    right: PadananCatatan


class PadananBukti(Schema):
    comparison: str
    level: str
    weight: float | None


class PadananPasanganRinci(PadananPasangan):
    evidence: list[PadananBukti]


class PadananHalaman(Schema):
    wilayah: str
    total: int
    limit: int
    offset: int
    items: list[PadananPasangan]


class PadananKeputusanMasuk(Schema):
    decision: Literal["sama", "beda"] = Field(
        description="sama: satu orang; beda: dua orang berbeda."
    )
    note: str = Field(
        min_length=1, max_length=reviews.NOTE_LIMIT, pattern=r"\S", description="Alasan (wajib)."
    )


class PadananKeputusan(Schema):
    record_key_l: str
    record_key_r: str
    decision: str
    user: str
    note: str


ERRORS: dict[int, type[Schema]] = {403: PadananGalat, 404: PadananGalat, 422: PadananGalat}
Key = PathEx[str, P(pattern=RECORD_KEY, max_length=200)]


@router.get(
    "/tinjauan",
    response={200: PadananHalaman, **ERRORS},
    summary="Pasangan padanan yang menunggu tinjauan",
)
def list_pairs(
    request: HttpRequest,
    wilayah: QueryEx[str | None, P(pattern=reviews.AREA_CODE)] = None,
    limit: QueryEx[int, P(ge=1, le=100)] = 25,
    offset: QueryEx[int, P(ge=0, le=10**9)] = 0,
) -> Any:
    """Pairs waiting for a decision in ``wilayah`` (default: the user's own area)."""
    area = wilayah or reviews.default_area(request.user)
    if area is None:
        raise Http404(_("Belum ada pasangan untuk ditinjau."))
    total, pairs = reviews.queue_page(request.user, area, offset, limit)
    items = [_pair(p) for p in pairs]
    return {"wilayah": area, "total": total, "limit": limit, "offset": offset, "items": items}


@router.get(
    "/tinjauan/{key_l}/{key_r}",
    response={200: PadananPasanganRinci, **ERRORS},
    summary="Satu pasangan berdampingan",
)
def get_pair(request: HttpRequest, key_l: Key, key_r: Key) -> Any:
    """One pending pair, both records side by side, with the model's evidence."""
    shown = reviews.pair(request.user, key_l, key_r)
    return {**_pair(shown), "evidence": shown["evidence"]}


@router.post(
    "/tinjauan/{key_l}/{key_r}/keputusan",
    response={201: PadananKeputusan, **ERRORS},
    summary="Putuskan: orang yang sama atau berbeda",
)
def decide(request: HttpRequest, key_l: Key, key_r: Key, body: PadananKeputusanMasuk) -> Any:
    """Record that the pair is one person (``sama``) or two (``beda``), with the reason.

    Every decision is a new record with its user and time; the latest one on a
    pair counts, and the next padanan run applies it.
    """
    try:
        return Status(201, reviews.decide(request.user, key_l, key_r, body.decision, body.note))
    except ValueError as invalid:
        raise HttpError(422, str(invalid)) from invalid


def _pair(pair: dict[str, Any]) -> dict[str, Any]:
    sides = {
        side: {field: pair[side].get(field) for field in PadananCatatan.model_fields}
        for side in ("left", "right")
    }
    agree = {field: pair[f"same_{field}"] for field in queue.AGREEMENT}
    return {
        **{key: pair[key] for key in ("record_key_l", "record_key_r", "area_code")},
        "match_probability": pair["match_probability"],
        "match_weight": pair["match_weight"],
        "agree": agree,
        **sides,
    }
