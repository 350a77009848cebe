"""The plan page's charts as Plotly JSON: allocation against realisation per strategy and OPD."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from sinergi.reports.charts import Chart, Series, plotly_figure
from sinergi.web.plans.reads import Total

BILLION = 1_000_000_000  # budgets of a regency run to billions of rupiah


def budget_chart(totals: list[Total], *, title: str, category: str) -> dict[str, Any] | None:
    """Allocation and realisation (semester I and II) in billion rupiah, per category."""
    shown = [t for t in totals if t.lines]
    if not shown:
        return None
    names = [t.label for t in shown]

    def billions(values: list[Any]) -> list[float | None]:
        return [round(float(v) / BILLION, 2) for v in values]

    chart = Chart(
        title=title,
        x_title=category,
        y_title=_("Miliar rupiah"),
        series=(
            Series(_("Alokasi"), names, billions([t.budget for t in shown]), kind="bar"),
            Series(
                _("Realisasi semester I"),
                names,
                billions([t.realised_s1 for t in shown]),
                kind="bar",
            ),
            Series(
                _("Realisasi semester II"),
                names,
                billions([t.realised_s2 for t in shown]),
                kind="bar",
            ),
        ),
        horizontal=True,
    )
    figure: dict[str, Any] = json.loads(plotly_figure(chart).to_json())
    return figure
