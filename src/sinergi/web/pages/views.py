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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.defaults import page_not_found

from sinergi.reports.diagnostics_workbook import CONFIDENTIAL
from sinergi.reports.sheets import Styles, write_table
from sinergi.web import registry, scoping
from sinergi.web.pages import figures
from sinergi.web.pages.reasons import reason_text
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
@require_http_methods(["GET", "POST"])
def desa_list(request: HttpRequest, code: str) -> HttpResponse:
    """The follow-up list of an area, a page of ``PAGE_SIZE`` rows at a time.

    A search comes as a POST (its form carries the CSRF token), so a name or NIK
    typed into it never stands in a URL, a browser's history or an access log.
    """
    row = _diagnosed(code)
    asked = _asked(request)
    page = _page_number(asked.get("halaman", ""))
    offset = (page - 1) * PAGE_SIZE
    context = {
        "area": row,
        "trail": trail(code),
        "kind": asked["jenis"],
        "program": asked["program"],
        "search": asked["cari"],
        "programs": PROGRAMS,
        "may_export": scoping.may(request.user, "export", code),
    }
    try:
        rows = _follow_up(request, code, asked, action="read", offset=offset, limit=PAGE_SIZE)
    except scoping.SearchFirst as refused:  # read_people wrote the "denied" audit row
        return render(
            request, "sinergi/desa_list.html", {**context, "refused": str(refused)}, status=403
        )
    # A count is not personal data; asked after read_people has let the user in.
    listed = registry.follow_up(asked["jenis"] or None, asked["program"] or None, area=code)
    if term := scoping.search_term(asked["cari"]):
        listed = scoping.matching(listed, term)
    total = listed.select(pl.len()).collect().item()
    filters = {key: asked[key] for key in ("jenis", "program") if asked[key]}
    return render(
        request,
        "sinergi/desa_list.html",
        {
            **context,
            "rows": [{**r, "reason": reason_text(r)} for r in rows.to_dicts()],
            "first": offset + 1,
            "last": offset + rows.height,
            "total": total,
            "previous": page - 1 if page > 1 else None,
            "next": page + 1 if offset + PAGE_SIZE < total else None,
            "previous_query": urlencode({**filters, "halaman": page - 1}),
            "next_query": urlencode({**filters, "halaman": page + 1}),
            "query": urlencode(filters),
        },
    )


def _asked(request: HttpRequest) -> dict[str, str]:
    """The list's filters, search and page, from the search form (POST) or the URL (GET)."""
    source = request.POST if request.method == "POST" else request.GET
    return {key: source.get(key, "").strip() for key in ("jenis", "program", "cari", "halaman")}


def _page_number(asked: str) -> int:
    """The ``halaman`` asked for; anything that is not a page number is the first page."""
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
@require_http_methods(["GET", "POST"])
def desa_list_export(request: HttpRequest, code: str) -> HttpResponse:
    """The same list as an XLSX file; an export, so it needs the export permission."""
    row = _diagnosed(code)
    rows = _follow_up(request, code, _asked(request), action="export", offset=0, limit=None)
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
    code, members = scoping.read_family(request.user, hid, what="family")
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
            "reasons": [
                {**r, "reason": reason_text(r)} for r in registry.reasons(hid).collect().to_dicts()
            ],
            "records": records.to_dicts(),
            "links": registry.links_between(records["record_key"].to_list())
            .sort("match_probability", descending=True)
            .to_dicts(),
        },
    )


def _children(code: str) -> list[dict[str, Any]]:
    return registry.children(code).sort("extreme_poor_share", descending=True).to_dicts()


def _programs(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The targeting figures of each program diagnosed in the area ``row``.

    The area rows count families for every program; a program paid per person
    (PIP, PBI, BPJS-TK) is counted as the families with at least one such member,
    so its unit says so rather than reading as a number of persons.
    """
    per_person = _person_programs()
    return [
        {
            "code": p,
            "unit": PER_PERSON_UNIT if p in per_person else FAMILY_UNIT,
            "eligible": row.get(f"eligible_{p}"),
            "served": row.get(f"served_{p}"),
            "exclusion": row.get(f"exclusion_{p}"),
            "inclusion": row.get(f"inclusion_{p}"),
            "coverage": row.get(f"coverage_{p}"),
        }
        for p in PROGRAMS
        if row.get(f"eligible_{p}") is not None
    ]


FAMILY_UNIT = gettext_lazy("keluarga")
PER_PERSON_UNIT = gettext_lazy("keluarga (program perorangan: keluarga dengan anggota terkait)")


def _person_programs() -> set[str]:
    """The programs the diagnosis assessed per person (``level`` in its programs table)."""
    try:
        table = registry.diagnosis_table("programs")
    except (registry.NoDiagnosis, OSError):
        return set()
    if "level" not in table.columns:
        return set()
    return set(table.filter(pl.col("level") == "person")["program"].to_list())


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
    asked: dict[str, str],
    *,
    action: str,
    offset: int,
    limit: int | None,
) -> pl.DataFrame:
    kind, program = asked["jenis"] or None, asked["program"] or None
    return scoping.read_people(
        request.user,
        registry.follow_up(kind, program, area=code),
        what="desa_list",
        area=code,
        filters={"jenis": kind, "program": program},
        action=action,
        search=asked["cari"] or None,
        offset=offset,
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


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404: JSON ``{"detail": ...}`` under ``/api/``, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Tidak ditemukan.")}, status=404)
    return page_not_found(request, exception)
