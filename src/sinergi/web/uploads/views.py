"""The pages of uploads and jobs: the upload form, the job list, a job with its progress."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinergi.errors import SinergiError
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.profiles import load_profiles
from sinergi.pipeline.ingest.reasons import REASONS
from sinergi.web import scoping
from sinergi.web.uploads import actions
from sinergi.web.uploads.forms import UploadForm, max_bytes
from sinergi.web.uploads.models import AnalysisRun, Job, Upload

RECENT = 10
LISTED = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def uploads(request: HttpRequest) -> HttpResponse:
    """The upload form (GET, POST) and the user's own recent uploads."""
    scopes = actions.upload_scopes(request.user)
    if not scopes:
        raise PermissionDenied(_("Peran Anda tidak mengizinkan mengunggah data."))
    profiles, profile_error = _profiles()
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        profiles=profiles,
        initial={"wilayah": scopes[0]},
    )
    if request.method == "POST" and form.is_valid():
        job = actions.do_upload(
            request.user,
            form.cleaned_data["berkas"],
            scope=form.cleaned_data["wilayah"],
            profile=form.cleaned_data["profil"],
        )
        return redirect("job", pk=job.pk)
    mine = Upload.objects.filter(user=request.user)[:RECENT]
    return render(
        request,
        "sinergi/uploads/upload.html",
        {
            "form": form,
            "scopes": scopes,
            "recent": mine,
            "max_mb": max_bytes() // (1024 * 1024),
            "profile_error": profile_error,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
def jobs(request: HttpRequest) -> HttpResponse:
    """Every job in the user's see scope, newest first; and the button that starts padanan."""
    if not scoping.home_areas(request.user):
        return render(request, "sinergi/no_role.html", status=403)
    listed: list[Job] = [
        *actions.visible(Upload.objects.all(), request.user)[:LISTED],
        *actions.visible(AnalysisRun.objects.all(), request.user)[:LISTED],
    ]
    listed.sort(key=lambda job: job.created_at, reverse=True)
    scopes = actions.upload_scopes(request.user)
    return render(
        request,
        "sinergi/uploads/jobs.html",
        {"jobs": listed[:LISTED], "may_upload": bool(scopes)},
    )


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _visible(request, Upload, pk)
    return render(request, "sinergi/uploads/job.html", _job_context(request, upload))


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that HTMX polls until the job is finished."""
    upload = _visible(request, Upload, pk)
    return render(request, "sinergi/uploads/_progress.html", _job_context(request, upload))


@login_required
def job_report(request: HttpRequest, pk: int, import_id: str) -> FileResponse:
    """The import report workbook; it quotes original cells (NIK, KK), so it is person-level.

    It needs ``see_people`` and ``see_identifiers`` in the upload's wilayah, and each
    download or refusal is written to the audit log as for any person list.
    """
    upload = _visible(request, Upload, pk)
    sheet = next(
        (s for s in upload.summary.get("sheets", []) if s.get("import_id") == import_id), None
    )
    if sheet is None or not sheet.get("report"):
        raise Http404(_("Laporan impor ini tidak ada."))
    shown = _may_read_report(request, upload)
    scoping.audit(
        request.user,
        "export" if shown else "denied",
        "import_report",
        upload.scope,
        {"upload": upload.pk, "import": import_id},
        shown=shown,
    )
    if not shown:
        raise PermissionDenied(
            _("Laporan impor memuat data pribadi (NIK/KK); peran Anda tidak mengizinkannya.")
        )
    home = Path(settings.HOME).resolve()
    path = (home / sheet["report"]).resolve()
    if not path.is_relative_to(home) or not path.is_file():
        raise Http404(_("Berkas laporan impor tidak ditemukan di folder data."))
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"laporan_impor_{import_id}.xlsx",
        content_type=XLSX,
    )  # fmt: skip


@login_required
@require_POST
def analysis_start(request: HttpRequest) -> HttpResponse:
    scopes = actions.upload_scopes(request.user)
    if not scopes:
        raise PermissionDenied(_("Peran Anda tidak mengizinkan menjalankan padanan."))
    run = actions.do_start_analysis(request.user, scope=scopes[0])
    return redirect("analysis", pk=run.pk)


@login_required
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible(request, AnalysisRun, pk)
    return render(request, "sinergi/uploads/job.html", _job_context(request, run))


@login_required
def analysis_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = _visible(request, AnalysisRun, pk)
    return render(request, "sinergi/uploads/_progress.html", _job_context(request, run))


def _visible(request: HttpRequest, model: type[Job], pk: int) -> Job:
    """The job, if its wilayah is in the user's see scope; "not yours" is a 404 like "none"."""
    return get_object_or_404(actions.visible(model.objects.all(), request.user), pk=pk)


def _job_context(request: HttpRequest, job: Job) -> dict[str, object]:
    is_upload = isinstance(job, Upload)
    return {
        "job": job,
        "is_upload": is_upload,
        "progress_url": reverse(
            "job_progress" if is_upload else "analysis_progress", args=[job.pk]
        ),
        "may_read_report": is_upload and _may_read_report(request, job),
        "reasons": _reasons(job) if is_upload else [],
    }


def _may_read_report(request: HttpRequest, upload: Job) -> bool:
    return scoping.may(request.user, "see_people", upload.scope) and scoping.may(
        request.user, "see_identifiers", upload.scope
    )


def _reasons(upload: Job) -> list[dict[str, object]]:
    """Counts per reason over every sheet, with the message people read (aggregate only)."""
    totals: dict[str, int] = {}
    for sheet in upload.summary.get("sheets", []):
        for code, count in sheet.get("reasons", {}).items():
            totals[code] = totals.get(code, 0) + count
    english = get_language() == "en"
    rows: list[dict[str, object]] = []
    for code, count in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        reason = REASONS.get(code)
        message = (reason.message_en if english else reason.message) if reason else ""
        quarantined = reason is not None and reason.severity == "quarantine"
        rows.append({"code": code, "count": count, "quarantine": quarantined, "message": message})
    return rows


def _profiles() -> tuple[list[tuple[str, str]], str]:
    """The profiles to choose from (shipped and the data folder's own), or why none load."""
    try:
        known = load_profiles([DataHome.resolve(Path(settings.HOME)).profiles_dir])
    except SinergiError as error:
        return [], error.pesan
    return [(name, f"{p.title} ({name})") for name, p in sorted(known.items())], ""
