"""The plan rules and acts: who may change what in a regency's RAT, and the changes themselves.

* Everyone whose see scope covers the regency reads its plans (TKPK members,
  province viewers of the province included).
* An OPD officer (``plan``) adds, edits and deletes the lines of the officer's own
  OPD and records their realisation; the secretariat (``manage_plan``) does it for
  every OPD. Either way the edit scope must cover the regency.
* The secretariat alone creates a year's plan, keeps the OPD list, locks a draft
  version (sign-off), opens a new version (with a reason) and imports a workbook.
* A locked version is never edited (the model layer refuses too); realisation is
  reporting, so it is recorded on a locked plan as well.

Every refused write leaves a ``denied`` audit row and every write a ``write`` row.
Permission checks run outside the write's transaction, so a refusal's audit row
stays when the refusal is raised.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.domain import wilayah
from sinergi.reports.rat_matrix import RatRow
from sinergi.web import scoping
from sinergi.web.plans.forms import LineForm, OpdForm, RealisationForm, ReasonForm
from sinergi.web.plans.models import (
    Opd,
    Plan,
    PlanVersion,
    ProgramLine,
    Realisation,
    Status,
    VersionLocked,
)
from sinergi.web.plans.reads import latest
from sinergi.web.refusals import Invalid

FIRST_YEAR, LAST_YEAR = 2000, 2100
OWN, EVERY = "plan", "manage_plan"


class Conflict(Exception):
    """The plan's state forbids the act (a plan that exists already, a draft to lock twice)."""


class ImportRefused(Exception):
    """Lines of a workbook that break the plan's rules; nothing of the workbook was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Imported:
    """What an import wrote: lines added and updated, OPDs created, realisation entries."""

    added: int
    updated: int
    opds: int
    realisations: int


# --- where and who ---------------------------------------------------------------------------


def regency_code(code: str) -> str:
    """``code`` in dotted form if it is a regency/city; Http404 otherwise."""
    try:
        dotted = wilayah.normalise_code(code)
    except wilayah.WilayahError:
        raise Http404(_("Kode wilayah tidak dikenal.")) from None
    if wilayah.level_of(dotted) is not wilayah.Level.REGENCY or wilayah.find(dotted) is None:
        raise Http404(_("Rencana aksi disusun per kabupaten/kota."))
    return dotted


def plan_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404(_("Tahun rencana di luar %(first)s–%(last)s.") % _years())
    return year


def _years() -> dict[str, int]:
    return {"first": FIRST_YEAR, "last": LAST_YEAR}


def require_read(user: scoping.User, area: str, what: str = "plan") -> None:
    """PermissionDenied (audited) unless the user's see scope covers the regency."""
    if not scoping.may_see_area(user, area):
        scoping.audit(user, "denied", what, area)
        raise PermissionDenied(_("Wilayah ini di luar wilayah Anda."))


def may_manage(user: scoping.User, area: str) -> bool:
    return scoping.may_edit(user, EVERY, area)


def may_plan(user: scoping.User, area: str, opd: str) -> bool:
    """Whether the user may edit the lines (and realisation) of ``opd`` in the regency."""
    return scoping.may_edit_for_opd(user, area, opd, own=OWN, every=EVERY)


def require_manage(
    user: scoping.User, area: str, what: str, filters: Mapping[str, Any] | None = None
) -> None:
    """PermissionDenied (audited) unless the user is the regency's secretariat."""
    if not may_manage(user, area):
        scoping.audit(user, "denied", what, area, filters or {})
        raise PermissionDenied(_("Hanya sekretariat TKPK yang berwenang melakukan ini."))


def require_opd(
    user: scoping.User, area: str, opd: str, what: str, filters: Mapping[str, Any] | None = None
) -> None:
    """PermissionDenied (audited) unless the user may edit what ``opd`` owns in the regency."""
    if not may_plan(user, area, opd):
        scoping.audit(user, "denied", what, area, {"opd": opd, **(filters or {})})
        raise PermissionDenied(
            _("Anda tidak berwenang mengubah rencana %(opd)s di wilayah ini.") % {"opd": opd}
        )


def writable_opds(user: scoping.User, area: str) -> QuerySet[Opd]:
    """The regency's OPDs whose lines the user may edit: all for the secretariat."""
    opds = Opd.objects.filter(area_code=area)
    if may_manage(user, area):
        return opds
    # Only an OPD some assignment is bound to can be the user's: ask about those alone.
    bound = {a.opd for a in scoping.assignments(user) if a.opd}
    return opds.filter(name__in=[name for name in bound if may_plan(user, area, name)])


def find_plan(area: str, year: int) -> Plan:
    plan = Plan.objects.filter(area_code=area, year=year).first()
    if plan is None:
        raise Http404(
            _("Belum ada rencana aksi tahun %(year)s untuk wilayah ini.") % {"year": year}
        )
    return plan


def line_of(version: PlanVersion, key: str) -> ProgramLine:
    """The line ``key`` of ``version``; Http404 for an unknown or malformed key."""
    try:
        parsed = uuid.UUID(str(key))
    except ValueError:
        raise Http404(_("Baris program tidak ditemukan.")) from None
    line = version.lines.select_related("opd").filter(key=parsed).first()
    if line is None:
        raise Http404(_("Baris program tidak ditemukan."))
    return line


# --- acts ------------------------------------------------------------------------------------


def create_plan(user: scoping.User, area: str, year: int) -> Plan:
    """The year's plan of the regency with an empty draft version 1 (secretariat only)."""
    require_manage(user, area, "plan", {"tahun": year})
    plan_year(year)
    try:
        with transaction.atomic():
            plan = Plan.objects.create(area_code=area, year=year, created_by=user)
            PlanVersion.objects.create(plan=plan, number=1, created_by=user)
            scoping.audit(user, "write", "plan", area, {"tahun": year, "versi": 1}, rows=1)
    except IntegrityError:
        raise Conflict(_("Rencana aksi tahun %(year)s sudah ada.") % {"year": year}) from None
    return plan


def save_line(
    user: scoping.User, plan: Plan, data: Mapping[str, Any], *, key: str | None = None
) -> ProgramLine:
    """Add a line to the current draft, or change its line ``key``.

    The OPD of the line as it is and the OPD asked for must both be the user's
    to edit: an officer can neither touch another OPD's line nor move a line to it.

    Raises:
        Http404: no such line. PermissionDenied: not the user's OPD (audited).
        VersionLocked: the current version is locked. Invalid: the form's errors.
    """
    version = plan.current
    area = plan.area_code
    line = line_of(version, key) if key is not None else None
    filters = {"tahun": plan.year, "baris": key or "baru"}
    if line is not None:
        require_opd(user, area, line.opd.name, "plan_line", filters)
    asked = _asked_opd(area, data.get("opd"))
    if asked is not None:
        require_opd(user, area, asked.name, "plan_line", filters)
    elif not writable_opds(user, area).exists():
        scoping.audit(user, "denied", "plan_line", area, filters)
        raise PermissionDenied(_("Anda tidak berwenang mengubah rencana di wilayah ini."))
    refuse_locked(version)
    form = LineForm(data, instance=line, area=area, opds=writable_opds(user, area))
    if not form.is_valid():
        raise Invalid(form)
    saved: ProgramLine = form.instance
    with transaction.atomic():
        refuse_locked(_locked_row(version))
        saved.version = version
        saved.updated_by = user
        saved.save()
        scoping.audit(
            user,
            "write",
            "plan_line",
            area,
            {**filters, "baris": str(saved.key), "opd": saved.opd.name},
            rows=1,
        )
    return saved


def delete_line(user: scoping.User, plan: Plan, key: str) -> None:
    """Remove a line from the current draft; earlier versions keep it."""
    version = plan.current
    line = line_of(version, key)
    filters = {"tahun": plan.year, "baris": key, "hapus": "ya"}
    require_opd(user, plan.area_code, line.opd.name, "plan_line", filters)
    refuse_locked(version)
    with transaction.atomic():
        refuse_locked(_locked_row(version))
        line.delete()
        scoping.audit(
            user, "write", "plan_line", plan.area_code, {**filters, "opd": line.opd.name}, rows=1
        )


def record_realisation(
    user: scoping.User, plan: Plan, key: str, data: Mapping[str, Any]
) -> Realisation:
    """A new realisation entry of a line for one semester; the latest entry counts.

    Allowed on a locked version: realisation is reporting, not planning.
    """
    line = line_of(plan.current, key)
    filters = {"tahun": plan.year, "baris": key}
    require_opd(user, plan.area_code, line.opd.name, "plan_realisation", filters)
    form = RealisationForm(data)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        entry = Realisation.objects.create(
            plan=plan, line_key=line.key, recorded_by=user, **form.cleaned_data
        )
        scoping.audit(
            user,
            "write",
            "plan_realisation",
            plan.area_code,
            {**filters, "semester": entry.semester, "id": entry.pk},
            rows=1,
        )
    return entry


def lock_version(user: scoping.User, plan: Plan) -> PlanVersion:
    """Sign off the current draft: from now on it is never changed."""
    require_manage(user, plan.area_code, "plan_lock", {"tahun": plan.year})
    with transaction.atomic():
        version = _locked_row(plan.current)
        if version.locked:
            raise Conflict(_("Versi %(number)s sudah dikunci.") % {"number": version.number})
        seal(version, user)
        scoping.audit(
            user,
            "write",
            "plan_lock",
            plan.area_code,
            {"tahun": plan.year, "versi": version.number},
            rows=1,
        )
    return version


def open_version(user: scoping.User, plan: Plan, data: Mapping[str, Any]) -> PlanVersion:
    """A new draft after the locked current version: every line copied, keys kept.

    Raises:
        PermissionDenied: not the secretariat (audited). Invalid: no reason given.
        Conflict: the current version is still a draft (edit it instead).
    """
    require_manage(user, plan.area_code, "plan_version", {"tahun": plan.year})
    form = ReasonForm(data)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        current = _locked_row(plan.current)
        if not current.locked:
            raise Conflict(
                _("Versi %(number)s masih draf; ubah langsung atau kunci dulu.")
                % {"number": current.number}
            )
        draft = new_draft(current, form.cleaned_data["reason"].strip(), user)
        scoping.audit(
            user,
            "write",
            "plan_version",
            plan.area_code,
            {"tahun": plan.year, "versi": draft.number},
            rows=draft.lines.count(),
        )
    return draft


def seal(version: PlanVersion, user: scoping.User | None) -> None:
    """Lock ``version`` as signed off by ``user`` (``None``: the system)."""
    version.status = Status.LOCKED
    version.locked_by = user
    version.locked_at = timezone.now()
    version.save()


def new_draft(current: PlanVersion, reason: str, user: scoping.User | None) -> PlanVersion:
    """The next version of ``current``'s plan as a draft holding a copy of every line."""
    draft = PlanVersion.objects.create(
        plan=current.plan, number=current.number + 1, reason=reason, created_by=user
    )
    copies = []
    for line in current.lines.all():
        line.pk = None
        line._state.adding = True
        line.version = draft
        copies.append(line)
    ProgramLine.objects.bulk_create(copies)
    return draft


def add_opd(user: scoping.User, area: str, data: Mapping[str, Any]) -> Opd:
    """A new OPD in the regency's list (secretariat only)."""
    require_manage(user, area, "plan_opd")
    form = OpdForm(data, area=area)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        opd: Opd = form.save(commit=False)
        opd.area_code = area
        opd.save()
        scoping.audit(user, "write", "plan_opd", area, {"opd": opd.name}, rows=1)
    return opd


def import_lines(user: scoping.User, plan: Plan, rows: list[RatRow]) -> Imported:
    """Write a workbook's lines into the current draft, all or nothing (secretariat only).

    A line whose key matches a line of the draft updates it. A line without a key
    (a workbook whose ``Data Sinergi`` sheet was deleted, or a region's own) updates
    the draft's line of the same OPD with the same code, program, kegiatan and sub
    kegiatan; where several lines share those, or two rows of the file name the same
    line, the import is refused naming the row, since guessing would overwrite the
    wrong line. Any other line is added (keeping its key when it has one, so a line
    removed earlier comes back as itself). An OPD not yet in the regency's list is
    created. A semester's realisation that differs from the latest recorded one is
    recorded anew.
    Every line is checked by the same form as the page; one bad line refuses all.

    Raises:
        PermissionDenied: not the secretariat (audited). VersionLocked: the current
        version is locked. ImportRefused: the lines that break the rules, each named.
    """
    area = plan.area_code
    require_manage(user, area, "plan_import", {"tahun": plan.year})
    refuse_locked(plan.current)
    with transaction.atomic():
        version = _locked_row(plan.current)
        refuse_locked(version)
        existing = {str(line.key): line for line in version.lines.select_related("opd")}
        by_identity: dict[tuple[int, tuple[str, ...]], list[ProgramLine]] = {}
        for kept in existing.values():
            by_identity.setdefault((kept.opd_id, _identity(kept)), []).append(kept)
        done = latest(plan)
        problems: list[str] = []
        counts = {"added": 0, "updated": 0, "opds": 0, "realisations": 0}
        seen: set[str] = set()
        for number, row in enumerate(rows, start=1):
            where = _("Baris kegiatan ke-%(n)s (%(code)s %(name)s)") % {
                "n": number, "code": row.code, "name": row.sub_kegiatan[:60],
            }  # fmt: skip
            key = _uuid(row.key)
            if key is not None and key in seen:
                problems.append(_("%(where)s: kunci baris ganda.") % {"where": where})
                continue
            opd, created = _opd_named(area, row.opd)
            counts["opds"] += created
            line = existing.get(key) if key else None
            if key is None:
                same = by_identity.get((opd.pk, _identity(row)), [])
                if len(same) > 1:
                    problems.append(
                        _(
                            "%(where)s: tanpa kunci baris, dan %(n)s baris rencana %(opd)s "
                            "memiliki kode, program, kegiatan dan sub kegiatan yang sama, jadi "
                            "tidak jelas baris mana yang diperbarui. Impor berkas dengan lembar "
                            "'Data Sinergi' (berisi kunci baris), atau bedakan nama sub "
                            "kegiatannya lebih dulu."
                        )
                        % {"where": where, "n": len(same), "opd": opd.name}
                    )
                    continue
                if same and str(same[0].key) in seen:
                    problems.append(
                        _(
                            "%(where)s: sama dengan baris lain di berkas (perangkat daerah, "
                            "kode, program, kegiatan dan sub kegiatan sama); satu baris "
                            "rencana hanya diperbarui satu kali."
                        )
                        % {"where": where}
                    )
                    continue
                line = same[0] if same else None
            data = _line_data(row, opd)
            if key is None and line is not None:
                # The matrix sheet has no column for these: a row read from it says nothing
                # about them, so the matched line keeps its own rather than losing them.
                for name in MATRIX_ABSENT:
                    if getattr(row, name) in (None, ""):
                        data[name] = getattr(line, name) or ""
            form = LineForm(
                data,
                instance=line,
                area=area,
                opds=Opd.objects.filter(area_code=area),
            )
            if not form.is_valid():
                problems += [
                    f"{where}, {form.fields[name].label if name in form.fields else name}: {msg}"
                    for name, messages in form.errors.items()
                    for msg in messages
                ]
                continue
            saved: ProgramLine = form.instance
            if line is None and key is not None:
                saved.key = uuid.UUID(key)
            saved.version, saved.updated_by = version, user
            saved.save()
            seen.add(str(saved.key))
            counts["updated" if line else "added"] += 1
            recorded = _realise(user, plan, saved, row, done)
            if isinstance(recorded, Form):
                problems += [f"{where}, {_('realisasi')}: {recorded.errors.as_text()}"]
            else:
                counts["realisations"] += recorded
        if problems:
            raise ImportRefused(problems)
        scoping.audit(
            user,
            "write",
            "plan_import",
            area,
            {"tahun": plan.year, "versi": version.number, **counts},
            rows=len(rows),
        )
    return Imported(**counts)


# Line fields a row of the RAT matrix sheet cannot state: no column for them (they live in
# 'Data Sinergi' only), or, for the unit, a number cell that shows it only by its format.
MATRIX_ABSENT = ("strategy_perpres", "location_code", "eligibility_rule", "target_unit")


def _identity(line: ProgramLine | RatRow) -> tuple[str, ...]:
    """What names a line without its key: code and names, spacing and case aside."""
    return tuple(
        " ".join(str(getattr(line, name) or "").split()).casefold()
        for name in ("code", "program", "kegiatan", "sub_kegiatan")
    )


def _uuid(text: str | None) -> str | None:
    try:
        return str(uuid.UUID(text)) if text else None
    except ValueError:
        return None


def _opd_named(area: str, name: str) -> tuple[Opd, bool]:
    name = " ".join(name.split())
    found = Opd.objects.filter(area_code=area, name__iexact=name).first()
    if found is not None:
        return found, False
    return Opd.objects.create(area_code=area, name=name[:100]), True


def _line_data(row: RatRow, opd: Opd) -> dict[str, Any]:
    """The line form's data from a workbook row (empty where the row has nothing)."""

    def text(value: Any) -> Any:
        return "" if value is None else value

    return {
        "opd": opd.pk,
        **{
            name: text(getattr(row, name))
            for name in (
                "code", "program", "kegiatan", "sub_kegiatan", "strategy_inpres",
                "strategy_perpres", "activity_type", "budget", "funding_source",
                "assistance_nature", "assistance_type", "benefit_amount", "duration",
                "location", "location_code", "target_beneficiaries", "target_unit",
                "eligibility_rule",
            )
        },
    }  # fmt: skip


def _realise(
    user: scoping.User,
    plan: Plan,
    line: ProgramLine,
    row: RatRow,
    done: dict[tuple[str, int], Realisation],
) -> int | Form:
    """Record each semester of ``row`` whose realisation differs from the latest.

    Returns:
        How many entries were recorded, or the form that refused a semester's numbers.
    """
    recorded = 0
    for semester, budget, reached in (
        (1, row.realised_budget_s1, row.reached_s1),
        (2, row.realised_budget_s2, row.reached_s2),
    ):
        if budget is None:
            continue
        last = done.get((str(line.key), semester))
        count = reached if reached is not None else (last.reached if last else 0)
        if last is not None and (last.budget, last.reached) == (budget, count):
            continue
        form = RealisationForm({"semester": semester, "budget": budget, "reached": count})
        if not form.is_valid():
            return form
        entry = form.cleaned_data | {"note": _("impor XLSX")}
        Realisation.objects.create(plan=plan, line_key=line.key, recorded_by=user, **entry)
        recorded += 1
    return recorded


# --- helpers ---------------------------------------------------------------------------------


def _asked_opd(area: str, value: Any) -> Opd | None:
    """The regency's OPD a form asks for by id, if it names one."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return Opd.objects.filter(area_code=area, pk=int(text)).first()


def _locked_row(version: PlanVersion) -> PlanVersion:
    """The version as stored, its row locked until the transaction ends (PostgreSQL)."""
    return PlanVersion.objects.select_for_update().get(pk=version.pk)


def refuse_locked(version: PlanVersion) -> None:
    """VersionLocked, saying which version, if ``version`` is locked."""
    if version.locked:
        raise VersionLocked(
            _("Versi %(number)s sudah dikunci dan tidak dapat diubah; buka versi baru lebih dulu.")
            % {"number": version.number}
        )
