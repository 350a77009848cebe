"""Coordination writes: each ``do_*`` checks who may act, validates, writes and audits at once.

The secretariat (``coordinate``, with an edit scope covering the area) keeps
decrees, members, pokja, the agenda, rakor, attendance, minutes, materials,
decisions and follow-ups. An OPD officer (``follow_up``) moves on the follow-ups
owned by their own OPD only. A refusal raises PermissionDenied after a
``denied`` audit row; every write leaves a ``write`` row. Nothing is half done:
each action runs in one transaction.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.web import scoping
from sinergi.web.coordination.forms import (
    AgendaItemForm,
    DecisionForm,
    DecreeForm,
    FollowUpForm,
    InviteeForm,
    MaterialForm,
    MeetingForm,
    MemberForm,
    MinutesForm,
    StatusForm,
    WorkingGroupForm,
)
from sinergi.web.coordination.models import (
    AgendaItem,
    Decision,
    Decree,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Invitee,
    Material,
    Meeting,
    MeetingStatus,
    Member,
    WorkingGroup,
)
from sinergi.web.refusals import Invalid

MATERIALS_DIR = "rakor"

# A proposal for a first decree: the pokja Permendagri 42/2010 named (three program
# groups, three working groups). Whether 53/2020 keeps them is unverified; edit freely.
PROPOSED_WORKING_GROUPS = (
    "Pokja Bantuan Sosial Terpadu Berbasis Keluarga",
    "Pokja Pemberdayaan Masyarakat",
    "Pokja Pemberdayaan Usaha Mikro dan Kecil",
    "Pokja Pendataan dan Sistem Informasi",
    "Pokja Pengembangan Kemitraan",
    "Pokja Pengaduan Masyarakat",
)


class Conflict(Exception):
    """The record's state forbids the action (a superseded decree, a cancelled rakor)."""


def may_coordinate(user: scoping.User, area: str) -> bool:
    return scoping.may_edit(user, "coordinate", area)


def may_update(user: scoping.User, follow_up: FollowUp) -> bool:
    """Whether the user reports on this follow-up: its own OPD, or the secretariat."""
    return scoping.may_edit_for_opd(
        user, follow_up.area_code, follow_up.owner_opd, own="follow_up", every="coordinate"
    )


def require_coordinate(
    user: scoping.User, area: str, what: str, filters: Mapping[str, Any] | None = None
) -> None:
    """PermissionDenied (and an audit row) unless the user keeps the TKPK records of ``area``."""
    if not may_coordinate(user, area):
        scoping.audit(user, "denied", what, area, filters or {})
        raise PermissionDenied(
            _("Hanya sekretariat TKPK wilayah ini yang dapat mengubah data koordinasi.")
        )


# --- decrees, pokja, members --------------------------------------------------------------


def do_save_decree(
    acting_user: scoping.User,
    area: str,
    data: Mapping[str, Any],
    *,
    decree: Decree | None = None,
    today: date | None = None,
) -> Decree:
    """Record a new decree (copying the previous one's pokja and members) or correct one.

    A first decree of the area gets the proposed pokja (`PROPOSED_WORKING_GROUPS`).
    Only the current decree is corrected; earlier ones stay as they were.

    Raises:
        PermissionDenied: not the area's secretariat (audited). Invalid: the form's
        errors. Conflict: the decree was superseded.
    """
    target = {"id": decree.pk} if decree else {}
    require_coordinate(acting_user, area, "coordination_decree", target)
    if decree is not None:
        _require_current(decree)
    form = DecreeForm(data, instance=decree, area=area, today=today or timezone.localdate())
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        previous = Decree.objects.current(area) if decree is None else None
        saved: Decree = form.save(commit=False)
        if decree is None:
            saved.area_code = area
            saved.created_by = _user(acting_user)
            saved.created_by_name = acting_user.get_username()
        saved.save()
        if decree is None:
            if previous is None:
                WorkingGroup.objects.bulk_create(
                    WorkingGroup(decree=saved, name=name, order=order)
                    for order, name in enumerate(PROPOSED_WORKING_GROUPS, start=1)
                )
            elif form.cleaned_data.get("copy_previous"):
                _copy_team(previous, saved)
        scoping.audit(acting_user, "write", "coordination_decree", area, {"id": saved.pk}, rows=1)
    return saved


def _copy_team(source: Decree, target: Decree) -> None:
    """The pokja and members of ``source`` as a starting point for ``target``."""
    groups = {
        group.pk: WorkingGroup.objects.create(decree=target, name=group.name, order=group.order)
        for group in source.groups.all()
    }
    Member.objects.bulk_create(
        Member(
            decree=target,
            name=m.name,
            position=m.position,
            institution=m.institution,
            element=m.element,
            team_role=m.team_role,
            working_group=groups.get(m.working_group_id) if m.working_group_id else None,
        )
        for m in source.members.order_by("pk")
    )


def _require_current(decree: Decree) -> None:
    if Decree.objects.current(decree.area_code) != decree:
        raise Conflict(
            _("SK ini sudah digantikan SK yang lebih baru; isinya disimpan sebagai riwayat.")
        )


def do_save_group(
    acting_user: scoping.User,
    decree: Decree,
    data: Mapping[str, Any],
    *,
    group: WorkingGroup | None = None,
) -> WorkingGroup:
    """Add a pokja to the current decree, or rename or reorder one."""
    form = WorkingGroupForm(data, instance=group, decree=decree)
    saved: WorkingGroup = _save_part(acting_user, decree, form, "coordination_group")
    return saved


def do_remove_group(acting_user: scoping.User, group: WorkingGroup) -> None:
    """Remove a pokja of the current decree; its members stay, without a pokja."""
    _remove_part(acting_user, group, group.name, "coordination_group")


def do_save_member(
    acting_user: scoping.User,
    decree: Decree,
    data: Mapping[str, Any],
    *,
    member: Member | None = None,
) -> Member:
    """Add a member to the current decree, or correct one (one chair per decree)."""
    form = MemberForm(data, instance=member, decree=decree)
    saved: Member = _save_part(acting_user, decree, form, "coordination_member")
    return saved


def do_remove_member(acting_user: scoping.User, member: Member) -> None:
    _remove_part(acting_user, member, member.name, "coordination_member")


def _save_part(acting_user: scoping.User, decree: Decree, form: Any, what: str) -> Any:
    """Save a pokja or member of the current decree from its bound form, audited."""
    area = decree.area_code
    require_coordinate(acting_user, area, what, {"sk": decree.pk})
    _require_current(decree)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        saved = form.save(commit=False)
        saved.decree = decree
        saved.save()
        scoping.audit(acting_user, "write", what, area, {"id": saved.pk}, rows=1)
    return saved


def _remove_part(
    acting_user: scoping.User, part: WorkingGroup | Member, name: str, what: str
) -> None:
    """Remove a pokja or member of the current decree, audited with its name."""
    decree = part.decree
    require_coordinate(acting_user, decree.area_code, what, {"id": part.pk})
    _require_current(decree)
    with transaction.atomic():
        scoping.audit(
            acting_user, "write", what, decree.area_code, {"id": part.pk, "hapus": name}, rows=1
        )
        part.delete()


# --- the work agenda ----------------------------------------------------------------------


def do_save_agenda_item(
    acting_user: scoping.User,
    area: str,
    data: Mapping[str, Any],
    *,
    item: AgendaItem | None = None,
    today: date | None = None,
) -> AgendaItem:
    """Add a line to the area's yearly agenda, or update one (mark it done)."""
    require_coordinate(acting_user, area, "coordination_agenda", {"id": item.pk} if item else {})
    form = AgendaItemForm(data, instance=item, today=today or timezone.localdate())
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        saved: AgendaItem = form.save(commit=False)
        saved.area_code = area
        saved.save()
        scoping.audit(acting_user, "write", "coordination_agenda", area, {"id": saved.pk}, rows=1)
    return saved


def do_remove_agenda_item(acting_user: scoping.User, item: AgendaItem) -> None:
    area = item.area_code
    require_coordinate(acting_user, area, "coordination_agenda", {"id": item.pk})
    with transaction.atomic():
        filters = {"id": item.pk, "hapus": item.title}
        scoping.audit(acting_user, "write", "coordination_agenda", area, filters, rows=1)
        item.delete()


# --- rakor --------------------------------------------------------------------------------


def do_save_meeting(
    acting_user: scoping.User,
    area: str,
    data: Mapping[str, Any],
    *,
    meeting: Meeting | None = None,
    today: date | None = None,
) -> Meeting:
    """Plan a rakor, or change its details or status (held, cancelled).

    Raises:
        PermissionDenied: not the area's secretariat (audited). Invalid: the form's
        errors (neither place nor link, a bad link, held before its date, cancelling
        a rakor that already took decisions).
    """
    target = {"id": meeting.pk} if meeting else {}
    require_coordinate(acting_user, area, "coordination_meeting", target)
    form = MeetingForm(data, instance=meeting, today=today or timezone.localdate())
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        saved: Meeting = form.save(commit=False)
        if meeting is None:
            saved.area_code = area
            saved.created_by = _user(acting_user)
            saved.created_by_name = acting_user.get_username()
        saved.save()
        filters = {"id": saved.pk, "status": saved.status}
        scoping.audit(acting_user, "write", "coordination_meeting", area, filters, rows=1)
    return saved


def do_add_invitee(acting_user: scoping.User, meeting: Meeting, data: Mapping[str, Any]) -> Invitee:
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_invitee", {"rakor": meeting.pk})
    _require_not_cancelled(meeting)
    form = InviteeForm(data)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        invitee: Invitee = form.save(commit=False)
        invitee.meeting = meeting
        invitee.save()
        filters = {"rakor": meeting.pk, "id": invitee.pk}
        scoping.audit(acting_user, "write", "coordination_invitee", area, filters, rows=1)
    return invitee


def do_remove_invitee(acting_user: scoping.User, invitee: Invitee) -> None:
    meeting = invitee.meeting
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_invitee", {"id": invitee.pk})
    with transaction.atomic():
        filters = {"rakor": meeting.pk, "id": invitee.pk, "hapus": invitee.name}
        scoping.audit(acting_user, "write", "coordination_invitee", area, filters, rows=1)
        invitee.delete()


def do_record_attendance(
    acting_user: scoping.User,
    meeting: Meeting,
    present: Collection[int],
    *,
    today: date | None = None,
) -> int:
    """Mark who came: the invitees in ``present`` attended, every other one did not.

    Returns how many attended. Raises Conflict for a cancelled rakor or one whose
    day has not come.
    """
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_attendance", {"rakor": meeting.pk})
    _require_not_cancelled(meeting)
    if meeting.date > (today or timezone.localdate()):
        raise Conflict(_("Kehadiran dicatat pada atau setelah hari rapat."))
    with transaction.atomic():
        invited = meeting.invitees.all()
        came = invited.filter(pk__in=present).update(attended=True)
        invited.exclude(pk__in=present).update(attended=False)
        filters = {"rakor": meeting.pk, "hadir": came}
        scoping.audit(acting_user, "write", "coordination_attendance", area, filters, rows=came)
    return came


def do_save_minutes(acting_user: scoping.User, meeting: Meeting, data: Mapping[str, Any]) -> None:
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_minutes", {"rakor": meeting.pk})
    form = MinutesForm(data, instance=meeting)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        form.save()
        scoping.audit(
            acting_user, "write", "coordination_minutes", area, {"rakor": meeting.pk}, rows=1
        )


def do_add_material(
    acting_user: scoping.User, meeting: Meeting, files: Mapping[str, Any]
) -> Material:
    """Keep a rakor material byte for byte as ``<home>/rakor/<sha256><ext>``.

    The original name stays in the row; the same bytes uploaded twice are stored once.
    """
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_material", {"rakor": meeting.pk})
    form = MaterialForm(files=files)
    if not form.is_valid():
        raise Invalid(form)
    upload: UploadedFile = form.cleaned_data["berkas"]
    original = Path(upload.name or "berkas").name[:255]
    stored, size, digest = _store(upload, material_folder(), Path(original).suffix.lower())
    with transaction.atomic():
        material = Material.objects.create(
            meeting=meeting,
            original_name=original,
            stored_name=stored,
            sha256=digest,
            size=size,
            uploaded_by=_user(acting_user),
            uploaded_by_name=acting_user.get_username(),
        )
        filters = {"rakor": meeting.pk, "id": material.pk, "sha256": digest}
        scoping.audit(acting_user, "write", "coordination_material", area, filters, rows=1)
    return material


def material_folder() -> Path:
    return Path(settings.HOME) / MATERIALS_DIR


def _store(upload: UploadedFile, folder: Path, suffix: str) -> tuple[str, int, str]:
    """Write the upload under its SHA-256 (whole or not at all); its name, size and digest."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        name = digest.hexdigest() + suffix
        os.replace(partial, folder / name)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return name, size, digest.hexdigest()


def do_add_decision(
    acting_user: scoping.User, meeting: Meeting, data: Mapping[str, Any]
) -> Decision:
    """Record a decision of the rakor, numbered next within it."""
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_decision", {"rakor": meeting.pk})
    _require_not_cancelled(meeting)
    form = DecisionForm(data)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        last = meeting.decisions.aggregate(last=Max("number"))["last"] or 0
        decision: Decision = form.save(commit=False)
        decision.meeting = meeting
        decision.number = last + 1
        decision.created_by_name = acting_user.get_username()
        decision.save()
        filters = {"rakor": meeting.pk, "id": decision.pk}
        scoping.audit(acting_user, "write", "coordination_decision", area, filters, rows=1)
    return decision


def _require_not_cancelled(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.BATAL:
        raise Conflict(_("Rakor ini batal; tidak ada yang dicatat untuknya."))


# --- follow-ups ---------------------------------------------------------------------------


def do_add_follow_up(
    acting_user: scoping.User, decision: Decision, data: Mapping[str, Any]
) -> FollowUp:
    """Ask an OPD to act on a decision by a due date; its history starts at *belum*."""
    meeting = decision.meeting
    area = meeting.area_code
    require_coordinate(acting_user, area, "coordination_follow_up", {"keputusan": decision.pk})
    form = FollowUpForm(data, meeting=meeting)
    if not form.is_valid():
        raise Invalid(form)
    with transaction.atomic():
        follow_up: FollowUp = form.save(commit=False)
        follow_up.decision = decision
        follow_up.save()
        _step(follow_up, acting_user, note=_("Tindak lanjut dicatat dari rakor."))
        filters = {"id": follow_up.pk, "opd": follow_up.owner_opd}
        scoping.audit(acting_user, "write", "coordination_follow_up", area, filters, rows=1)
    return follow_up


def do_edit_follow_up(
    acting_user: scoping.User, follow_up: FollowUp, data: Mapping[str, Any]
) -> FollowUp:
    """Correct the action, owner or due date; the history says what changed and who did it."""
    area = follow_up.area_code
    require_coordinate(acting_user, area, "coordination_follow_up", {"id": follow_up.pk})
    before = {name: getattr(follow_up, name) for name in ("action", "owner_opd", "due")}
    form = FollowUpForm(data, instance=follow_up, meeting=follow_up.decision.meeting)
    if not form.is_valid():
        raise Invalid(form)
    labels = {"action": _("tindak lanjut"), "owner_opd": _("OPD"), "due": _("tenggat")}
    changes = [
        f"{labels[name]}: {old} → {form.cleaned_data[name]}"
        for name, old in before.items()
        if form.cleaned_data[name] != old
    ]
    with transaction.atomic():
        saved: FollowUp = form.save()
        if changes:
            _step(saved, acting_user, note=_("Diubah: %s") % "; ".join(changes))
        filters = {"id": saved.pk, "opd": saved.owner_opd}
        scoping.audit(acting_user, "write", "coordination_follow_up", area, filters, rows=1)
    return saved


def do_update_follow_up(
    acting_user: scoping.User,
    follow_up: FollowUp,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> FollowUpUpdate:
    """Report progress on a follow-up: a new status with evidence and a note, kept in history.

    The owner OPD's officer (``follow_up``) or the secretariat (``coordinate``),
    with an edit scope covering the area, reports; nobody else.

    Raises:
        PermissionDenied: another OPD's follow-up, or outside the edit scope (audited).
        Invalid: the form's errors (done without evidence, nothing changed).
    """
    area = follow_up.area_code
    if not may_update(acting_user, follow_up):
        filters = {"id": follow_up.pk, "opd": follow_up.owner_opd}
        scoping.audit(acting_user, "denied", "coordination_follow_up_update", area, filters)
        raise PermissionDenied(
            _(
                "Tindak lanjut ini milik %(opd)s; hanya OPD itu atau sekretariat TKPK yang dapat "
                "memperbaruinya."
            )
            % {"opd": follow_up.owner_opd}
        )
    form = StatusForm(data, follow_up=follow_up, today=today or timezone.localdate())
    if not form.is_valid():
        raise Invalid(form)
    status = form.cleaned_data["status"]
    with transaction.atomic():
        follow_up.status = status
        follow_up.evidence = form.cleaned_data["evidence"]
        follow_up.done_on = (
            form.cleaned_data["done_on"] if status == FollowUpStatus.SELESAI else None
        )
        follow_up.save(update_fields=["status", "evidence", "done_on"])
        step = _step(follow_up, acting_user, note=form.cleaned_data["note"].strip())
        filters = {"id": follow_up.pk, "status": status}
        scoping.audit(acting_user, "write", "coordination_follow_up_update", area, filters, rows=1)
    return step


def _step(follow_up: FollowUp, user: scoping.User, *, note: str) -> FollowUpUpdate:
    return FollowUpUpdate.objects.create(
        follow_up=follow_up,
        status=follow_up.status,
        evidence=follow_up.evidence,
        note=note,
        by=_user(user),
        by_name=user.get_username(),
    )


def _user(user: scoping.User) -> Any:
    return user if user.is_authenticated else None
