"""The verval pages: a desa's families and findings, proposing a missing family, the queue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sinergi.domain import wilayah
from sinergi.web import scoping
from sinergi.web.places import place
from sinergi.web.verval import reads, rules
from sinergi.web.verval.forms import ProposalForm
from sinergi.web.verval.models import LABELS, REASONS, Outcome, choices


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """Straight to the user's verval work: the desa page, or the approver's queue."""
    active = scoping.assignments(request.user)
    for assignment in active:
        scope = assignment.edit_scope
        if assignment.role.allows("verval") and scope and scope.count(".") == 3:
            return redirect("verval_desa", code=scope)
    for assignment in active:
        if assignment.role.allows("approve_verval") and assignment.edit_scope:
            return redirect("verval_queue", code=assignment.edit_scope)
    raise PermissionDenied(_("Peran Anda tidak mencakup verval."))


@login_required
@require_http_methods(["GET", "POST"])
def desa(request: HttpRequest, code: str) -> HttpResponse:
    """The desa's follow-up families with their latest finding, the mark forms, the history."""
    desa = rules.desa_code(code)
    failed: Form | None = None
    hid = ""
    if request.method == "POST":
        # The desa of the URL first: a crafted POST to another desa stops here, whatever hid.
        rules.require(request.user, "verval", desa, "verval_finding")
        hid = request.POST.get("hid", "")
        try:
            rules.submit_finding(request.user, hid, request.POST, desa=desa)
        except rules.Invalid as invalid:
            failed = invalid.form
        else:
            messages.success(request, _("Temuan tersimpan dan menunggu persetujuan."))
            return redirect(reverse("verval_desa", args=[desa]) + f"#k-{hid}")
    rows = reads.desa_families(request.user, desa)
    history = reads.records(request.user, desa, reads.of_desa(desa), what="verval_records")
    return render(
        request,
        "sinergi/verval/desa.html",
        {
            **place(desa),
            "rows": rows,
            "history": history,
            "may_verval": scoping.may_edit(request.user, "verval", desa),
            "failed": failed,
            "failed_hid": hid,
            "outcomes": choices(Outcome.LAYAK, Outcome.TIDAK_LAYAK),
            "reason_groups": [
                (LABELS[o], choices(*REASONS[o])) for o in (Outcome.LAYAK, Outcome.TIDAK_LAYAK)
            ],
        },
        status=400 if failed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest, code: str) -> HttpResponse:
    """Propose a family missing from the registry (usulan keluarga baru)."""
    desa = rules.desa_code(code)
    rules.require(request.user, "verval", desa, "verval_proposal")
    form: Form = ProposalForm()
    if request.method == "POST":
        try:
            rules.propose_family(request.user, desa, request.POST)
        except rules.Invalid as invalid:
            form = invalid.form
        else:
            messages.success(request, _("Usulan keluarga baru tersimpan dan menunggu persetujuan."))
            return redirect("verval_desa", code=desa)
    return render(
        request,
        "sinergi/verval/propose.html",
        {**place(desa), "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """The approver's queue: findings submitted by the desas of the area, to approve or reject."""
    area = rules.area_code(code)
    rules.require(request.user, "approve_verval", area, "verval_queue")
    failed: Form | None = None
    failed_id, conflict, status = 0, "", 200
    if request.method == "POST":
        failed_id = _finding_id(request.POST.get("finding", ""))
        try:
            decision = rules.decide(request.user, failed_id, request.POST, within=area)
        except rules.Invalid as invalid:
            failed, status = invalid.form, 400
        except rules.Conflict as refused:
            conflict, status = str(refused), 409
        else:
            done = _("Temuan disetujui.") if decision.approved else _("Temuan ditolak.")
            messages.success(request, done)
            return redirect("verval_queue", code=area)
    rows = reads.records(
        request.user, area, reads.pending(area), what="verval_queue", filters={"status": "diajukan"}
    )
    return render(
        request,
        "sinergi/verval/queue.html",
        {
            **place(area),
            "rows": [(f, row, wilayah.name_or_code(f.area_code)) for f, row in rows],
            "failed": failed,
            "failed_id": failed_id,
            "conflict": conflict,
        },
        status=status,
    )


def _finding_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise Http404(_("Temuan verval tidak ditemukan."))
    return int(text)
