"""The documents pages: request a TKPK document, follow its run, download its files.

Documents are made for a province or regency (a TKPK) by whoever holds
``report`` there. A run is visible to anyone whose see scope covers its area,
and "not yours" is the same 404 as "none". Every download is audited; the
names-and-addresses annex holds personal data and is only for roles that may
export people in the area (``see_people`` and ``export``).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sinergi.domain import wilayah
from sinergi.web import places, scoping
from sinergi.web.coordination import reads
from sinergi.web.documents import produce
from sinergi.web.documents.forms import DocumentForm, shown_year
from sinergi.web.documents.models import DocumentRun, Kind
from sinergi.web.uploads.actions import visible

LISTED = 100
SHA_SHOWN = 12


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest) -> HttpResponse:
    """The request form (GET, POST) and the document runs in the user's see scope."""
    if not any(a.role.allows("report") for a in scoping.assignments(request.user)):
        raise PermissionDenied(_("Peran Anda tidak mengizinkan membuat dokumen TKPK."))
    areas = report_areas(request.user)
    if not areas:
        raise PermissionDenied(
            _(
                "Dokumen TKPK dibuat untuk provinsi dan kabupaten/kota; wilayah Anda tidak "
                "mencakup satu pun."
            )
        )
    posted = request.method == "POST"
    asked = request.POST if posted else request.GET
    area = asked.get("wilayah", "")
    if area not in {a.code for a in areas}:
        area = _first_area(request.user, areas)
    year = shown_year(asked.get("tahun"), timezone.localdate())
    names_allowed = produce.may_read_names(request.user, area)
    form = DocumentForm(
        request.POST if posted else None,
        areas=areas,
        area=area,
        year=year,
        offers_names=names_allowed,
    )
    # Checked before the rest of the form: asking is refused and recorded, valid or not.
    if posted and form["nama"].data and not names_allowed:
        kind = request.POST.get("dokumen", "")
        scoping.audit(
            request.user,
            "denied",
            "document",
            area,
            {
                "dokumen": kind if kind in Kind.values else "",
                "tahun": year,
                "lampiran": "nama_alamat",
            },
        )
        raise PermissionDenied(
            _(
                "Lampiran nama dan alamat memuat data pribadi; peran Anda tidak "
                "mengizinkan mengekspor data orang di wilayah ini."
            )
        )
    if posted and form.is_valid():
        data = form.cleaned_data
        run = produce.start(
            request.user,
            data["dokumen"],
            data["wilayah"],
            data["tahun"],
            meeting=data["rakor"],
            pdf=data["pdf"],
            names=data["nama"],
        )
        return redirect("document_run", pk=run.pk)
    runs = list(visible(DocumentRun.objects.all(), request.user)[:LISTED])
    return render(
        request,
        "sinergi/documents/documents.html",
        {"form": form, "runs": [(run, places.name(run.scope)) for run in runs]},
        status=400 if form.is_bound else 200,  # a valid POST has redirected
    )


@login_required
@require_GET
def document_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible(request, pk)
    return render(request, "sinergi/documents/run.html", _run_context(request, run))


@login_required
@require_GET
def document_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the run page that HTMX polls until the run is finished."""
    run = _visible(request, pk)
    return render(request, "sinergi/documents/_progress.html", _run_context(request, run))


@login_required
@require_GET
def document_file(request: HttpRequest, pk: int, name: str) -> FileResponse:
    """One file of a finished run, as an attachment; every download and refusal is audited."""
    run = _visible(request, pk)
    path = produce.file_path(run, name)
    if path is None:
        raise Http404(_("Berkas ini tidak ada di dokumen ini."))
    detail = {"dokumen": run.kind, "tahun": run.year, "berkas": name}
    if not produce.holds_names(name):
        scoping.audit(request.user, "export", "document", run.scope, detail)
        return FileResponse(path.open("rb"), as_attachment=True, filename=name)
    if not produce.may_read_names(request.user, run.scope, run):
        scoping.audit(request.user, "denied", "document", run.scope, detail)
        raise PermissionDenied(
            _(
                "Berkas ini memuat nama dan alamat penerima manfaat (dengan NIK dan KK lengkap "
                "bila pembuatnya boleh melihatnya); peran Anda tidak mengizinkan mengekspor "
                "data itu di wilayah ini. Buat dokumen sendiri: NIK dan KK di lampirannya "
                "disamarkan sesuai peran Anda."
            )
        )
    scoping.audit(
        request.user,
        "export",
        "document",
        run.scope,
        detail,
        rows=run.summary.get("names_annex", 0),
        shown=produce.names_shown(run),
    )
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


def report_areas(user: scoping.User) -> list[wilayah.Area]:
    """The provinces and regencies the user may make documents for, in code order.

    An assignment granting ``report`` gives the TKPK areas inside its see scope:
    a province and its regencies, a regency alone, every one for Indonesia, and
    none for a kecamatan or desa (no TKPK sits there).
    """
    found: dict[str, wilayah.Area] = {}
    for assignment in scoping.assignments(user):
        if assignment.role.allows("report"):
            found.update((a.code, a) for a in _team_areas_within(assignment.see_scope))
    return [found[code] for code in sorted(found)]


def _team_areas_within(scope: str) -> list[wilayah.Area]:
    if not scope:
        return [*wilayah.areas(wilayah.Level.PROVINCE), *wilayah.areas(wilayah.Level.REGENCY)]
    try:
        area = wilayah.find(scope)
    except wilayah.WilayahError:
        return []  # a malformed scope grants nothing
    if area is None or area.level not in reads.TEAM_LEVELS:
        return []
    if area.level is wilayah.Level.PROVINCE:
        return [area, *wilayah.children(area.code)]
    return [area]


def _first_area(user: scoping.User, areas: list[wilayah.Area]) -> str:
    """The user's own TKPK when it is one of ``areas``, else the first of them."""
    home = reads.home_team_area(user)
    return home if home in {a.code for a in areas} else areas[0].code


def _visible(request: HttpRequest, pk: int) -> DocumentRun:
    """The run, if its area is in the user's see scope; "not yours" is a 404 like "none"."""
    runs = visible(DocumentRun.objects.select_related("meeting"), request.user)
    run: DocumentRun = get_object_or_404(runs, pk=pk)
    return run


def _run_context(request: HttpRequest, run: DocumentRun) -> dict[str, Any]:
    files = [
        {
            "name": f["name"],
            "bytes": f["bytes"],
            "sha256": f["sha256"],
            "sha_short": f["sha256"][:SHA_SHOWN],
            "personal": produce.holds_names(f["name"]),
        }
        for f in run.files
    ]
    personal = any(f["personal"] for f in files)
    return {
        "run": run,
        "area_name": places.name(run.scope),
        "progress_url": reverse("document_run_progress", args=[run.pk]),
        "files": files,
        "may_read_names": personal and produce.may_read_names(request.user, run.scope, run),
        "sources": [(key, _plain(value)) for key, value in run.sources.items()],
    }


def _plain(value: object) -> str:
    """A source as people read it: text as it is, anything else as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)
