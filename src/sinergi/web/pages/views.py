"""The pages: area dashboard and drill-down, the desa follow-up list and its XLSX, a family."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import polars as pl
import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy

from sinergi.reports.diagnostics_workbook import CONFIDENTIAL
from sinergi.reports.sheets import Styles, write_table
from sinergi.web import registry, scoping
from sinergi.web.pages import figures
from sinergi.web.places import trail

# The diagnosis's status codes and Regsosek's relationship codes, as people read them.
STATUS_LABELS = {
    "served": gettext_lazy("layak dan menerima"),
    "exclusion": gettext_lazy("layak belum menerima"),
    "inclusion": gettext_lazy("menerima tidak layak"),
    "unregistered": gettext_lazy("menerima, tidak ada di registri"),
}
RELATIONSHIPS = {
    "1": gettext_lazy("kepala keluarga"),
    "2": gettext_lazy("istri/suami"),
    "3": gettext_lazy("anak"),
    "4": gettext_lazy("menantu"),
    "5": gettext_lazy("cucu"),
    "6": gettext_lazy("orang tua/mertua"),
    "7": gettext_lazy("pembantu/sopir"),
    "8": gettext_lazy("lainnya"),
}
PROGRAMS = ("pkh", "sembako", "pbi", "pip", "blt_dd", "rtlh", "bpjs_tk")
PAGE_SIZE = 100


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Straight to the user's own area (the widest one if several)."""
    homes = scoping.home_areas(request.user)
    if not homes:
        return render(request, "sinergi/no_role.html", status=403)
    home = registry.first_diagnosed_area(homes[0]) or homes[0]
    if not home:
        raise Http404("Belum ada hasil `sinergi diagnose` di folder data.")
    return redirect("area", code=home)


@login_required
def area(request: HttpRequest, code: str) -> HttpResponse:
    if not scoping.may_see_area(request.user, code):
        raise PermissionDenied("Wilayah ini di luar wilayah Anda.")
    row = _diagnosed(code)
    children = _children(code)
    programs = _programs(row)
    return render(
        request,
        "sinergi/area.html",
        {
            "area": row,
            "trail": trail(code),
            "children": children,
            "programs": programs,
            "grid": figures.heat_grid(children),
            "charts": _charts(code),
            "pockets": registry.pockets(code).to_dicts(),
            "is_desa": row["level"] == "desa",
            "may_list": scoping.may(request.user, "see_people", code),
        },
    )


@login_required
def desa_list(request: HttpRequest, code: str) -> HttpResponse:
    """The follow-up list of an area, a page of ``PAGE_SIZE`` rows at a time."""
    row = _diagnosed(code)
    kind, program = request.GET.get("jenis") or None, request.GET.get("program") or None
    page = _page_number(request)
    offset = (page - 1) * PAGE_SIZE
    rows = _follow_up(request, code, kind, program, action="read", offset=offset)
    # A count is not personal data; asked after read_people has let the user in.
    total = registry.follow_up(kind, program, area=code).select(pl.len()).collect().item()
    filters = {key: value for key, value in (("jenis", kind), ("program", program)) if value}
    return render(
        request,
        "sinergi/desa_list.html",
        {
            "area": row,
            "trail": trail(code),
            "rows": rows.to_dicts(),
            "kind": kind or "",
            "program": program or "",
            "programs": PROGRAMS,
            "first": offset + 1,
            "last": offset + rows.height,
            "total": total,
            "previous": urlencode({**filters, "halaman": page - 1}) if page > 1 else "",
            "next": urlencode({**filters, "halaman": page + 1})
            if offset + PAGE_SIZE < total
            else "",
            "may_export": scoping.may(request.user, "export", code),
            "query": urlencode(filters),
        },
    )


def _page_number(request: HttpRequest) -> int:
    """The ``halaman`` asked for; anything that is not a page number is the first page."""
    asked = request.GET.get("halaman", "")
    return int(asked) if asked.isdigit() and 0 < int(asked) < 1_000_000 else 1


LIST_COLUMNS = {
    "head_name": "Kepala keluarga",
    "nik": "NIK",
    "kk": "Nomor KK",
    "address": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "desil": "Desil",
    "member_count": "Jumlah anggota",
    "reason": "Alasan",
    "program": "Program",
    "opd": "OPD",
    "hid": "ID keluarga",
}


@login_required
def desa_list_export(request: HttpRequest, code: str) -> HttpResponse:
    """The same list as an XLSX file; an export, so it needs the export permission."""
    row = _diagnosed(code)
    kind, program = request.GET.get("jenis") or None, request.GET.get("program") or None
    rows = _follow_up(request, code, kind, program, action="export", offset=0, limit=None)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Tindak lanjut")
    write_table(
        sheet,
        Styles(book),
        f"Tindak lanjut {row['area_name']} ({code}). {CONFIDENTIAL}",
        rows.select(list(LIST_COLUMNS)),
        LIST_COLUMNS,
        "-",
    )
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="tindak_lanjut_{code}.xlsx"'
    return response


@login_required
def family(request: HttpRequest, hid: str) -> HttpResponse:
    code = registry.family_area(hid)
    if code is None:
        raise Http404("Keluarga tidak ditemukan.")
    members = scoping.read_people(
        request.user, registry.members(hid), what="family", area=code, filters={"hid": hid}
    )
    records = scoping.read_people(
        request.user,
        registry.source_records(hid),
        what="family_records",
        area=code,
        filters={"hid": hid},
    ).sort("pid", "source", "row")
    statuses = registry.statuses(hid).collect()
    names = dict(zip(members["pid"], members["name"], strict=True))
    return render(
        request,
        "sinergi/family.html",
        {
            "hid": hid,
            "trail": trail(code),
            "members": [
                {**m, "relationship": RELATIONSHIPS.get(m["relationship"], m["relationship"])}
                for m in members.sort("relationship").to_dicts()
            ],
            "statuses": [
                {
                    **s,
                    "status": STATUS_LABELS.get(s["status"], s["status"]),
                    "member": names.get(s["pid"]) if s["level"] == "person" else None,
                }
                for s in statuses.sort("program", "level", "pid").to_dicts()
            ],
            "reasons": registry.reasons(hid).collect().to_dicts(),
            "records": records.to_dicts(),
            "links": registry.links_between(records["record_key"].to_list())
            .sort("match_probability", descending=True)
            .to_dicts(),
        },
    )


def _children(code: str) -> list[dict[str, Any]]:
    return registry.children(code).sort("extreme_poor_share", descending=True).to_dicts()


def _programs(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The targeting figures of each program diagnosed in the area ``row``."""
    return [
        {
            "code": p,
            "eligible": row.get(f"eligible_{p}"),
            "served": row.get(f"served_{p}"),
            "exclusion": row.get(f"exclusion_{p}"),
            "inclusion": row.get(f"inclusion_{p}"),
            "coverage": row.get(f"coverage_{p}"),
        }
        for p in PROGRAMS
        if row.get(f"eligible_{p}") is not None
    ]


def _charts(code: str) -> list[dict[str, Any]]:
    """The dashboard's figures, each with the id its JSON block gets on the page."""
    return _drawn_charts(code, get_language(), registry.run_folder(), registry.boundary_files())


@lru_cache(maxsize=512)
def _drawn_charts(
    code: str, language: str, run: Path, boundary_files: tuple[tuple[str, float], ...]
) -> list[dict[str, Any]]:
    """Drawn once per area, language, run and boundaries: a Plotly figure costs more than a page.

    All but ``code`` are part of the key only: the labels follow the active language,
    the next diagnosis is a new run folder, and new boundary files are a new map.
    """
    children = _children(code)
    shapes = registry.boundaries([c["area_code"] for c in children])
    drawn = {
        "chart-programs": figures.programs_chart(_programs(registry.area(code) or {})),
        "chart-map": figures.choropleth(children, shapes) if shapes else None,
        "chart-children": figures.children_chart(children),
    }
    return [{"id": key, "figure": figure} for key, figure in drawn.items() if figure]


def _follow_up(
    request: HttpRequest,
    code: str,
    kind: str | None,
    program: str | None,
    *,
    action: str,
    offset: int,
    limit: int | None = PAGE_SIZE,
) -> pl.DataFrame:
    return scoping.read_people(
        request.user,
        registry.follow_up(kind, program, area=code).slice(offset),
        what="desa_list",
        area=code,
        filters={"jenis": kind, "program": program},
        action=action,
        limit=limit,
    )


def _diagnosed(code: str) -> dict[str, object]:
    try:
        row = registry.area(code)
    except registry.NoDiagnosis as missing:
        raise Http404("Belum ada hasil `sinergi diagnose` di folder data.") from missing
    if row is None:
        raise Http404("Wilayah ini belum punya hasil diagnosis.")
    return row
