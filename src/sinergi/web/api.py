"""The REST API (django-ninja): the site's resources for scripts, same scoping and audit.

Scripts authenticate with a personal token (``Authorization: Bearer sng_…``) made
on the page ``/akun/token-api/``; the token's user becomes ``request.user``, so
every route (here and in the review and verval routers) is scoped exactly as
the pages are: aggregates need a see scope covering the area, and every
person-level read goes through :func:`sinergi.web.scoping.read_people` (scoped,
NIK/KK masked by role, audited). Errors are ``{"detail": "…"}`` with the status
declared on every operation of the published schema (``/api/openapi.json``).
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, TypeAlias

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, P, PathEx, Query, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer
from pydantic import Field

from sinergi.domain.wilayah import WilayahError
from sinergi.web import registry, scoping
from sinergi.web.accounts.models import ApiToken
from sinergi.web.coordination.api import router as coordination_router
from sinergi.web.plans.api import router as plans_router
from sinergi.web.progress.api import router as progress_router
from sinergi.web.review.api import router as review_router
from sinergi.web.verval.api import router as verval_router

LIST_LIMIT = 2000
# A dotted Kemendagri code: province, regency, kecamatan or desa. Anything else is refused
# (422) before any lookup, so no odd text ever reaches the lake or the audit log.
AREA_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
FAMILY_ID = r"^[A-Za-z0-9_-]{1,64}$"
FILTER_VALUE = r"^[a-z0-9_]{1,40}$"
SEARCH_TEXT = r"^[\w .,'-]{3,64}$"  # a name or a NIK/KK: letters, digits, spaces, . , ' -


class TokenAuth(HttpBearer):
    """A bearer token from the token page; its user becomes ``request.user``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = ApiToken.find(token.strip())
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used=timezone.now())
        request.user = found.user
        return found


class SinergiAPI(NinjaAPI):
    """NinjaAPI whose schema declares the error answers every operation can give."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Galat"] = (
            Galat.model_json_schema()
        )
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/Galat"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                errors = {403: "Di luar wewenang Anda", 404: "Tidak ditemukan"}
                if operation.get("security"):
                    errors[401] = "Token tidak ada, tidak dikenal, dicabut atau kedaluwarsa"
                if operation.get("parameters") or operation.get("requestBody"):
                    errors[422] = "Parameter tidak sah"
                if operation.get("requestBody"):
                    errors[400] = "Isi permintaan bukan JSON yang sah"
                for status, text in errors.items():
                    operation["responses"].setdefault(
                        status, {"description": text, "content": body}
                    )
        return schema


# Swagger UI is served from django-ninja's own static files when "ninja" is an installed
# app; otherwise ninja would load it from a CDN, which the site's CSP blocks: no docs page
# then, only the schema.
api = SinergiAPI(
    title="Sinergi API",
    version="1",
    description=(
        "Data Sinergi untuk skrip, dengan wewenang dan catatan audit yang sama dengan situs. "
        "Kirim token dari halaman Token API: `Authorization: Bearer sng_…`."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs" if "ninja" in settings.INSTALLED_APPS else None,
)
api.add_router("/padanan", review_router)
api.add_router("/verval", verval_router)
api.add_router("/rencana", plans_router)
api.add_router("/koordinasi", coordination_router)
api.add_router("/capaian", progress_router)


# --- errors -----------------------------------------------------------------------------


class Galat(Schema):
    detail: str = Field(description="Penjelasan dalam Bahasa Indonesia.")


def _error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(
        request, 401, _("Token API tidak ada, tidak dikenal, dicabut, atau kedaluwarsa.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="sinergi"'
    return response


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = str(exc)
    if exc.status_code == 400 and detail.startswith("Cannot parse request body"):  # ninja's
        detail = _("Isi permintaan bukan JSON yang sah.")
    return _error(request, exc.status_code, detail)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, str(exc) or _("Anda tidak berwenang."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, str(exc) or _("Tidak ditemukan."))


@api.exception_handler(registry.NoDiagnosis)
def _no_diagnosis(request: HttpRequest, exc: registry.NoDiagnosis) -> HttpResponse:
    return _error(request, 404, _("Belum ada hasil `sinergi diagnose` di folder data."))


@api.exception_handler(WilayahError)
def _bad_area(request: HttpRequest, exc: WilayahError) -> HttpResponse:
    return _error(request, 404, _("Kode wilayah tidak dikenal."))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    where = "; ".join(
        f"{'.'.join(str(part) for part in e.get('loc', ()))}: {e.get('msg', '')}"
        for e in exc.errors
    )
    return _error(request, 422, _("Parameter tidak sah: %(where)s") % {"where": where})


# --- schemas ------------------------------------------------------------------------------


class Penugasan(Schema):
    role: str
    role_name: str
    permissions: list[str]
    see_scope: str = Field(description="Wilayah lihat; kosong = Indonesia.")
    edit_scope: str = Field(description="Wilayah ubah; kosong = tidak ada.")
    opd: str
    starts: date | None
    ends: date | None


class Saya(Schema):
    username: str
    name: str
    home_areas: list[str]
    assignments: list[Penugasan]
    token: str = Field(description="Nama token yang dipakai.")
    token_expires: str | None


class Program(Schema):
    program: str
    eligible: int | None = None
    served: int | None = None
    exclusion: int | None = None
    inclusion: int | None = None
    unregistered: int | None = None
    double: int | None = None
    coverage: float | None = None


class Wilayah(Schema):
    """Angka agregat satu wilayah dari hasil diagnosis terakhir (bukan data orang)."""

    area_code: str
    area_name: str
    level: str
    parent_code: str | None = None
    families: int | None = None
    persons: int | None = None
    extreme_poor: int | None = None
    extreme_poor_share: float | None = None
    multidim_poor: int | None = None
    multidim_poor_share: float | None = None
    deprivation_mean: float | None = None
    unassisted: int | None = None
    ats_children: int | None = None
    rtlh: int | None = None
    elderly_alone: int | None = None
    female_head: int | None = None
    disabled_families: int | None = None
    severe_disability_families: int | None = None
    migrant_families: int | None = None
    missing_documents: int | None = None
    d_food: int | None = None
    d_water: int | None = None
    d_sanitation: int | None = None
    d_health: int | None = None
    d_housing: int | None = None
    d_education: int | None = None
    d_information: int | None = None
    programs: list[Program] = Field(default_factory=list)


class Kantong(Schema):
    area_code: str
    area_name: str | None = None
    district_name: str | None = None
    families: int | None = None
    extreme_poor: int | None = None
    extreme_poor_share: float | None = None
    deprivation_mean: float | None = None
    unassisted: int | None = None
    unserved_share: float | None = None
    composite: float | None = None
    rank: int | None = None


class TindakLanjut(Schema):
    hid: str
    area_code: str
    kind: str
    reason: str
    program: str | None = None
    opd: str | None = None
    head_name: str | None = None
    nik: str | None = Field(None, description="Disamarkan kecuali peran Anda mengizinkan.")
    kk: str | None = Field(None, description="Disamarkan kecuali peran Anda mengizinkan.")
    address: str | None = None
    rt: str | None = None
    rw: str | None = None
    desil: int | None = None
    member_count: int | None = None


class DaftarTindakLanjut(Schema):
    area_code: str
    limit: int
    offset: int
    rows: list[TindakLanjut]


class Anggota(Schema):
    pid: str
    name: str | None = None
    nik: str | None = None
    kk: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    relationship: str | None = None
    address: str | None = None
    area_code: str | None = None
    sources: list[str] | None = None


class StatusProgram(Schema):
    program: str
    level: str
    pid: str | None = None
    eligible: bool | None = None
    received: bool | None = None
    status: str | None = None
    double: bool | None = None


class Alasan(Schema):
    kind: str
    reason: str
    program: str | None = None
    opd: str | None = None


class Keluarga(Schema):
    hid: str
    area_code: str
    members: list[Anggota]
    statuses: list[StatusProgram]
    reasons: list[Alasan]


class SaringanTindakLanjut(Schema):
    jenis: str | None = Field(
        None, pattern=FILTER_VALUE, description="exclusion, inclusion, ats, …", examples=["ats"]
    )
    program: str | None = Field(
        None, pattern=FILTER_VALUE, description="pkh, sembako, pbi, …", examples=["pkh"]
    )
    cari: str | None = Field(
        None,
        min_length=3,
        max_length=64,
        pattern=SEARCH_TEXT,
        description=(
            "Cari nama kepala keluarga (sedikitnya 3 huruf) atau NIK/KK lengkap (16 angka). "
            "Di atas desa wajib. Dicatat; NIK/KK dicatat tersamar."
        ),
        examples=["siti"],
    )
    limit: int = Field(500, ge=1, le=LIST_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


# --- routes -------------------------------------------------------------------------------

AreaCode: TypeAlias = PathEx[
    str, P(pattern=AREA_CODE, description="Kode Kemendagri bertitik.", examples=["52.05"])
]
FamilyId: TypeAlias = PathEx[str, P(pattern=FAMILY_ID, description="ID keluarga")]


@api.get("/saya", response=Saya, tags=["akun"], summary="Siapa saya dan penugasan saya")
def saya(request: HttpRequest) -> dict[str, Any]:
    token: ApiToken = request.auth
    return {
        "username": request.user.get_username(),
        "name": request.user.get_full_name(),
        "home_areas": scoping.home_areas(request.user),
        "assignments": [
            {
                "role": a.role.code,
                "role_name": a.role.name,
                "permissions": a.role.permissions,
                "see_scope": a.see_scope,
                "edit_scope": a.edit_scope,
                "opd": a.opd,
                "starts": a.starts,
                "ends": a.ends,
            }
            for a in scoping.assignments(request.user)
        ],
        "token": token.name,
        "token_expires": token.expires.isoformat() if token.expires else None,
    }


@api.get("/wilayah/{code}", response=Wilayah, tags=["wilayah"], summary="Angka satu wilayah")
def wilayah(request: HttpRequest, code: AreaCode) -> dict[str, Any]:
    return _with_programs(_area(request, code))


@api.get(
    "/wilayah/{code}/anak",
    response=list[Wilayah],
    tags=["wilayah"],
    summary="Wilayah satu tingkat di bawahnya",
)
def anak(request: HttpRequest, code: AreaCode) -> list[dict[str, Any]]:
    _area(request, code)
    children = registry.children(code).sort("extreme_poor_share", descending=True)
    return [_with_programs(row) for row in _rows(children)]


@api.get(
    "/wilayah/{code}/kantong",
    response=list[Kantong],
    tags=["wilayah"],
    summary="Kantong kemiskinan teratas di wilayah ini",
)
def kantong(request: HttpRequest, code: AreaCode) -> list[dict[str, Any]]:
    _area(request, code)
    return _rows(registry.pockets(code))


@api.get(
    "/wilayah/{code}/tindak-lanjut",
    response=DaftarTindakLanjut,
    tags=["data orang"],
    summary="Daftar tindak lanjut (data orang; dicatat)",
)
def tindak_lanjut(
    request: HttpRequest, code: AreaCode, saring: Query[SaringanTindakLanjut]
) -> dict[str, Any]:
    """Keluarga yang perlu ditindaklanjuti. Di atas desa wajib mencari (`cari`): jenis atau
    program saja tidak cukup.

    Seperti halaman desa: hanya dalam wilayah lihat Anda, NIK/KK disamarkan menurut
    peran, dan setiap pembacaan (juga yang ditolak) dicatat.
    """
    _diagnosed(code)
    # read_people filters to the area and the search before the offset, so the offset
    # pages through the matching rows of this area.
    rows = scoping.read_people(
        request.user,
        registry.follow_up(saring.jenis, saring.program, area=code),
        what="api_desa_list",
        area=code,
        filters={"jenis": saring.jenis, "program": saring.program},
        search=saring.cari,
        offset=saring.offset,
        limit=saring.limit,
    )
    return {"area_code": code, "limit": saring.limit, "offset": saring.offset, "rows": _rows(rows)}


@api.get(
    "/keluarga/{hid}",
    response=Keluarga,
    tags=["data orang"],
    summary="Satu keluarga: anggota, status program, alasan (data orang; dicatat)",
)
def keluarga(request: HttpRequest, hid: FamilyId) -> dict[str, Any]:
    code, members = scoping.read_family(request.user, hid, what="api_family")
    return {
        "hid": hid,
        "area_code": code,
        "members": _rows(members.sort("relationship", "pid", nulls_last=True)),
        "statuses": _rows(registry.statuses(hid).collect()),
        "reasons": _rows(registry.reasons(hid).collect()),
    }


# --- helpers ------------------------------------------------------------------------------


def _area(request: HttpRequest, code: str) -> dict[str, Any]:
    """The diagnosed area ``code``, if the user's see scope covers it (aggregates only)."""
    if not scoping.may_see_area(request.user, code):
        raise PermissionDenied(_("Wilayah ini di luar wilayah Anda."))
    return _diagnosed(code)


def _diagnosed(code: str) -> dict[str, Any]:
    row = registry.area(code)
    if row is None:
        raise Http404(_("Wilayah ini belum punya hasil diagnosis."))
    return _plain(row)


def _with_programs(row: dict[str, Any]) -> dict[str, Any]:
    names = [key.removeprefix("eligible_") for key in row if key.startswith("eligible_")]
    fields = ("eligible", "served", "exclusion", "inclusion", "unregistered", "double", "coverage")
    programs = [
        {"program": name, **{f: row.get(f"{f}_{name}") for f in fields}}
        for name in sorted(names)
        if row.get(f"eligible_{name}") is not None
    ]
    return {**row, "programs": programs}


def _rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return [_plain(row) for row in frame.to_dicts()]


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """NaN and infinities become None: JSON has no NaN."""
    return {
        key: None if isinstance(value, float) and not math.isfinite(value) else value
        for key, value in row.items()
    }
