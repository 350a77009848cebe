"""The plan pages: a regency's RAT per year, its lines, realisation, versions, lock, XLSX."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sinergi.domain import wilayah
from sinergi.web import places, scoping
from sinergi.web.accounts.models import covers
from sinergi.web.plans import actions, figures, reads
from sinergi.web.plans.forms import LineForm, OpdForm, RealisationForm, ReasonForm
from sinergi.web.plans.models import Opd, Plan, VersionLocked
from sinergi.web.plans.vocabulary import INPRES, PERPRES

View = Callable[..., HttpResponse]


def refusals(view: View) -> View:
    """A locked version or a state conflict as a 409 page that says why and where to go."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (VersionLocked, actions.Conflict) as refused:
            back = ""
            if "code" in kwargs and "year" in kwargs:
                back = reverse("plan", args=[kwargs["code"], kwargs["year"]])
            return render(
                request, "sinergi/plans/refused.html", {"message": str(refused), "back": back},
                status=409,
            )  # fmt: skip

    return guarded


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """The plan of the user's regency this year; or, for a wider scope, a choice."""
    year = timezone.localdate().year
    asked, asked_year = request.GET.get("wilayah", ""), request.GET.get("tahun", "")
    if asked:
        code = actions.regency_code(asked)
        chosen = int(asked_year) if asked_year.isdigit() and len(asked_year) == 4 else year
        return redirect("plan", code=code, year=actions.plan_year(chosen))
    homes = scoping.home_areas(request.user)
    if len(homes) == 1 and len(homes[0]) == 5:  # one regency: straight to its plan
        return redirect("plan", code=homes[0], year=year)
    plans = [
        p
        for p in Plan.objects.order_by("area_code", "-year")
        if any(covers(h, p.area_code) for h in homes)
    ]
    return render(
        request,
        "sinergi/plans/start.html",
        {
            "plans": [(p, wilayah.get(p.area_code).label) for p in plans],
            "regencies": _regencies(homes),
            "year": str(year),
        },
    )


def _regencies(homes: list[str]) -> list[tuple[str, str]]:
    """The regencies inside the user's see scope, for the chooser."""
    found: dict[str, str] = {}
    for home in homes:
        if len(home) == 5:
            found[home] = wilayah.get(home).label
        elif len(home) <= 2:
            for area in wilayah.areas(wilayah.Level.REGENCY):
                if covers(home, area.code):
                    found[area.code] = area.label
    return sorted(found.items())


@login_required
def plan_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The year's RAT: status, the matrix by strategy and OPD, totals and the charts."""
    area, year = where(request, code, year)
    plan = Plan.objects.filter(area_code=area, year=year).first()
    context: dict[str, Any] = {
        **place(area, year),
        "plan": plan,
        "may_manage": actions.may_manage(request.user, area),
        "years": list(
            str(y)
            for y in Plan.objects.filter(area_code=area)
            .order_by("-year")
            .values_list("year", flat=True)
        ),
    }
    if plan is None:
        return render(request, "sinergi/plans/plan.html", context)
    version = plan.current
    every = reads.rows(version)
    opds = Opd.objects.filter(pk__in={r.line.opd_id for r in every}).order_by("name")
    chosen = _chosen_opd(request, opds)
    shown = [r for r in every if r.line.opd_id == chosen.pk] if chosen else every
    summary = reads.summaries(every)
    charts = [
        ("grafik-strategi", figures.budget_chart(
            summary["inpres"], title=_("Alokasi dan realisasi per strategi Inpres 8/2025"),
            category=_("Strategi"),
        )),
        ("grafik-opd", figures.budget_chart(
            summary["opds"], title=_("Alokasi dan realisasi per OPD"), category=_("OPD"),
        )),
    ]  # fmt: skip
    editable = {o.name for o in actions.writable_opds(request.user, area)}
    context |= {
        "version": version,
        "groups": reads.matrix(shown),
        "shown_total": reads.overall(shown),
        "summary": summary,
        "charts": [{"id": key, "figure": figure} for key, figure in charts if figure],
        "opds": opds,
        "chosen": chosen,
        "editable": editable,
        "may_add": bool(editable) and not version.locked,
    }
    return render(request, "sinergi/plans/plan.html", context)


def _chosen_opd(request: HttpRequest, opds: Any) -> Opd | None:
    asked = request.GET.get("opd", "")
    return next((o for o in opds if str(o.pk) == asked), None)


@login_required
@require_POST
@refusals
def create(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Start the year's plan with an empty draft version 1 (secretariat)."""
    area, year = where(request, code, year)
    actions.create_plan(request.user, area, year)
    messages.success(
        request, _("Rencana aksi tahun %(year)s dibuat (versi 1, draf).") % {"year": year}
    )
    return redirect("plan", code=area, year=year)


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def line_form(request: HttpRequest, code: str, year: int, key: str | None = None) -> HttpResponse:
    """Add a program line, or change one (OPD officers: only their own OPD's)."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    version = plan.current
    line = actions.line_of(version, key) if key else None
    form: Form
    if request.method == "POST":
        try:
            saved = actions.save_line(request.user, plan, request.POST, key=key)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Baris program tersimpan."))
            return redirect(reverse("plan", args=[area, year]) + f"#b-{saved.key}")
    else:
        if line is not None:
            actions.require_opd(request.user, area, line.opd.name, "plan_line", {"baris": key})
        opds = actions.writable_opds(request.user, area)
        if not opds.exists():
            scoping.audit(request.user, "denied", "plan_line", area, {"tahun": year})
            raise PermissionDenied(
                _("Anda tidak berwenang mengubah rencana di wilayah ini, atau OPD Anda belum "
                  "terdaftar di daftar OPD kabupaten ini.")
            )  # fmt: skip
        actions.refuse_locked(version)
        form = LineForm(instance=line, area=area, opds=opds)
    return render(
        request,
        "sinergi/plans/line_form.html",
        {**place(area, year), "form": form, "line": line, "version": version},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def line_delete(request: HttpRequest, code: str, year: int, key: str) -> HttpResponse:
    """Confirm, then remove a line from the current draft."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    line = actions.line_of(plan.current, key)
    if request.method == "POST":
        actions.delete_line(request.user, plan, key)
        messages.success(request, _("Baris program dihapus dari versi ini."))
        return redirect("plan", code=area, year=year)
    actions.require_opd(request.user, area, line.opd.name, "plan_line", {"baris": key})
    actions.refuse_locked(plan.current)
    return render(request, "sinergi/plans/line_delete.html", {**place(area, year), "line": line})


@login_required
@require_http_methods(["GET", "POST"])
def realisation(request: HttpRequest, code: str, year: int, key: str) -> HttpResponse:
    """Record a line's realisation for a semester; its history, newest first."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    line = actions.line_of(plan.current, key)
    may_record = actions.may_plan(request.user, area, line.opd.name)
    form: Form = RealisationForm()
    if request.method == "POST":
        try:
            actions.record_realisation(request.user, plan, key, request.POST)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Realisasi tersimpan."))
            return redirect("plan_realisation", code=area, year=year, key=line.key)
    done = reads.latest(plan)
    return render(
        request,
        "sinergi/plans/realisation.html",
        {
            **place(area, year),
            "line": line,
            "row": reads.Row(line, done.get((str(line.key), 1)), done.get((str(line.key), 2))),
            "form": form,
            "may_record": may_record,
            "history": plan.realisations.filter(line_key=line.key)
            .select_related("recorded_by")
            .order_by("-pk"),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
def versions(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every version with who, when and why, and what it changed against the one before."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    found = list(plan.versions.select_related("created_by", "locked_by"))
    return render(
        request,
        "sinergi/plans/versions.html",
        {
            **place(area, year),
            "plan": plan,
            "history": reads.history(found),
            "current": plan.current,
            "may_manage": actions.may_manage(request.user, area),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def lock(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Confirm, then lock (sign off) the current draft version."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    if request.method == "POST":
        version = actions.lock_version(request.user, plan)
        messages.success(request, _("Versi %(number)s dikunci.") % {"number": version.number})
        return redirect("plan", code=area, year=year)
    actions.require_manage(request.user, area, "plan_lock", {"tahun": year})
    version = plan.current
    if version.locked:
        raise actions.Conflict(_("Versi %(number)s sudah dikunci.") % {"number": version.number})
    return render(
        request,
        "sinergi/plans/lock.html",
        {**place(area, year), "version": version, "total": reads.overall(reads.rows(version))},
    )


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def new_version(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Open a new draft version after a locked one; the reason is required."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    actions.require_manage(request.user, area, "plan_version", {"tahun": year})
    form: Form = ReasonForm()
    if request.method == "POST":
        try:
            draft = actions.open_version(request.user, plan, request.POST)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(
                request, _("Versi %(number)s dibuka sebagai draf.") % {"number": draft.number}
            )
            return redirect("plan", code=area, year=year)
    elif not plan.current.locked:
        raise actions.Conflict(
            _("Versi %(number)s masih draf; ubah langsung atau kunci dulu.")
            % {"number": plan.current.number}
        )
    return render(
        request,
        "sinergi/plans/new_version.html",
        {**place(area, year), "form": form, "current": plan.current},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def opds(request: HttpRequest, code: str) -> HttpResponse:
    """The regency's OPD list; the secretariat adds to it."""
    area = actions.regency_code(code)
    actions.require_read(request.user, area)
    may_manage = actions.may_manage(request.user, area)
    form: Form = OpdForm(area=area)
    if request.method == "POST":
        try:
            opd = actions.add_opd(request.user, area, request.POST)
        except actions.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("OPD %(name)s ditambahkan.") % {"name": opd.name})
            return redirect("plan_opds", code=area)
    return render(
        request,
        "sinergi/plans/opds.html",
        {
            **place(area, timezone.localdate().year),
            "opds": Opd.objects.filter(area_code=area).order_by("name"),
            "form": form,
            "may_manage": may_manage,
        },
        status=400 if form.is_bound else 200,
    )


def where(request: HttpRequest, code: str, year: int) -> tuple[str, int]:
    """The regency and year of the URL, once the user may read there."""
    area = actions.regency_code(code)
    year = actions.plan_year(year)
    actions.require_read(request.user, area)
    return area, year


def place(area: str, year: int) -> dict[str, Any]:
    """The area's code, name and breadcrumb, the plan's year and the strategy taxonomies."""
    return {
        **places.place(area),
        "year": str(year),  # as written, never "2.025"
        "inpres": INPRES,
        "perpres": PERPRES,
    }
