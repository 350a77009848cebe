"""The verval rules: who may record what where, and the level order (desa first, then approver).

Two levels, as in the DTKS flow (musyawarah desa, then verval by Dinas Sosial
kabupaten/kota): the desa records findings, the level above decides them.

* Only a user whose ``verval`` permission has an edit scope covering the desa
  records a finding there, and only on a family of that desa.
* Only a user whose ``approve_verval`` permission has an edit scope covering the
  desa decides, and only on a finding the desa submitted: there is nothing else to
  decide on. The decision is on the latest finding of a family (a newer one from
  the desa replaces it in the queue), is made once, and never by its author.
* Nothing is edited: a desa that disagrees with a decision submits a new finding,
  which again needs a decision.

Every write and every refused write leaves an audit row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.forms import Form
from django.http import Http404
from django.utils.translation import gettext as _

from sinergi.domain import wilayah
from sinergi.web import registry, scoping
from sinergi.web.accounts.models import covers
from sinergi.web.refusals import Invalid
from sinergi.web.verval.forms import DecisionForm, FindingForm, ProposalForm
from sinergi.web.verval.models import Decision, Finding, Status

MAX_ID = 2**63 - 1  # a bigger id would overflow the database's bigint, not just miss


class Conflict(Exception):
    """The finding's state forbids the action (decided already, or superseded)."""


def area_code(code: str) -> str:
    """``code`` in dotted form; Http404 for anything that is not a wilayah code."""
    try:
        return wilayah.normalise_code(code)
    except wilayah.WilayahError:
        raise Http404(_("Kode wilayah tidak dikenal.")) from None


def desa_code(code: str) -> str:
    """``code`` in dotted form if it is a desa/kelurahan code; Http404 otherwise."""
    dotted = area_code(code)
    if wilayah.level_of(dotted) is not wilayah.Level.VILLAGE:
        raise Http404(_("Verval dilakukan per desa/kelurahan."))
    return dotted


def require(
    user: scoping.User,
    permission: str,
    area: str,
    what: str,
    filters: Mapping[str, Any] | None = None,
) -> None:
    """PermissionDenied (and an audit row) unless ``permission`` holds in ``area``'s edit scope."""
    if not scoping.may_edit(user, permission, area):
        scoping.audit(user, "denied", what, area, filters or {})
        raise PermissionDenied(_("Anda tidak berwenang melakukan verval di wilayah ini."))


def submit_finding(
    user: scoping.User, hid: str, data: Mapping[str, Any], *, desa: str | None = None
) -> Finding:
    """Record a family of the registry as found eligible or not.

    Args:
        desa: when given (the page of a desa), the family must live there.

    Raises:
        Http404: no such family. PermissionDenied: not the user's desa (audited).
        Invalid: the form's errors.
    """
    try:
        area = registry.family_area(hid)
    except registry.NoDiagnosis:
        area = None
    if area is None:
        raise Http404(_("Keluarga tidak ditemukan."))
    if desa is not None and area != desa:
        scoping.audit(user, "denied", "verval_finding", area, {"hid": hid})
        raise PermissionDenied(_("Keluarga ini bukan warga desa ini."))
    require(user, "verval", area, "verval_finding", {"hid": hid})
    form = FindingForm(data)
    if not form.is_valid():
        raise Invalid(form)
    finding = Finding.objects.create(
        subject=hid,
        hid=hid,
        area_code=area,
        **_fields(form, "outcome", "reason", "note"),
        **_by(user),
    )
    scoping.audit(user, "write", "verval_finding", area, {"id": finding.pk, "hid": hid}, rows=1)
    return finding


def propose_family(user: scoping.User, desa: str, data: Mapping[str, Any]) -> Finding:
    """Record a family missing from the registry, proposed by the desa.

    A later proposal with the same KK in the same desa supersedes this one.

    Raises:
        Http404: not a desa code. PermissionDenied: not the user's desa (audited).
        Invalid: the form's errors (a broken NIK or KK among them).
    """
    desa = desa_code(desa)
    require(user, "verval", desa, "verval_proposal")
    form = ProposalForm(data)
    if not form.is_valid():
        raise Invalid(form)
    fields = _fields(
        form, "outcome", "reason", "note", "head_name", "nik", "kk", "address", "rt", "rw",
        "member_count",
    )  # fmt: skip
    finding = Finding.objects.create(
        subject=f"usulan:{desa}:{fields['kk']}", area_code=desa, **fields, **_by(user)
    )
    # The audit row names the record, never the proposed family's numbers.
    scoping.audit(user, "write", "verval_proposal", desa, {"id": finding.pk}, rows=1)
    return finding


def decide(
    user: scoping.User, finding_id: int, data: Mapping[str, Any], *, within: str | None = None
) -> Decision:
    """Approve or reject a finding the desa submitted.

    Args:
        within: when given (the queue page of an area), the finding must lie in it.

    Raises:
        Http404: no such finding. PermissionDenied: outside the approver's edit scope
        (audited), or the approver's own finding. Invalid: the form's errors.
        Conflict: decided already, or superseded by a newer finding of the desa.
    """
    found = (
        Finding.objects.with_state().filter(pk=finding_id).first()
        if 0 < finding_id <= MAX_ID
        else None
    )
    if found is None:
        raise Http404(_("Temuan verval tidak ditemukan."))
    area = found.area_code
    if within is not None and not covers(within, area):
        scoping.audit(user, "denied", "verval_decision", area, {"id": found.pk})
        raise PermissionDenied(_("Temuan ini di luar wilayah antrean ini."))
    require(user, "approve_verval", area, "verval_decision", {"id": found.pk})
    if found.by_id == user.pk:
        raise PermissionDenied(_("Temuan yang Anda ajukan sendiri harus diputuskan orang lain."))
    form = DecisionForm(data)
    if not form.is_valid():
        raise Invalid(form)
    if found.status == Status.DIGANTIKAN:
        raise Conflict(_("Desa sudah mengajukan temuan yang lebih baru; putuskan yang terbaru."))
    if found.status != Status.DIAJUKAN:
        raise Conflict(_("Temuan ini sudah diputuskan; keputusan tidak dapat diubah."))
    approved = form.cleaned_data["decision"] == "setuju"
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                finding=found, approved=approved, note=form.cleaned_data["note"], **_by(user)
            )
    except IntegrityError:  # another approver decided it a moment ago
        raise Conflict(_("Temuan ini sudah diputuskan; keputusan tidak dapat diubah.")) from None
    keputusan = "setuju" if approved else "tolak"
    scoping.audit(
        user, "write", "verval_decision", area, {"id": found.pk, "keputusan": keputusan}, rows=1
    )
    return decision


def _fields(form: Form, *names: str) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names}


def _by(user: scoping.User) -> dict[str, Any]:
    return {"by": user, "by_name": user.get_username()}
