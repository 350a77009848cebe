"""The background tasks (django-tasks, run by `manage.py db_worker`): import an upload; padanan.

Each task reads its job row, does the work a CLI command would do on the same
data folder, and writes progress, then the summary (counts only) or the error
in Bahasa Indonesia, onto the row. Errors a person can act on (`SinergiError`)
end the job as ``gagal``; the English message goes to the log, never a row of data.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop
from django_tasks import task

from sinergi.errors import SinergiError
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import ImportOutcome, import_files
from sinergi.reports.import_report import report_path, write_import_report
from sinergi.web.uploads.models import AnalysisRun, Job, Status, Upload

log = logging.getLogger(__name__)

# Progress bands: storing and reading the file, reading rows, writing reports.
_ROWS_FROM, _ROWS_TO = 5, 90
_WORKBOOK_BYTES_PER_ROW = 100  # compressed .xlsx, roughly; only for the bar, never for counts
_WRITE_EVERY_S = 0.5
_LINK_STAGES = 5  # StageTimer labels in link(); diagnose() has as many
UNEXPECTED = gettext_noop(
    "Terjadi kesalahan tak terduga di server; berkas asli tetap tersimpan. Hubungi pengelola "
    "Sinergi dengan nomor pekerjaan ini."
)


@task()
def import_upload(upload_id: int) -> dict[str, Any]:
    """Import an uploaded file into the data folder, as `sinergi import` would; its summary."""
    upload = Upload.objects.get(pk=upload_id)
    upload.record(status=Status.RUNNING, progress=1, message=gettext_noop("Membaca berkas"))
    home = DataHome.resolve(Path(settings.HOME))
    path = home.root / upload.stored_path
    meter = _RowMeter(upload, _estimated_rows(path))
    try:
        outcomes = import_files(
            [path], home=home, profile=upload.profile, scope=upload.scope,
            user=upload.username, progress=meter,
        )  # fmt: skip
        upload.record(progress=_ROWS_TO, message=gettext_noop("Menulis laporan impor"))
        summary = _summary(outcomes, home)
    except SinergiError as error:
        log.warning("upload %s failed: %s (%s)", upload_id, error.english, error.code)
        upload.record(status=Status.FAILED, progress=100, message="", error=error.pesan)
        return {"status": Status.FAILED, "code": error.code}
    except Exception as error:
        record_unexpected(upload, error)
        raise  # the queue keeps the traceback, for the administrator
    done = [s for s in summary["sheets"] if s["status"] in ("imported", "unchanged")]
    failed = [s for s in summary["sheets"] if s["status"] == "failed"]  # import_files logs them
    upload.record(
        status=Status.DONE if done else Status.FAILED,
        progress=100,
        message=gettext_noop("Selesai") if done else "",
        summary=summary,
        report_path=next((s["report"] for s in done if s["report"]), ""),
        error="" if done else " ".join(s["message"] for s in failed) or _NOTHING_FOUND,
    )
    return {"status": upload.status, "imports": [s["import_id"] for s in done]}


_NOTHING_FOUND = gettext_noop("Berkas ini tidak berisi tabel yang dikenali.")


@task()
def link_and_diagnose(run_id: int) -> dict[str, Any]:
    """Padanan over every current record, then a diagnosis, as `sinergi link` + `diagnose`."""
    from sinergi.pipeline.diagnose.run import diagnose  # heavy (Splink): only in the worker
    from sinergi.pipeline.link.run import link

    run = AnalysisRun.objects.get(pk=run_id)
    run.record(status=Status.RUNNING, progress=1, message=gettext_noop("Padanan"))
    home = DataHome.resolve(Path(settings.HOME))
    try:
        linked = link(home, user=run.username, stage=_stages(run, "Padanan", 1, 60))
        diagnosis = diagnose(home, user=run.username, stage=_stages(run, "Diagnosis", 60, 99))
    except SinergiError as error:
        log.warning("analysis %s failed: %s (%s)", run_id, error.english, error.code)
        run.record(status=Status.FAILED, progress=100, message="", error=error.pesan)
        return {"status": Status.FAILED, "code": error.code}
    except Exception as error:
        record_unexpected(run, error)
        raise
    summary = {
        "link_run": linked.run_id,
        "link_counts": linked.counts,
        "diagnosis_run": diagnosis.run_id,
        "as_of": diagnosis.as_of.isoformat(),
        "families": diagnosis.counts["families"],
    }
    run.record(status=Status.DONE, progress=100, message=gettext_noop("Selesai"), summary=summary)
    return {"status": Status.DONE, **summary}


class _RowMeter:
    """`import_files`' row callback turned into a percentage on the job, a few times a second."""

    def __init__(self, job: Job, estimated_rows: int) -> None:
        self.job = job
        self.estimated = max(estimated_rows, 1)
        self.rows = 0
        self.written_at = 0.0

    def __call__(self, rows: int) -> None:
        self.rows += rows
        now = time.monotonic()
        if now - self.written_at < _WRITE_EVERY_S:
            return
        self.written_at = now
        share = min(self.rows / self.estimated, 0.99)  # an estimate: never claim the end early
        percent = _ROWS_FROM + int(share * (_ROWS_TO - _ROWS_FROM))
        self.job.record(progress=percent, message=gettext_noop("Membaca dan memeriksa baris"))


def _estimated_rows(path: Path) -> int:
    """Lines of a text file (one fast pass); for a workbook a guess from its size."""
    if path.suffix.lower() == ".xlsx":
        return path.stat().st_size // _WORKBOOK_BYTES_PER_ROW
    lines = 0
    with path.open("rb") as handle:
        while block := handle.read(4 << 20):
            lines += block.count(b"\n")
    return lines


def _stages(job: Job, name: str, start: int, end: int) -> Callable[[str], None]:
    """A `StageTimer` callback that moves the bar one step per stage between two percentages."""
    seen = [0]

    def stage(label: str) -> None:
        percent = start + (end - start) * seen[0] // _LINK_STAGES
        seen[0] += 1
        job.record(progress=min(percent, end), message=f"{name}: {label}")

    return stage


def _summary(outcomes: list[ImportOutcome], home: DataHome) -> dict[str, Any]:
    """Counts per sheet and in total, the import ids and the report of each (written here)."""
    sheets = []
    for outcome in outcomes:
        manifest = outcome.manifest or {}
        counts = manifest.get("counts", {})
        report = None
        if outcome.status == "imported":
            report = write_import_report(outcome, report_path(outcome, home.root / "reports"))
        elif outcome.status == "unchanged":
            report = report_path(outcome, home.root / "reports")
        sheets.append(
            {
                "sheet": outcome.sheet,
                "status": outcome.status,
                "message": outcome.message,
                "message_en": outcome.message_en,
                "import_id": manifest.get("import_id"),
                "source": manifest.get("source"),
                "period": manifest.get("period"),
                "profile": manifest.get("profile", {}).get("name"),
                "rows_read": counts.get("rows_read", 0),
                "accepted": counts.get("accepted", 0),
                "quarantined": counts.get("quarantined", 0),
                "reasons": {
                    code: tally["count"] for code, tally in manifest.get("reasons", {}).items()
                },
                "report": (
                    report.relative_to(home.root).as_posix() if report and report.exists() else None
                ),
            }
        )
    return {
        "rows_read": sum(s["rows_read"] for s in sheets),
        "accepted": sum(s["accepted"] for s in sheets),
        "quarantined": sum(s["quarantined"] for s in sheets),
        "imports": [s["import_id"] for s in sheets if s["import_id"]],
        "sheets": sheets,
    }


def record_unexpected(job: Job, error: Exception) -> None:
    # The class name only: an exception's text can quote a cell of the file.
    log.error("job %s/%s stopped by %s", type(job).__name__, job.pk, type(error).__name__)
    job.record(status=Status.FAILED, progress=100, message="", error=UNEXPECTED)
