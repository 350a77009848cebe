"""Starting jobs: keep an uploaded file byte for byte and queue its import; queue padanan."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sinergi.lake.home import write_atomically
from sinergi.web import scoping
from sinergi.web.uploads.models import AnalysisRun, Job, Status, Upload
from sinergi.web.uploads.tasks import import_upload, link_and_diagnose

UPLOADS_DIR = "uploads"
_NAME_CHARS = 120


def upload_scopes(user: scoping.User) -> list[str]:
    """The edit scopes in which the user may upload, widest first."""
    scopes = {
        a.edit_scope for a in scoping.assignments(user) if a.role.allows("upload") and a.edit_scope
    }
    return sorted(scopes, key=lambda code: (len(code), code))


def visible(jobs: QuerySet[Job], user: scoping.User) -> QuerySet[Job]:
    """The jobs whose wilayah lies in one of the user's see scopes (none without a role)."""
    homes = scoping.home_areas(user)
    if "" in homes:
        return jobs
    inside = Q(pk__in=[])
    for home in homes:
        inside |= Q(scope=home) | Q(scope__startswith=home + ".")
    return jobs.filter(inside)


def do_upload(
    acting_user: AbstractBaseUser, upload: UploadedFile, *, scope: str, profile: str
) -> Upload:
    """Keep the file under ``<home>/uploads/<id>/`` and queue its import, all or nothing.

    Raises:
        PermissionDenied: no active assignment grants ``upload`` with an edit scope
            covering ``scope``; nothing is stored.
    """
    if not scoping.may_edit(acting_user, "upload", scope):
        raise PermissionDenied(_("Anda tidak berwenang mengunggah data untuk wilayah ini."))
    original = Path(upload.name or "berkas").name
    home = Path(settings.HOME)
    folder: Path | None = None
    try:
        with transaction.atomic():
            job = Upload.objects.create(
                user=acting_user,
                username=acting_user.get_username(),
                scope=scope,
                file_name=original[:255],
                profile=profile,
                message=gettext_noop("Menunggu giliran"),
            )
            folder = home / UPLOADS_DIR / str(job.pk)
            target = folder / safe_name(original)
            job.size, job.sha256 = _store(upload, target)
            job.stored_path = target.relative_to(home).as_posix()
            # Queued inside the same transaction: the worker never sees a job without its row.
            job.task_result_id = str(import_upload.enqueue(job.pk).id)
            job.save(update_fields=["size", "sha256", "stored_path", "task_result_id"])
            scoping.audit(
                acting_user, "upload", "upload", scope, {"upload": job.pk, "sha256": job.sha256}
            )
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return job


def do_start_analysis(acting_user: AbstractBaseUser, *, scope: str) -> AnalysisRun:
    """Queue padanan followed by diagnosis over the whole data folder.

    Raises:
        PermissionDenied: the user may not upload (edit) in ``scope``, or a run is
            already queued or running (two runs would race to write the same tables).
    """
    if not scoping.may_edit(acting_user, "upload", scope):
        raise PermissionDenied(_("Anda tidak berwenang menjalankan padanan untuk wilayah ini."))
    with transaction.atomic():
        busy = AnalysisRun.objects.select_for_update().filter(
            status__in=(Status.QUEUED, Status.RUNNING)
        )
        if busy.exists():
            raise PermissionDenied(_("Padanan dan diagnosis sudah antri atau sedang berjalan."))
        run = AnalysisRun.objects.create(
            user=acting_user,
            username=acting_user.get_username(),
            scope=scope,
            message=gettext_noop("Menunggu giliran"),
        )
        run.record(task_result_id=str(link_and_diagnose.enqueue(run.pk).id))
        scoping.audit(acting_user, "analysis", "analysis", scope, {"run": run.pk})
    return run


def safe_name(name: str) -> str:
    """A file name safe to write anywhere, keeping the extension the import goes by.

    Examples:
        >>> safe_name("Daftar PKH (final) 2026.csv"), safe_name("../..")
        ('Daftar_PKH_final_2026.csv', 'berkas')
    """
    path = Path(name)
    suffix = path.suffix.lower() if len(path.suffix) <= 6 else ""
    try:
        stem = get_valid_filename(path.stem).lstrip(".")
    except SuspiciousFileOperation:
        stem = ""
    return (stem[:_NAME_CHARS] or "berkas") + suffix


def _store(upload: UploadedFile, target: Path) -> tuple[int, str]:
    """Write the upload to ``target`` (whole or not at all); its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with write_atomically(target) as partial, partial.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()
