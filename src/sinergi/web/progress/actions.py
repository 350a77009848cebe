"""Setting a target: who may, where, and how a change supersedes the current version.

Only a user whose ``manage_plan`` permission has an edit scope covering the area
sets its targets (a secretariat analyst, an administrator); anyone else is
refused with 403 and a ``denied`` audit row, and nothing is written. A target for
an (indicator, area, year) that already has one, the secretariat's or a shipped
reference target, *supersedes* it: the reason is required, the old row stays.
Every write leaves a ``write`` audit row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from sinergi.domain import reference, wilayah
from sinergi.web import scoping
from sinergi.web.progress.forms import TargetForm
from sinergi.web.progress.indicators import indicator
from sinergi.web.progress.models import Target
from sinergi.web.refusals import Invalid

PERMISSION = "manage_plan"


class Conflict(Exception):
    """Someone else changed the same target in the meantime."""


def area_code(code: str) -> str:
    """``code`` in dotted form if it is a known wilayah; Http404 otherwise."""
    try:
        dotted = wilayah.normalise_code(code)
    except wilayah.WilayahError:
        raise Http404(_("Kode wilayah tidak dikenal.")) from None
    if wilayah.find(dotted) is None:
        raise Http404(_("Kode wilayah tidak dikenal."))
    return dotted


def require(user: scoping.User, area: str, filters: Mapping[str, Any] | None = None) -> None:
    """PermissionDenied (and a ``denied`` audit row) unless the user may set targets in ``area``."""
    if not scoping.may_edit(user, PERMISSION, area):
        scoping.audit(user, "denied", "progress_target", area, filters or {})
        raise PermissionDenied(_("Anda tidak berwenang menetapkan target di wilayah ini."))


def set_target(
    acting_user: scoping.User,
    area: str,
    data: Mapping[str, Any],
    *,
    replaces: int | None = None,
) -> Target:
    """Record a target of ``area``, superseding the current one of its indicator and year.

    Args:
        replaces: the version the user saw as current, when changing one; if another
            has replaced it since, nothing is written.

    Raises:
        PermissionDenied: not allowed in ``area`` (audited). Invalid: the form's
        errors, or a change without a reason. Conflict: changed by someone else meanwhile.
    """
    require(acting_user, area, {"indikator": data.get("indicator", "")})
    form = TargetForm(data)
    if not form.is_valid():
        raise Invalid(form)
    fields = form.cleaned_data
    entry = indicator(fields["indicator"])
    key = {"indicator": entry.code, "area_code": area, "year": fields["year"]}
    current = Target.objects.current().filter(**key).first()
    if replaces is not None and (current is None or current.pk != replaces):
        raise Conflict(
            _("Target ini baru saja diganti orang lain; periksa riwayatnya lalu ulangi.")
        )
    shipped = reference.targets(indicator=entry.code, area_code=area, year=fields["year"])
    if (current is not None or shipped) and not fields["reason"].strip():
        form.add_error(
            "reason",
            _("Target %(year)s untuk indikator ini sudah ada; tulis alasan penggantiannya.")
            % {"year": fields["year"]},
        )
        raise Invalid(form)
    try:
        with transaction.atomic():
            target = Target.objects.create(
                **key,
                comparator=fields["comparator"],
                value=fields["value"],
                unit=entry.unit,
                baseline_value=fields["baseline_value"],
                baseline_year=fields["baseline_year"],
                source=fields["source"],
                grade=fields["grade"],
                note=fields["note"],
                reason=fields["reason"],
                supersedes=current,
                created_by=acting_user,
                created_by_name=acting_user.get_username(),
            )
    except IntegrityError:  # another version was written a moment ago
        raise Conflict(
            _("Target ini baru saja diganti orang lain; periksa riwayatnya lalu ulangi.")
        ) from None
    scoping.audit(
        acting_user,
        "write",
        "progress_target",
        area,
        {
            "id": target.pk,
            "indikator": entry.code,
            "tahun": target.year,
            "menggantikan": current.pk if current else "",
        },
        rows=1,
    )
    return target
