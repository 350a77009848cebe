"""The background task of the documents page: make a queued document run (django-tasks)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from sinergi.errors import SinergiError
from sinergi.web.documents.models import DocumentRun
from sinergi.web.uploads.models import Status
from sinergi.web.uploads.tasks import record_unexpected


@task()
def make_documents(run_id: int) -> dict[str, Any]:
    """Write the documents of run ``run_id``; its status and file names."""
    from sinergi.web.documents.produce import make

    run = DocumentRun.objects.get(pk=run_id)
    try:
        paths = make(run)
    except SinergiError as error:  # make() wrote it on the row
        return {"status": Status.FAILED, "code": error.code}
    except Exception as error:
        record_unexpected(run, error)
        raise  # the queue keeps the traceback, for the administrator
    return {"status": Status.DONE, "files": [p.name for p in paths]}
