"""Why a write was refused, shared by every app: an invalid form; and how the API answers it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Status


class Invalid(Exception):
    """The form did not validate; ``form.errors`` says why, per field."""

    def __init__(self, form: Form) -> None:
        super().__init__(form.errors.as_text())
        self.form = form


def unprocessable(invalid: Invalid) -> Status[Any]:
    """The API's 422: every field's messages, and all of them in one line."""
    fields = {name: [str(m) for m in errors] for name, errors in invalid.form.errors.items()}
    detail = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in fields.items())
    return Status(422, {"detail": detail, "fields": fields})


def answer(
    status: int, work: Callable[[], Any], *, conflict: type[Exception] | None = None
) -> Status[Any]:
    """``(status, body)`` of ``work``, or the declared status of its refusal (404, 403, 422,
    and 409 for ``conflict`` where the route declares it)."""
    try:
        return Status(status, work())
    except Http404 as missing:
        return Status(404, {"detail": str(missing) or _("Tidak ditemukan.")})
    except PermissionDenied as denied:
        return Status(403, {"detail": str(denied) or _("Tidak berwenang.")})
    except Invalid as invalid:
        return unprocessable(invalid)
    except Exception as error:
        if conflict is not None and isinstance(error, conflict):
            return Status(409, {"detail": str(error)})
        raise
