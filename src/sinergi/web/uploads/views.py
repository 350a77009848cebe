"""The pages of uploads and jobs: the upload form, the job list, a job with its progress."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
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
from sinergi.web.uploads.forms import UploadForm, max_bytes, too_large_message
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
    status = 200
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["wilayah"]
        if scoping.may_edit(request.user, "upload", scope):
            job = actions.do_upload(
                request.user,
                form.cleaned_data["berkas"],
                scope=scope,
                profile=form.cleaned_data["profil"],
            )
            return redirect("job", pk=job.pk)
        # Said on the form, beside the field to correct, rather than a bare refusal page.
        form.add_error("wilayah", outside_edit_scope(scopes))
        status = 403
    elif form.is_bound:
        status = 400
    return _upload_page(request, form, scopes, profile_error, status)


def outside_edit_scope(scopes: list[str]) -> str:
    """The form's answer to a wilayah outside every edit scope: which ones the user has."""
    message = _("Anda tidak berwenang mengunggah data untuk wilayah ini. Wilayah Anda: %(scopes)s.")
    return message % {"scopes": ", ".join(scopes)}


def too_large(request: HttpRequest) -> HttpResponse:
    """The upload page refusing a body whose declared size is over the cap, before it is read."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    scopes = actions.upload_scopes(request.user)
    if not scopes:
        raise PermissionDenied(_("Peran Anda tidak mengizinkan mengunggah data."))
    profiles, profile_error = _profiles()
    form = UploadForm(profiles=profiles, initial={"wilayah": scopes[0]})
    return _upload_page(
        request, form, scopes, profile_error, 413, refused=too_large_message(max_bytes())
    )


def _upload_page(
    request: HttpRequest,
    form: UploadForm,
    scopes: list[str],
    profile_error: str | None,
    status: int,
    refused: str = "",
) -> HttpResponse:
    return render(
        request,
        "sinergi/uploads/upload.html",
        {
            "form": form,
            "refused": refused,
            "scopes": scopes,
            "recent": Upload.objects.filter(user=request.user)[:RECENT],
            "max_mb": max_bytes() // (1024 * 1024),
            "profile_error": profile_error,
        },
        status=status,
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
        # Each sheet's message is stored in both languages (message, message_en).
        "language": get_language(),
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
