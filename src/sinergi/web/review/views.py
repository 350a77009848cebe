"""The review pages: the pending pairs of an area, one pair side by side, and its decision."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain import wilayah
from sinergi.web import scoping
from sinergi.web.places import trail
from sinergi.web.review import reviews

PAGE_SIZE = 25


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("sama", gettext_lazy("Orang yang sama")),
            ("beda", gettext_lazy("Orang berbeda")),
            ("lewati", gettext_lazy("Lewati")),
        ]
    )
    note = forms.CharField(
        label=gettext_lazy("Alasan"),
        required=False,
        max_length=reviews.NOTE_LIMIT,
        # Required in the browser too; the skip button carries formnovalidate.
        widget=forms.Textarea(attrs={"rows": 3, "required": True}),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        # Skipping decides nothing, so it needs no reason; a decision always does.
        if (
            cleaned.get("decision") in reviews.DECISIONS
            and not str(cleaned.get("note", "")).strip()
        ):
            self.add_error("note", _("Tuliskan alasan keputusan Anda."))
        return cleaned


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    area = _area(request)
    try:
        page = max(1, int(request.GET.get("halaman", "1")))
    except ValueError:
        page = 1
    page = min(page, 10**6)  # a crafted huge page number stays a plain empty page
    total, pairs = reviews.queue_page(request.user, area, (page - 1) * PAGE_SIZE, PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return render(
        request,
        "sinergi/review/queue.html",
        {
            "area_code": area,
            "area_name": wilayah.name_or_code(area),
            "trail": trail(area),
            "pairs": pairs,
            "total": total,
            "page": page,
            "pages": pages,
            "first_number": (page - 1) * PAGE_SIZE + 1,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1 if page < pages else None,
            "below": reviews.waiting_below(area),
        },
    )


@login_required
def review_pair(request: HttpRequest, key_l: str, key_r: str) -> HttpResponse:
    area = reviews.pair_area(key_l, key_r)
    here = _context_area(request, area)
    form = DecisionForm()
    status = 200
    if request.method == "POST":
        reviews.require_decide(request.user, area)
        form = DecisionForm(request.POST)
        if form.is_valid():
            following = reviews.next_pair(here, key_l, key_r)
            decision = form.cleaned_data["decision"]
            if decision != "lewati":
                reviews.decide(request.user, key_l, key_r, decision, form.cleaned_data["note"])
            if following is None:
                return redirect(_with_area(reverse("review_queue"), here))
            return redirect(_with_area(reverse("review_pair", args=following), here))
        status = 422
    return render(
        request,
        "sinergi/review/pair.html",
        {
            "pair": reviews.pair(request.user, key_l, key_r),
            "form": form,
            "area_code": here,
            "trail": trail(area),
            "may_decide": scoping.may_edit(request.user, "review", area),
            "queue_url": _with_area(reverse("review_queue"), here),
        },
        status=status,
    )


def _area(request: HttpRequest) -> str:
    """The ``wilayah`` asked for, else the user's own area; a malformed code is a 404."""
    asked = request.GET.get("wilayah", "")
    if asked:
        if not reviews.is_area_code(asked):
            raise Http404(_("Kode wilayah tidak dikenal."))
        return asked
    area = reviews.default_area(request.user)
    if area is None:
        raise Http404(_("Belum ada pasangan untuk ditinjau."))
    return area


def _context_area(request: HttpRequest, pair_area: str) -> str:
    """The area whose queue the reviewer walks through: the one asked for if it holds the pair."""
    asked = request.GET.get("wilayah", "")
    holds = pair_area == asked or pair_area.startswith(asked + ".")
    if (
        asked
        and reviews.is_area_code(asked)
        and holds
        and scoping.may(request.user, "review", asked)
    ):
        return asked
    return pair_area


def _with_area(url: str, area: str) -> str:
    return f"{url}?{urlencode({'wilayah': area})}" if area else url
