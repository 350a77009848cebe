"""The coordination pages: the TKPK's year, its membership, rakor, follow-ups and compliance.

Every page reads for anyone whose see scope covers the area; a form is shown,
and its POST accepted, only for who may write it (``actions``). A view parses
the request, calls one action and renders; on bad input it renders the same
page again with the errors, status 400.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sinergi.domain import wilayah
from sinergi.web import places
from sinergi.web.coordination import actions, reads, rules
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
    material_max_bytes,
)
from sinergi.web.coordination.models import (
    LABELS,
    AgendaItem,
    Decision,
    Decree,
    Element,
    FollowUp,
    FollowUpStatus,
    Invitee,
    Material,
    Meeting,
    MeetingStatus,
    Member,
    TeamRole,
    WorkingGroup,
)

LEADERS = (TeamRole.KETUA, TeamRole.WAKIL_KETUA, TeamRole.SEKRETARIS)


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Straight to the user's TKPK: their regency (or province)."""
    area = reads.home_team_area(request.user)
    if area is None:
        raise PermissionDenied(
            _(
                "Koordinasi TKPK ada di kabupaten/kota dan provinsi; wilayah Anda tidak "
                "mencakup satu pun."
            )
        )
    return redirect("coordination_area", code=area)


@login_required
@require_GET
def area(request: HttpRequest, code: str) -> HttpResponse:
    """The TKPK's year: agenda, rakor against the minimum, open follow-ups (overdue first)."""
    place = reads.team_area(code)
    reads.require_see(request.user, place.code, "coordination")
    today = timezone.localdate()
    year = _year(request.GET.get("tahun"), today)
    meetings = list(reads.year_meetings(place.code, year))
    open_rows = reads.follow_ups([place.code]).exclude(status=FollowUpStatus.SELESAI)
    follow_ups = [(f, rules.is_overdue(f.status, f.due, today)) for f in open_rows]
    follow_ups.sort(key=lambda row: not row[1])  # overdue first, each part by due date
    return render(
        request,
        "sinergi/coordination/area.html",
        {
            **places.place(place.code),
            "year": year,
            "years": (year - 1, year + 1),
            "agenda": AgendaItem.objects.filter(area_code=place.code, year=year),
            "meetings": meetings,
            "compliance": rules.compliance(
                place.code, place.label, [(m.date, m.status) for m in meetings], year
            ),
            "follow_ups": follow_ups,
            "overdue_count": sum(1 for _f, late in follow_ups if late),
            "decree": Decree.objects.current(place.code),
            "is_province": place.level is wilayah.Level.PROVINCE,
            "may_coordinate": actions.may_coordinate(request.user, place.code),
            "today": today,
        },
    )


@login_required
@require_GET
def compliance(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Each regency of a province: rakor held in the calendar year against the minimum."""
    place = reads.team_area(code)
    if place.level is not wilayah.Level.PROVINCE:
        raise Http404(_("Kepatuhan per kabupaten/kota dilihat dari provinsinya."))
    reads.require_see(request.user, place.code, "coordination_compliance")
    year = _year(str(year), timezone.localdate())
    rows = reads.province_compliance(place, year)
    return render(
        request,
        "sinergi/coordination/compliance.html",
        {
            **places.place(place.code),
            "year": year,
            "years": (year - 1, year + 1),
            "rows": rows,
            "met": sum(1 for row in rows if row.met),
            "minimum": rules.MINIMUM_RAKOR,
        },
    )


# --- membership ---------------------------------------------------------------------------


@login_required
@require_GET
def membership(request: HttpRequest, code: str) -> HttpResponse:
    """The current decree's team (or an earlier one's, ``?sk=``), and every decree."""
    place = reads.team_area(code)
    reads.require_see(request.user, place.code, "coordination_membership")
    decrees = list(Decree.objects.filter(area_code=place.code))
    current = decrees[0] if decrees else None
    shown = current
    if request.GET.get("sk"):
        wanted = _int(request.GET["sk"])
        shown = next((d for d in decrees if d.pk == wanted), None)
        if shown is None:
            raise Http404(_("SK tidak ditemukan di wilayah ini."))
    team: dict[str, Any] = {}
    if shown is not None:
        members = list(shown.members.select_related("working_group"))
        groups = list(shown.groups.all())
        team = {
            "leaders": sorted(
                (m for m in members if m.team_role in LEADERS),
                key=lambda m: LEADERS.index(TeamRole(m.team_role)),
            ),
            "by_element": [
                (LABELS[e], [m for m in members if m.element == e and m.team_role != "sekretariat"])
                for e in Element
            ],
            "by_group": [(g, [m for m in members if m.working_group_id == g.pk]) for g in groups],
            "secretariat": [m for m in members if m.team_role == TeamRole.SEKRETARIAT],
            "members": members,
        }
    return render(
        request,
        "sinergi/coordination/membership.html",
        {
            **places.place(place.code),
            "decrees": decrees,
            "current": current,
            "shown": shown,
            **team,
            "editable": shown is not None
            and shown == current
            and actions.may_coordinate(request.user, place.code),
            "may_coordinate": actions.may_coordinate(request.user, place.code),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def decree_new(request: HttpRequest, code: str) -> HttpResponse:
    place = reads.team_area(code)
    actions.require_coordinate(request.user, place.code, "coordination_decree")
    head = _("Bupati") if place.kind != "kota" else _("Wali Kota")
    if place.level is wilayah.Level.PROVINCE:
        head = _("Gubernur")
    team = _("Tim Koordinasi Penanggulangan Kemiskinan %(area)s") % {"area": reads.full_name(place)}
    form: Form = DecreeForm(
        area=place.code,
        today=timezone.localdate(),
        initial={"title": _("Keputusan %(head)s tentang %(team)s") % {"head": head, "team": team}},
    )
    back = reverse("coordination_membership", args=[place.code])
    if request.method == "POST":
        try:
            actions.do_save_decree(request.user, place.code, request.POST)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("SK baru tersimpan dan kini berlaku."))
            return redirect(back)
    return _form_page(request, place, form, _("SK TKPK baru"), back)


@login_required
@require_http_methods(["GET", "POST"])
def decree_edit(request: HttpRequest, pk: int) -> HttpResponse:
    decree = get_object_or_404(Decree, pk=pk)
    place = reads.team_area(decree.area_code)
    actions.require_coordinate(request.user, place.code, "coordination_decree", {"id": pk})
    form: Form = DecreeForm(instance=decree, area=place.code, today=timezone.localdate())
    back = reverse("coordination_membership", args=[place.code])
    if request.method == "POST":
        try:
            actions.do_save_decree(request.user, place.code, request.POST, decree=decree)
        except actions.Invalid as invalid:
            form = invalid.form
        except actions.Conflict as conflict:
            return _form_page(request, place, None, _("Ubah SK"), back, problem=str(conflict))
        else:
            messages.success(request, _("SK tersimpan."))
            return redirect(back)
    return _form_page(request, place, form, _("Ubah SK"), back)


@login_required
@require_http_methods(["GET", "POST"])
def group_form(
    request: HttpRequest, pk: int | None = None, decree: int | None = None
) -> HttpResponse:
    """Add a pokja to a decree (``decree``) or change one (``pk``)."""
    group = get_object_or_404(WorkingGroup, pk=pk) if pk else None
    owner = group.decree if group else get_object_or_404(Decree, pk=decree)
    place = reads.team_area(owner.area_code)
    actions.require_coordinate(request.user, place.code, "coordination_group", {"sk": owner.pk})
    order = owner.groups.count() + 1
    form: Form = WorkingGroupForm(instance=group, decree=owner, initial={"order": order})
    back = reverse("coordination_membership", args=[place.code])
    title = _("Ubah pokja") if group else _("Pokja baru")
    if request.method == "POST":
        try:
            actions.do_save_group(request.user, owner, request.POST, group=group)
        except actions.Invalid as invalid:
            form = invalid.form
        except actions.Conflict as conflict:
            return _form_page(request, place, None, title, back, problem=str(conflict))
        else:
            messages.success(request, _("Pokja tersimpan."))
            return redirect(back + "#pokja")
    return _form_page(request, place, form, title, back)


@login_required
@require_POST
def group_remove(request: HttpRequest, pk: int) -> HttpResponse:
    group = get_object_or_404(WorkingGroup, pk=pk)
    back = reverse("coordination_membership", args=[group.decree.area_code])
    try:
        actions.do_remove_group(request.user, group)
    except actions.Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("Pokja dihapus; anggotanya kini tanpa pokja."))
    return redirect(back + "#pokja")


@login_required
@require_http_methods(["GET", "POST"])
def member_form(
    request: HttpRequest, pk: int | None = None, decree: int | None = None
) -> HttpResponse:
    """Add a member to a decree (``decree``) or correct one (``pk``)."""
    member = get_object_or_404(Member, pk=pk) if pk else None
    owner = member.decree if member else get_object_or_404(Decree, pk=decree)
    place = reads.team_area(owner.area_code)
    actions.require_coordinate(request.user, place.code, "coordination_member", {"sk": owner.pk})
    form: Form = MemberForm(instance=member, decree=owner)
    back = reverse("coordination_membership", args=[place.code])
    title = _("Ubah anggota") if member else _("Anggota baru")
    if request.method == "POST":
        try:
            actions.do_save_member(request.user, owner, request.POST, member=member)
        except actions.Invalid as invalid:
            form = invalid.form
        except actions.Conflict as conflict:
            return _form_page(request, place, None, title, back, problem=str(conflict))
        else:
            messages.success(request, _("Anggota tersimpan."))
            return redirect(back)
    return _form_page(request, place, form, title, back)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=pk)
    back = reverse("coordination_membership", args=[member.decree.area_code])
    try:
        actions.do_remove_member(request.user, member)
    except actions.Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("Anggota dihapus dari SK ini."))
    return redirect(back)


# --- agenda -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agenda_form(request: HttpRequest, pk: int | None = None, code: str = "") -> HttpResponse:
    """Add a line to an area's agenda (``code``, ``?tahun=``) or update one (``pk``)."""
    item = get_object_or_404(AgendaItem, pk=pk) if pk else None
    place = reads.team_area(item.area_code if item else code)
    actions.require_coordinate(request.user, place.code, "coordination_agenda")
    today = timezone.localdate()
    year = item.year if item else _year(request.GET.get("tahun"), today)
    form: Form = AgendaItemForm(instance=item, today=today, initial={"year": year})
    back = reverse("coordination_area", args=[place.code]) + f"?tahun={year}"
    title = _("Ubah agenda kerja") if item else _("Agenda kerja baru")
    if request.method == "POST":
        try:
            saved = actions.do_save_agenda_item(request.user, place.code, request.POST, item=item)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Agenda kerja tersimpan."))
            return redirect(
                reverse("coordination_area", args=[place.code]) + f"?tahun={saved.year}"
            )
    return _form_page(request, place, form, title, back)


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AgendaItem, pk=pk)
    actions.do_remove_agenda_item(request.user, item)
    messages.success(request, _("Agenda kerja dihapus."))
    return redirect(reverse("coordination_area", args=[item.area_code]) + f"?tahun={item.year}")


# --- rakor --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def meeting_form(request: HttpRequest, pk: int | None = None, code: str = "") -> HttpResponse:
    """Plan a rakor of an area (``code``) or change one (``pk``): details and status."""
    meeting = get_object_or_404(Meeting, pk=pk) if pk else None
    place = reads.team_area(meeting.area_code if meeting else code)
    actions.require_coordinate(request.user, place.code, "coordination_meeting")
    today = timezone.localdate()
    form: Form = MeetingForm(instance=meeting, today=today)
    if meeting:
        back = reverse("coordination_meeting", args=[meeting.pk])
    else:
        back = reverse("coordination_area", args=[place.code])
    title = _("Ubah rakor") if meeting else _("Rakor baru")
    if request.method == "POST":
        try:
            saved = actions.do_save_meeting(request.user, place.code, request.POST, meeting=meeting)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Rakor tersimpan."))
            return redirect("coordination_meeting", pk=saved.pk)
    return _form_page(request, place, form, title, back)


@login_required
@require_GET
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    """A rakor: details, overdue follow-ups it takes up, attendance, minutes, materials,
    decisions and their follow-ups."""
    return _meeting_page(request, _meeting(request, pk))


@login_required
@require_POST
def invitee_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _meeting_write(
        request,
        found,
        lambda: actions.do_add_invitee(request.user, found, request.POST),
        _("Undangan ditambahkan."),
        "invitee_form",
        "undangan",
    )


@login_required
@require_POST
def invitee_remove(request: HttpRequest, pk: int) -> HttpResponse:
    invitee = get_object_or_404(Invitee, pk=pk)
    actions.do_remove_invitee(request.user, invitee)
    messages.success(request, _("Undangan dihapus."))
    return redirect(reverse("coordination_meeting", args=[invitee.meeting_id]) + "#undangan")


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    present = {_int(value) for value in request.POST.getlist("hadir")}
    return _meeting_write(
        request,
        found,
        lambda: actions.do_record_attendance(request.user, found, present),
        _("Kehadiran tersimpan."),
        "",
        "undangan",
    )


@login_required
@require_POST
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _meeting_write(
        request,
        found,
        lambda: actions.do_save_minutes(request.user, found, request.POST),
        _("Notulen tersimpan."),
        "minutes_form",
        "notulen",
    )


@login_required
@require_POST
def material_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _meeting_write(
        request,
        found,
        lambda: actions.do_add_material(request.user, found, request.FILES),
        _("Bahan rapat tersimpan."),
        "material_form",
        "bahan",
    )


@login_required
@require_GET
def material(request: HttpRequest, pk: int) -> FileResponse:
    """A material as it was uploaded, under its original name."""
    found = get_object_or_404(Material.objects.select_related("meeting"), pk=pk)
    reads.require_see(request.user, found.meeting.area_code, "coordination_material")
    path = actions.material_folder() / found.stored_name
    if not path.is_file():
        raise Http404(_("Berkas bahan rapat tidak ada lagi di folder data."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=found.original_name)


@login_required
@require_POST
def decision_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting(request, pk)
    return _meeting_write(
        request,
        found,
        lambda: actions.do_add_decision(request.user, found, request.POST),
        _("Keputusan tersimpan."),
        "decision_form",
        "keputusan",
    )


@login_required
@require_POST
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision.objects.select_related("meeting"), pk=pk)
    found = decision.meeting
    reads.require_see(request.user, found.area_code, "coordination_follow_up")
    try:
        actions.do_add_follow_up(request.user, decision, request.POST)
    except actions.Invalid as invalid:
        return _meeting_page(
            request, found, status=400, follow_up_form=invalid.form, failed_decision=decision.pk
        )
    messages.success(request, _("Tindak lanjut tersimpan."))
    return redirect(reverse("coordination_meeting", args=[found.pk]) + f"#keputusan-{decision.pk}")


# --- follow-ups ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up with its history; its OPD (or the secretariat) reports progress here."""
    found = _follow_up(request, pk)
    today = timezone.localdate()
    form: Form = StatusForm(follow_up=found, today=today)
    if request.method == "POST":
        try:
            actions.do_update_follow_up(request.user, found, request.POST, today=today)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Kemajuan tindak lanjut tersimpan."))
            return redirect("coordination_follow_up", pk=found.pk)
    return render(
        request,
        "sinergi/coordination/follow_up.html",
        {
            **places.place(reads.team_area(found.area_code).code),
            "follow_up": found,
            "meeting": found.decision.meeting,
            "overdue": rules.is_overdue(found.status, found.due, today),
            "history": found.updates.order_by("at", "pk"),
            "form": form,
            "may_update": actions.may_update(request.user, found),
            "may_coordinate": actions.may_coordinate(request.user, found.area_code),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _follow_up(request, pk)
    place = reads.team_area(found.area_code)
    actions.require_coordinate(request.user, place.code, "coordination_follow_up", {"id": pk})
    form: Form = FollowUpForm(instance=found, meeting=found.decision.meeting)
    back = reverse("coordination_follow_up", args=[pk])
    if request.method == "POST":
        try:
            actions.do_edit_follow_up(request.user, found, request.POST)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Tindak lanjut tersimpan."))
            return redirect(back)
    return _form_page(request, place, form, _("Ubah tindak lanjut"), back, opds=True)


# --- helpers ------------------------------------------------------------------------------


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    found = get_object_or_404(Meeting, pk=pk)
    reads.require_see(request.user, found.area_code, "coordination_meeting")
    return found


def _follow_up(request: HttpRequest, pk: int) -> FollowUp:
    found = get_object_or_404(FollowUp.objects.select_related("decision__meeting"), pk=pk)
    reads.require_see(request.user, found.area_code, "coordination_follow_up")
    return found


def _meeting_write(
    request: HttpRequest,
    found: Meeting,
    write: Callable[[], object],
    done: str,
    form_name: str,
    anchor: str,
) -> HttpResponse:
    """Run one write on the rakor, then back to its page; on bad input the page with errors."""
    try:
        write()
    except actions.Invalid as invalid:
        return _meeting_page(request, found, status=400, **{form_name: invalid.form})
    except actions.Conflict as conflict:
        return _meeting_page(request, found, status=409, problem=str(conflict))
    messages.success(request, done)
    return redirect(reverse("coordination_meeting", args=[found.pk]) + f"#{anchor}")


def _meeting_page(
    request: HttpRequest,
    found: Meeting,
    *,
    status: int = 200,
    problem: str = "",
    failed_decision: int = 0,
    **forms: Form,
) -> HttpResponse:
    today = timezone.localdate()
    may = actions.may_coordinate(request.user, found.area_code)
    decisions = found.decisions.prefetch_related("follow_ups")
    return render(
        request,
        "sinergi/coordination/meeting.html",
        {
            **places.place(reads.team_area(found.area_code).code),
            "meeting": found,
            "carried": [(f, f.decision.meeting) for f in reads.carried_over(found, today)],
            "invitees": found.invitees.all(),
            "attendance": reads.attendance(found),
            "materials": found.materials.all(),
            "decisions": [
                (d, [(f, rules.is_overdue(f.status, f.due, today)) for f in d.follow_ups.all()])
                for d in decisions
            ],
            "may_coordinate": may,
            "open": found.status != MeetingStatus.BATAL,
            "day_come": found.date <= today,
            "problem": problem,
            "invitee_form": forms.get("invitee_form") or InviteeForm(),
            "minutes_form": forms.get("minutes_form") or MinutesForm(instance=found),
            "material_form": forms.get("material_form") or MaterialForm(),
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "follow_up_form": forms.get("follow_up_form"),
            "failed_decision": failed_decision,
            "max_mb": material_max_bytes() // (1024 * 1024),
            "opds": reads.opd_names() if may else [],
        },
        status=status,
    )


def _form_page(
    request: HttpRequest,
    place: wilayah.Area,
    form: Form | None,
    title: str,
    back: str,
    *,
    problem: str = "",
    opds: bool = False,
) -> HttpResponse:
    """One form on its own page; 400 when it came back with errors, 409 for a refusal."""
    status = 409 if problem else 400 if form is not None and form.is_bound else 200
    return render(
        request,
        "sinergi/coordination/form.html",
        {
            **places.place(place.code),
            "form": form,
            "title": title,
            "back": back,
            "problem": problem,
            "opds": reads.opd_names() if opds else [],
        },
        status=status,
    )


def _year(text: str | None, today: date) -> int:
    """The year asked for (``?tahun=``), this year when none; Http404 outside 2000–2100."""
    if not text:
        return today.year
    year = _int(text)
    if not 2000 <= year <= 2100:
        raise Http404(_("Tahun harus antara 2000 dan 2100."))
    return year


def _int(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise Http404(_("Tidak ditemukan."))
    return int(text)
