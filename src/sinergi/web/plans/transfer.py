"""The plan as an XLSX workbook: the current version for any reader, an import into the draft.

The workbook is the regions' 21-column RAT matrix plus Sinergi's ``Data Sinergi``
sheet (``sinergi.reports.rat_matrix``), so an exported plan comes back exactly,
line keys included. An upload is read from a temporary file and not kept: what
it changed is in the plan's versions and the audit log.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.domain import wilayah
from sinergi.reports.rat_matrix import RatFileError, RatProblem, RatRow, read_rat, write_rat
from sinergi.web import scoping
from sinergi.web.plans import actions, reads
from sinergi.web.plans.forms import ImportForm
from sinergi.web.plans.views import place, refusals, where

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rat_row(row: reads.Row) -> RatRow:
    """A line of the plan, with its latest realisation, as a row of the workbook."""
    line = row.line
    return RatRow(
        opd=line.opd.name,
        code=line.code,
        program=line.program,
        kegiatan=line.kegiatan,
        sub_kegiatan=line.sub_kegiatan,
        strategy_inpres=line.strategy_inpres,
        strategy_perpres=line.strategy_perpres or None,
        activity_type=line.activity_type,
        budget=line.budget,
        funding_source=line.funding_source,
        assistance_nature=line.assistance_nature or None,
        location=line.location,
        target_beneficiaries=line.target_beneficiaries,
        target_unit=line.target_unit or None,
        benefit_amount=line.benefit_amount,
        assistance_type=line.assistance_type or None,
        duration=line.duration or None,
        realised_budget_s1=row.s1.budget if row.s1 else None,
        realised_budget_s2=row.s2.budget if row.s2 else None,
        reached_s1=row.s1.reached if row.s1 else None,
        reached_s2=row.s2.reached if row.s2 else None,
        eligibility_rule=line.eligibility_rule or None,
        location_code=line.location_code or None,
        key=str(line.key),
    )


@login_required
def export(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The current version as the RAT workbook (anyone who reads the plan)."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    version = plan.current
    found = reads.rows(version)
    out = io.BytesIO()
    write_rat([rat_row(r) for r in found], out, year=year, area_name=wilayah.get(area).name.title())
    scoping.audit(
        request.user, "export", "plan_xlsx", area, {"tahun": year, "versi": version.number},
        rows=len(found),
    )  # fmt: skip
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    name = f"RAT_{area}_{year}_versi{version.number}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@refusals
def import_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload a RAT workbook into the current draft (secretariat); problems listed, none written."""
    area, year = where(request, code, year)
    plan = actions.find_plan(area, year)
    actions.require_manage(request.user, area, "plan_import", {"tahun": year})
    actions.refuse_locked(plan.current)
    form: Form = ImportForm()
    problems: list[str] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = _read(upload)
                done = actions.import_lines(request.user, plan, rows)
            except RatFileError as error:
                problems = [_describe(p) for p in error.problems]
            except actions.ImportRefused as refused:
                problems = refused.problems
            else:
                messages.success(
                    request,
                    _(
                        "Impor selesai: %(added)s baris ditambah, %(updated)s diperbarui, "
                        "%(opds)s OPD baru, %(realisations)s catatan realisasi."
                    )
                    % vars(done),
                )
                return redirect("plan", code=area, year=year)
    return render(
        request,
        "sinergi/plans/import.html",
        {**place(area, year), "form": form, "problems": problems, "version": plan.current},
        status=400 if form.is_bound else 200,
    )


def _read(upload: object) -> list[RatRow]:
    """The workbook's lines, read from a temporary copy of the upload."""
    with tempfile.TemporaryDirectory(prefix="sinergi-rat-") as folder:
        path = Path(folder) / "rat.xlsx"
        with path.open("wb") as copy:
            for chunk in upload.chunks():  # type: ignore[attr-defined]
                copy.write(chunk)
        return read_rat(path, name=str(getattr(upload, "name", path.name)))


def _describe(problem: RatProblem) -> str:
    return problem.describe(english=(get_language() or "").startswith("en"))
