"""The dashboard's charts as Plotly JSON: program targeting, the areas below, and their map."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from sinergi.reports.charts import Chart, Series, plotly_figure

HEAT_CLASSES = 5  # the map-like grid colours areas in five bands of their rank


def programs_chart(programs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Eligible families served and not served, and recipients not eligible, per program."""
    if not programs:
        return None
    names = [p["code"].upper() for p in programs]
    chart = Chart(
        title=_("Ketepatan sasaran per program (keluarga)"),
        x_title=_("Program"),
        y_title=_("Keluarga"),
        series=(
            Series(_("Layak dan menerima"), names, [p["served"] for p in programs], kind="bar"),
            Series(
                _("Layak belum menerima"), names, [p["exclusion"] for p in programs], kind="bar"
            ),
            Series(
                _("Menerima tidak layak"), names, [p["inclusion"] for p in programs], kind="bar"
            ),
        ),
        horizontal=True,
    )
    return _json(plotly_figure(chart))


def children_chart(children: list[dict[str, Any]], limit: int = 25) -> dict[str, Any] | None:
    """The areas below, ranked by their share of extreme poor families."""
    shown = [c for c in children if c.get("extreme_poor_share") is not None][:limit]
    if not shown:
        return None
    chart = Chart(
        title=_("Persentase keluarga miskin ekstrem di wilayah bawahnya"),
        x_title=_("Wilayah"),
        y_title=_("Persen keluarga"),
        series=(
            Series(
                _("Miskin ekstrem"),
                [c["area_name"] for c in shown],
                [100 * c["extreme_poor_share"] for c in shown],
                kind="bar",
            ),
        ),
        horizontal=True,
    )
    return _json(plotly_figure(chart))


def choropleth(children: list[dict[str, Any]], shapes: dict[str, Any]) -> dict[str, Any] | None:
    """A map of the areas below coloured by extreme poverty, when their boundaries are loaded."""
    import plotly.graph_objects as go

    mapped = [c for c in children if c["area_code"] in shapes["codes"]]
    if not mapped:
        return None
    fig = go.Figure(
        go.Choropleth(
            geojson=shapes["geojson"],
            featureidkey="properties.kode",
            locations=[c["area_code"] for c in mapped],
            z=[100 * (c.get("extreme_poor_share") or 0) for c in mapped],
            text=[c["area_name"] for c in mapped],
            colorscale="OrRd",
            colorbar={"title": {"text": "%"}},
            hovertemplate="%{text}: %{z:.1f}%<extra></extra>",
        )
    )
    fig.update_geos(fitbounds="locations", visible=False)
    fig.update_layout(
        title={"text": _("Peta persentase keluarga miskin ekstrem")},
        separators=",.",
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
    )
    return _json(fig)


def heat_grid(children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The areas below, worst first, each with a colour band (``heat-1`` .. ``heat-5``)."""
    ranked = sorted(children, key=lambda c: -(c.get("extreme_poor_share") or 0))
    count = len(ranked)
    return [
        {**c, "heat": f"heat-{HEAT_CLASSES - (rank * HEAT_CLASSES) // count}"}
        for rank, c in enumerate(ranked)
    ]


def _json(fig: Any) -> dict[str, Any]:
    # plotly's own encoder turns numpy arrays into lists and NaN into null
    figure: dict[str, Any] = json.loads(fig.to_json())
    return figure
