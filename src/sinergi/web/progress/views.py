"""The progress pages: the scorecard, setting a target, program coverage and its XLSX."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.domain import reference
from sinergi.web import registry, scoping
from sinergi.web.places import place
from sinergi.web.progress import actions, coverage, scorecard, targets
from sinergi.web.progress.forms import TargetForm
from sinergi.web.progress.indicators import indicator
from sinergi.web.progress.light import QUARTER
from sinergi.web.progress.models import SYMBOLS, Target

MAX_ID = 2**63 - 1  # a bigger id would overflow the database's bigint, not just miss
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Straight to the scorecard of the user's own area (the widest one if several)."""
    homes = scoping.home_areas(request.user)
    if not homes:
        return render(request, "sinergi/no_role.html", status=403)
    home = homes[0] or registry.first_diagnosed_area("")  # a province has targets of its own
    if not home:
        raise Http404(_("Belum ada hasil `sinergi diagnose` di folder data."))
    return redirect("progress_area", code=home)


@login_required
def scorecard_page(request: HttpRequest, code: str) -> HttpResponse:
    """Per indicator: baseline, latest actual, target, gap and light, with a chart each."""
    area = readable(request.user, code)
    rows = scorecard.rows(area, timezone.localdate())
    return render(
        request,
        "sinergi/progress/scorecard.html",
        {
            **place(area),
            "rows": rows,
            "charts": [row for row in rows if row.figure],
            "held": [_bound(b) for row in rows for b in row.bounds],
            "history": _history(area),
            "shipped": [_bound(b) for b in targets.reference_of(area)],
            "may_set": scoping.may_edit(request.user, actions.PERMISSION, area),
            "quarter": f"{QUARTER:.0%}",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_page(request: HttpRequest, code: str) -> HttpResponse:
    """Set a target of the area, or supersede the current one (a reason is then required)."""
    area = actions.area_code(code)
    actions.require(request.user, area)
    conflict, status = "", 200
    if request.method == "POST":
        replaces = _version(request.POST.get("menggantikan", ""))
        try:
            target = actions.set_target(request.user, area, request.POST, replaces=replaces)
        except actions.Invalid as invalid:
            form, status = invalid.form, 400
        except actions.Conflict as refused:
            form, conflict, status = TargetForm(request.POST), str(refused), 409
        else:
            messages.success(request, _("Target tersimpan."))
            return redirect(reverse("progress_area", args=[area]) + f"#target-{target.pk}")
        current = Target.objects.filter(pk=replaces, area_code=area).first() if replaces else None
    else:
        asked = request.GET
        form, current = _prefilled(area, asked.get("indikator", ""), asked.get("tahun", ""))
    return render(
        request,
        "sinergi/progress/target.html",
        {
            **place(area),
            "form": form,
            "current": current,
            "replacing_reference": _replacing_reference(area, form, current),
            "conflict": conflict,
        },
        status=status,
    )


@login_required
def coverage_page(request: HttpRequest, code: str) -> HttpResponse:
    """Coverage against need per program and area below, and the complementarity view."""
    area = readable(request.user, code)
    found = _coverage(area)
    listed = [p for p in found.programs if p.listed]
    asked = request.GET.get("program", "")
    chosen = next((p for p in listed if p.code == asked), listed[0] if listed else None)
    return render(
        request,
        "sinergi/progress/coverage.html",
        {
            **place(area),
            "found": found,
            "summary": [(p, found.total.cells[p.code]) for p in found.programs],
            "chosen": chosen,
            "listed": listed,
            "by_area": [(r, r.cells[chosen.code]) for r in found.rows] if chosen else [],
            "chosen_total": found.total.cells[chosen.code] if chosen else None,
        },
    )


@login_required
def coverage_export(request: HttpRequest, code: str) -> HttpResponse:
    """The coverage tables as XLSX: aggregates with small counts hidden; audited."""
    area = readable(request.user, code)
    found = _coverage(area)
    body = coverage.workbook(found)
    scoping.audit(request.user, "export", "progress_coverage", area, {"run": found.run})
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="cakupan_program_{area}.xlsx"'
    return response


def _version(text: str) -> int | None:
    """The target version a form names, if it names one a database id can be."""
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def readable(user: scoping.User, code: str) -> str:
    """The dotted code of an area whose aggregates the user may see; 404 or 403 otherwise."""
    area = actions.area_code(code)
    if not scoping.may_see_area(user, area):
        raise PermissionDenied(_("Wilayah ini di luar wilayah Anda."))
    return area


def _coverage(area: str) -> coverage.Coverage:
    try:
        return coverage.coverage(area)
    except registry.NoDiagnosis:
        raise Http404(_("Belum ada hasil `sinergi diagnose` di folder data.")) from None
    except coverage.NotDiagnosed:
        raise Http404(_("Wilayah ini belum punya hasil diagnosis.")) from None


def _history(area: str) -> list[dict[str, Any]]:
    """Every version of the area's own targets, newest first within an indicator and year."""
    found = Target.objects.of_areas([area]).select_related("superseded_by")
    return [
        {
            "target": t,
            "indicator": _name(t.indicator),
            "bound": _text(t.indicator, float(t.value), t.comparator),
            "baseline": "-"
            if t.baseline_value is None
            else f"{_text(t.indicator, float(t.baseline_value))} ({t.baseline_year})",
            "superseded_by": None if t.is_current else t.superseded_by.pk,
        }
        for t in found
    ]


def _bound(bound: targets.Bound) -> dict[str, Any]:
    baseline = bound.baseline_value
    return {
        "bound": bound,
        "indicator": _name(bound.indicator),
        "text": _text(bound.indicator, bound.value, bound.comparator),
        "baseline": "-"
        if baseline is None
        else f"{_text(bound.indicator, baseline)} ({bound.baseline_year})",
    }


def _name(code: str) -> str:
    try:
        return indicator(code).name
    except KeyError:
        return code


def _text(code: str, value: float, comparator: str = "") -> str:
    """``≤ 10,50%``: a value of the indicator ``code``, after its comparator if any."""
    try:
        shown = scorecard.number(indicator(code), value)
    except KeyError:
        shown = f"{value:g}"
    return f"{SYMBOLS.get(comparator, comparator)} {shown}".strip()


def _prefilled(area: str, code: str, year: str) -> tuple[TargetForm, Target | None]:
    """An empty form, or one holding the target of ``code`` and ``year`` that would change:
    the secretariat's current version, else the shipped bound (its source left to fill)."""
    initial: dict[str, Any] = {"comparator": "le", "grade": "P"}
    try:
        entry = indicator(code)
    except KeyError:
        return TargetForm(initial=initial), None
    initial["indicator"] = entry.code
    if not (year.isascii() and year.isdigit() and len(year) == 4):
        return TargetForm(initial=initial), None
    initial["year"] = int(year)
    key = {"indicator": entry.code, "area_code": area, "year": int(year)}
    current = Target.objects.current().filter(**key).first()
    fields = ("comparator", "value", "baseline_value", "baseline_year")
    if current is not None:
        initial |= {name: getattr(current, name) for name in (*fields, "source", "grade", "note")}
    elif shipped := _shipped(area, entry.code, int(year), entry.upper_bounds):
        initial |= {name: getattr(shipped[0], name) for name in fields}
    return TargetForm(initial=initial), current


def _shipped(
    area: str, code: str, year: int, comparators: tuple[str, ...] = ("le", "lt", "ge", "gt")
) -> list[reference.Target]:
    """The shipped bounds of exactly this area, indicator and year."""
    found = reference.targets(indicator=code, area_code=area, year=year)
    return [t for t in found if t.comparator in comparators]


def _replacing_reference(area: str, form: TargetForm, current: Target | None) -> bool:
    """Whether the target in ``form`` would replace a shipped one (and so needs a reason)."""
    values = form.data if form.is_bound else form.initial
    code, year = str(values.get("indicator", "")), str(values.get("year", ""))
    if current is not None or not (year.isascii() and year.isdigit() and len(year) == 4):
        return False
    return bool(_shipped(area, code, int(year)))
