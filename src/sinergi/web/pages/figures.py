"""The dashboard's charts as Plotly JSON: program targeting, the areas below, and their map."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from sinergi.reports.charts import Chart, Series, plotly_figure

HEAT_CLASSES = 5  # the map-like grid colours areas in five bands of their rank
MAP_COLOURS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")  # as the grid's bands


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
    """A map of the areas below coloured by extreme poverty, when their boundaries are loaded.

    Drawn as filled outlines on plain axes rather than a plotly geo map: a geo map
    fetches its base layers from plotly's CDN, which the site never loads from.
    """
    import plotly.graph_objects as go

    outlines = _outlines(shapes["geojson"])
    mapped = [c for c in children if c["area_code"] in outlines]
    if not mapped:
        return None
    fig = go.Figure()
    for area in heat_grid(mapped):  # coloured by rank, in the grid's five bands
        band = int(area["heat"].removeprefix("heat-")) - 1
        xs, ys = outlines[area["area_code"]]
        share = area.get("extreme_poor_share") or 0.0
        label = f"{area['area_name']}: {100 * share:.1f}%".replace(".", ",")
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, fill="toself", mode="lines", name=label, text=label,
                fillcolor=MAP_COLOURS[band], line={"color": "#ffffff", "width": 1},
                hoveron="fills", hoverinfo="text", showlegend=False,
            )
        )  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(
        title={"text": _("Peta persentase keluarga miskin ekstrem")},
        template="plotly_white",
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
    )
    return _json(fig)


def _outlines(geojson: dict[str, Any]) -> dict[str, tuple[list[float | None], list[float | None]]]:
    """Each feature's rings as x/y lists, rings separated by ``None`` (plotly's gap)."""
    found: dict[str, tuple[list[float | None], list[float | None]]] = {}
    for feature in geojson["features"]:
        geometry = feature.get("geometry") or {}
        kind, coordinates = geometry.get("type"), geometry.get("coordinates") or []
        polygons = (
            [coordinates] if kind == "Polygon" else coordinates if kind == "MultiPolygon" else []
        )
        xs, ys = found.setdefault(feature["properties"]["kode"], ([], []))
        for ring in (ring for polygon in polygons for ring in polygon):
            xs += [point[0] for point in ring] + [None]
            ys += [point[1] for point in ring] + [None]
    return found


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
