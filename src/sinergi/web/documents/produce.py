"""Run a document request: gather the data, write the files in one go, record what was made.

The site queues a run (:func:`start`) for the database worker; ``sinergi report``
creates one and runs it at once (:func:`make`). Either way the files land
together under ``<home>/reports/dokumen/<folder>/`` or not at all, and the run
row keeps who asked, when, the files with their SHA-256, and the data runs
they were made from. A secretariat's own templates in ``<home>/templat/`` are
used in place of the shipped ones.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_noop

from sinergi.errors import SinergiError
from sinergi.lake.home import DataHome, file_sha256, write_atomically
from sinergi.reports.documents import write_drafts
from sinergi.web import scoping
from sinergi.web.coordination.models import Meeting
from sinergi.web.documents import gather
from sinergi.web.documents.models import DocumentRun
from sinergi.web.scoping import User
from sinergi.web.uploads.models import Status

log = logging.getLogger(__name__)

OWN_TEMPLATES = "templat"
DOCUMENTS = Path("reports") / "dokumen"


def start(user: User, kind: str, area: str, year: int, **options: Any) -> DocumentRun:
    """Queue a document run for the worker (the site's button); the caller checked rights.

    ``options`` are those of :func:`create`.
    """
    from sinergi.web.documents.tasks import make_documents

    run = create(user, user.get_username(), kind, area, year, **options)
    run.record(task_result_id=str(make_documents.enqueue(run.pk).id))
    return run


def create(
    user: User | None,
    username: str,
    kind: str,
    area: str,
    year: int,
    *,
    meeting: Meeting | None = None,
    pdf: bool = True,
    names: bool = False,
) -> DocumentRun:
    """The run row of a request, not started yet."""
    return DocumentRun.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        username=username,
        scope=area,
        kind=kind,
        year=year,
        meeting=meeting,
        pdf=pdf,
        names=names,
    )


def make(run: DocumentRun, *, own_templates: Path | None = None) -> list[Path]:
    """Write the run's files now and record them; the paths. Raises SinergiError when it fails."""
    home = DataHome.resolve(Path(settings.HOME))
    run.record(status=Status.RUNNING, progress=5, message=gettext_noop("Mengumpulkan data"))
    try:
        bundle = gather.bundle(run)
        run.record(progress=40, message=gettext_noop("Menulis dokumen"))
        folder = DOCUMENTS / f"{run.kind}_{run.scope.replace('.', '')}_{run.year}_{_stamp()}"
        target = home.root / folder
        with write_atomically(target) as partial:
            write_drafts(
                bundle.drafts, partial, own_templates=own_templates or home.root / OWN_TEMPLATES,
                pdf=run.pdf,
            )  # fmt: skip
            for name, content in bundle.workbooks.items():
                (partial / name).write_bytes(content)
    except SinergiError as error:
        log.warning("document run %s failed: %s (%s)", run.pk, error.english, error.code)
        run.record(status=Status.FAILED, progress=100, message="", error=error.pesan)
        raise
    paths = sorted(target.iterdir())
    files = [{"name": p.name, "bytes": p.stat().st_size, "sha256": file_sha256(p)} for p in paths]
    run.record(
        status=Status.DONE,
        progress=100,
        message=gettext_noop("Selesai"),
        folder=str(folder),
        files=files,
        sources=bundle.sources,
        summary={
            "documents": len(bundle.drafts),
            "names_annex": bundle.names_rows,
            "names_identifiers": bundle.names_identifiers,
        },
    )
    return paths


def file_path(run: DocumentRun, name: str) -> Path | None:
    """The file ``name`` of a finished run, or None when the run holds no such file."""
    if run.status != Status.DONE or name not in {f["name"] for f in run.files}:
        return None
    path = DataHome.resolve(Path(settings.HOME)).root / run.folder / name
    return path if path.is_file() else None


def holds_names(name: str) -> bool:
    """Whether file ``name`` is the annex of beneficiaries by name and address (personal data)."""
    return gather.PERSONAL_MARK in name


def may_read_names(user: User, area: str, run: DocumentRun | None = None) -> bool:
    """Whether the user may have the names-and-addresses annex of ``area`` (of ``run``).

    The annex is written with the identifiers its asker may see; one holding
    whole NIKs and KKs is for those who may see them too. A run from before
    this was recorded counts as holding them.
    """
    allowed = scoping.may(user, "see_people", area) and scoping.may(user, "export", area)
    if allowed and run is not None and names_shown(run):
        return scoping.may(user, "see_identifiers", area)
    return allowed


def names_shown(run: DocumentRun) -> bool:
    """Whether the names annex of ``run`` holds whole NIKs and KKs."""
    return bool(run.summary.get("names_identifiers", True))


def _stamp() -> str:
    return timezone.now().strftime("%Y%m%dT%H%M%S%f")
