"""The scorecard of an area: per indicator the baseline, the latest actual, the target, the light.

One :class:`Row` per indicator of the catalog. The target judged is the main one
of the bounds that hold for the area (:mod:`sinergi.web.progress.targets`); its
baseline is the target's own, or else the oldest actual of a year before the
latest actual's (said so on the page). The light follows
:mod:`sinergi.web.progress.light`. Each row with figures has a Plotly chart: the
actuals (one line basis), the targets and the straight path from the baseline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain import reference
from sinergi.reports.charts import Chart, plotly_figure
from sinergi.reports.charts import Series as Line
from sinergi.reports.formats import id_decimal, id_number
from sinergi.web.progress import actuals, light, targets
from sinergi.web.progress.actuals import Actual, Series
from sinergi.web.progress.indicators import Indicator, catalog
from sinergi.web.progress.light import Judgement, State
from sinergi.web.progress.models import SYMBOLS, Target
from sinergi.web.progress.targets import Bound

BASELINE_OF_TARGET = "target"
BASELINE_OF_SERIES = "deret"
ORIGIN_LABELS = {
    "bps": gettext_lazy("Angka BPS"),
    "survei": gettext_lazy("Perkiraan survei (SK 95%)"),
    "diagnosis": gettext_lazy("Diagnosis"),
}
BASIS_NAMES = {
    "BPS_GK": gettext_lazy("Garis Kemiskinan BPS"),
    "USD_1.90_PPP2011": gettext_lazy("USD 1,90 PPP 2011 per hari"),
    "USD_2.15_PPP2017": gettext_lazy("USD 2,15 PPP 2017 per hari"),
    "USD_3.00_PPP2021": gettext_lazy("USD 3,00 PPP 2021 per hari"),
}


def basis_name(basis: str | None) -> str:
    """A poverty-line basis as readers name it (an unknown code is shown as it is)."""
    return str(BASIS_NAMES.get(basis or "", basis or "?"))


def period_name(period: str) -> str:
    """``2021-03`` as "Maret 2021", ``2025-06-30`` as "30 Juni 2025", in the page's language."""
    parts = period.split("-")
    if len(parts) == 1 or not all(p.isdigit() for p in parts):
        return period
    day = date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) > 2 else 1)
    return date_format(day, "j F Y" if len(parts) > 2 else "F Y")


@dataclass(frozen=True)
class Row:
    """One indicator on the scorecard."""

    indicator: Indicator
    series: Series
    bounds: list[Bound]
    target: Bound | None
    baseline_value: float | None
    baseline_year: int | None
    baseline_from: str | None
    judgement: Judgement
    baseline_set_aside: Actual | None = None
    figure: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def actual(self) -> Actual | None:
        return self.series.latest

    @property
    def state_label(self) -> str:
        return str(light.LABELS[self.judgement.state])

    @property
    def light_label(self) -> str:
        return str(light.LIGHT_LABELS[self.judgement.light])

    @property
    def chart_note(self) -> str:
        """The line basis of the chart and the figures of other bases left out of it."""
        notes = []
        if self.series.basis:
            notes.append(
                _("Basis garis kemiskinan: %(basis)s.") % {"basis": basis_name(self.series.basis)}
            )
        if self.series.left_out:
            other = ", ".join(
                f"{basis_name(p.basis)} ({period_name(p.period)})" for p in self.series.left_out
            )
            notes.append(_("Angka dengan basis lain tidak digambar: %(other)s.") % {"other": other})
        return " ".join(notes)

    @property
    def chart_id(self) -> str:
        return f"grafik-{self.indicator.code}"

    def number(self, value: float | None) -> str:
        return number(self.indicator, value)

    @property
    def baseline_text(self) -> str:
        if self.baseline_value is None:
            return "-"
        return f"{self.number(self.baseline_value)} ({self.baseline_year})"

    @property
    def actual_text(self) -> str:
        return "-" if self.actual is None else self.number(self.actual.value)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        symbol = SYMBOLS.get(self.target.comparator, self.target.comparator)
        return f"{symbol} {self.number(self.target.value)} ({self.target.year})"

    @property
    def gap_text(self) -> str:
        gap = self.judgement.gap
        if gap is None:
            return "-"
        if self.indicator.is_rate:
            return _("%(gap)s poin") % {"gap": id_decimal(gap, 2, signed=True)}
        sign = "+" if gap > 0 else ""
        return f"{sign}{id_number(round(gap))} {self.indicator.unit_label}"


def number(entry: Indicator, value: float | None) -> str:
    """A figure of ``entry`` as people read it: ``11,59%`` or ``1.234 keluarga``."""
    if value is None:
        return "-"
    if entry.is_rate:
        return f"{id_decimal(value, 2)}%"
    return f"{id_number(round(value))} {entry.unit_label}"


def rows(area: str, today: date, *, charts: bool = True) -> list[Row]:
    """The scorecard of ``area`` as of ``today``, in the order of the catalog."""
    own = targets.current_records(reference.area_fallback_chain(area))
    return [_row(entry, area, today, own, charts) for entry in catalog()]


def _row(entry: Indicator, area: str, today: date, own: list[Target], charts: bool) -> Row:
    found = actuals.series(entry, area)
    bounds = targets.holding(entry, area, own)
    target = targets.main(bounds, today.year)
    latest = found.latest
    baseline_value, baseline_year, baseline_from = None, None, None
    set_aside = _other_basis(found, target)
    if target is not None and target.baseline_value is not None and set_aside is None:
        baseline_value, baseline_year = target.baseline_value, target.baseline_year
        baseline_from = BASELINE_OF_TARGET
    elif latest is not None and (first := found.first_before(latest.year)) is not None:
        baseline_value, baseline_year, baseline_from = first.value, first.year, BASELINE_OF_SERIES
    if target is None:
        judgement = Judgement(State.NO_TARGET)
    else:
        judgement = light.judge(
            comparator=target.comparator,
            target=target.value,
            target_year=target.year,
            actual=None if latest is None else latest.value,
            actual_year=None if latest is None else latest.year,
            baseline=baseline_value,
            baseline_year=baseline_year,
            today_year=today.year,
        )
    row = Row(
        entry,
        found,
        bounds,
        target,
        baseline_value,
        baseline_year,
        baseline_from,
        judgement,
        set_aside,
    )
    if charts and (found.points or bounds):
        row = replace(row, figure=_figure(row))
    return row


def _other_basis(found: Series, target: Bound | None) -> Actual | None:
    """The figure set aside for its line basis that the target's baseline is, if it is one.

    A shipped target's baseline does not name its basis; when it is a published
    figure of another basis than the actuals' (Dompu's extreme rate of 2021 on the
    USD 1.90 line against a survey on the USD 2.15 line), no path is drawn from it.
    """
    if target is None or target.baseline_value is None:
        return None
    return next(
        (
            p
            for p in found.left_out
            if p.year == target.baseline_year and abs(p.value - target.baseline_value) < 1e-9
        ),
        None,
    )


def _x(period: str) -> str:
    """A period on the date axis: a month on its first day, a year in its middle."""
    if len(period) == 4:
        return f"{period}-07-01"
    return f"{period}-01" if len(period) == 7 else period


def _figure(row: Row) -> dict[str, Any]:
    """The actuals by origin, the targets and the path to the main target, on one basis."""
    entry = row.indicator
    lines: list[Line] = []
    for origin, label in ORIGIN_LABELS.items():
        points = [p for p in row.series.points if p.origin == origin]
        if not points:
            continue
        with_interval = any(p.low is not None for p in points)
        lines.append(
            Line(
                str(label),
                [_x(p.period) for p in points],
                [p.value for p in points],
                low=[p.low for p in points] if with_interval else None,
                high=[p.high for p in points] if with_interval else None,
                kind="line" if len(points) > 1 else "points",
            )
        )
    if row.target is not None and row.baseline_value is not None and row.baseline_year:
        lines.append(
            Line(
                _("Lintasan ke target"),
                [_x(str(row.baseline_year)), _x(str(row.target.year))],
                [row.baseline_value, row.target.value],
                kind="dashed",
            )
        )
    if row.bounds:
        lines.append(
            Line(
                _("Target"),
                [_x(str(b.year)) for b in row.bounds],
                [b.value for b in row.bounds],
                kind="points",
            )
        )
    chart = Chart(
        title=entry.name, x_title=_("Periode"), y_title=entry.unit_label, series=tuple(lines)
    )
    drawn = plotly_figure(chart)
    dates = sorted(date.fromisoformat(str(x)) for line in lines for x in line.x)
    # Whole years on the axis, each labelled in its middle, and counts and rates from 0: a
    # single diagnosis would otherwise fill the axis with the hours of one day.
    drawn.update_xaxes(
        type="date",
        tickformat="%Y",
        dtick="M12",
        ticklabelmode="period",
        range=[date(dates[0].year, 1, 1).isoformat(), date(dates[-1].year + 1, 1, 1).isoformat()],
    )
    drawn.update_yaxes(rangemode="tozero")
    figure: dict[str, Any] = json.loads(drawn.to_json())
    return figure
