"""Charts described once and drawn twice: a PNG for documents and an interactive HTML page.

A :class:`Chart` says what to show; :func:`write_png` draws it with matplotlib and
:func:`write_html` with plotly. ``Series.x`` always holds the categories (or years) and
``x_title`` names them, also on a horizontal chart, where they run down the vertical axis.
Numbers are shown the Indonesian way (12,5 and 1.234) and the HTML page works offline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sinergi.lake.home import write_atomically

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


@dataclass(frozen=True)
class Series:
    """One named run of values; ``low``/``high`` bound a 95% interval (bars or a band)."""

    name: str
    x: Sequence[str | float]
    y: Sequence[float | None]
    low: Sequence[float | None] | None = None
    high: Sequence[float | None] | None = None
    kind: Literal["bar", "line", "points", "dashed"] = "line"

    @property
    def band(self) -> bool:
        return self.low is not None and self.kind in ("line", "dashed")


@dataclass(frozen=True)
class Chart:
    title: str
    x_title: str
    y_title: str
    series: tuple[Series, ...]
    horizontal: bool = False
    note: str | None = None
    guides: tuple[tuple[float, str], ...] = ()


def _check(chart: Chart) -> None:
    if not chart.series:
        raise ValueError(f"grafik {chart.title!r} tidak punya seri")
    for s in chart.series:
        if (s.low is None) != (s.high is None):
            raise ValueError(f"seri {s.name!r}: low dan high harus diisi bersama")
        lengths = {len(v) for v in (s.x, s.y, s.low, s.high) if v is not None}
        if len(lengths) != 1:
            raise ValueError(f"seri {s.name!r}: panjang x/y/low/high berbeda ({sorted(lengths)})")
        for y, (minus, plus) in zip(s.y, _errors(s), strict=True):
            if y is not None and ((minus or 0) < 0 or (plus or 0) < 0):
                raise ValueError(f"seri {s.name!r}: nilai {y} di luar interval low–high")


def _errors(s: Series) -> list[tuple[float | None, float | None]]:
    """Distances below and above each value, as error bars want them."""
    if s.low is None or s.high is None:
        return [(None, None)] * len(s.y)
    return [
        (y - lo, hi - y) if y is not None and lo is not None and hi is not None else (None, None)
        for y, lo, hi in zip(s.y, s.low, s.high, strict=True)
    ]


def _id_tick(value: float, grouped: bool = True) -> str:
    """Examples:
    >>> _id_tick(1234.5), _id_tick(0.25), _id_tick(-12000), _id_tick(2024.0, grouped=False)
    ('1.234,5', '0,25', '-12.000', '2024')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    if not grouped:  # years must read 2024, not 2.024
        text = text.replace(",", "")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else float(v) for v in values]


def write_png(
    chart: Chart, path: Path, *, width: float = 10, height: float = 6, dpi: int = 120
) -> Path:
    """Draw ``chart`` as a ``width`` x ``height`` inch PNG at ``dpi``; returns ``path``."""
    # Agg canvas on a bare Figure, not pyplot or matplotlib.use(): no global backend or figure
    # registry is touched, so this is safe in threads and beside other pyplot users.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    _check(chart)
    h = chart.horizontal

    def xy(pos: list[float], values: list[float]) -> tuple[list[float], list[float]]:
        return (values, pos) if h else (pos, values)

    categorical = any(isinstance(v, str) for s in chart.series for v in s.x)
    categories = list(dict.fromkeys(v for s in chart.series for v in s.x))
    bars = [s for s in chart.series if s.kind == "bar"]
    bar_width = 0.8 / max(len(bars), 1)
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, s in enumerate(chart.series):
        color = PALETTE[i % len(PALETTE)]
        pos = [float(categories.index(v)) if categorical else float(v) for v in s.x]
        y = _nan(s.y)
        if s.kind == "bar":  # side by side within a category
            pos = [p + (bars.index(s) - (len(bars) - 1) / 2) * bar_width for p in pos]
            (ax.barh if h else ax.bar)(pos, y, bar_width, label=s.name, color=color)
        if s.kind in ("line", "dashed"):
            style = "--" if s.kind == "dashed" else "-"
            ax.plot(*xy(pos, y), ls=style, marker="o", ms=3, color=color, label=s.name, zorder=3)
            if s.low is not None and s.high is not None:
                band = ax.fill_betweenx if h else ax.fill_between
                band(pos, _nan(s.low), _nan(s.high), color=color, alpha=0.2, linewidth=0)
        elif s.kind == "points" or s.low is not None:
            err = [_nan([e[0] for e in _errors(s)]), _nan([e[1] for e in _errors(s)])]
            has_err = s.low is not None
            ax.errorbar(
                *xy(pos, y),
                xerr=err if h and has_err else None,
                yerr=err if has_err and not h else None,
                fmt="o" if s.kind == "points" else "none",
                zorder=3,
                color=color,
                ecolor="black" if s.kind == "bar" else color,
                capsize=3,
                label=s.name if s.kind == "points" else None,
            )
    for value, label in chart.guides:
        (ax.axvline if h else ax.axhline)(value, color="grey", linestyle=":", label=label)
    cat_axis, value_axis = (ax.yaxis, ax.xaxis) if h else (ax.xaxis, ax.yaxis)
    value_axis.set_major_formatter(FuncFormatter(lambda v, _: _id_tick(v)))
    if categorical:
        turn = not h and max(len(str(c)) for c in categories) > 10
        (ax.set_yticks if h else ax.set_xticks)(
            range(len(categories)),
            labels=[str(c) for c in categories],
            rotation=30 if turn else 0,
            ha="right" if turn or h else "center",
        )
    else:
        cat_axis.set_major_formatter(FuncFormatter(lambda v, _: _id_tick(v, grouped=False)))
        if all(float(v).is_integer() for v in categories):
            cat_axis.set_major_locator(MaxNLocator(integer=True))
    if h:
        ax.invert_yaxis()  # the first category reads at the top
    ax.set_title(chart.title)
    ax.set_xlabel(chart.y_title if h else chart.x_title)
    ax.set_ylabel(chart.x_title if h else chart.y_title)
    ax.grid(axis="x" if h else "y", alpha=0.3)
    if len(chart.series) > 1 or chart.guides:
        ax.legend(fontsize=8)
    if chart.note:
        fig.text(0.01, 0.01, chart.note, fontsize=8, ha="left", va="bottom", color="dimgrey")
    fig.tight_layout(rect=(0, 0.05 if chart.note else 0, 1, 1))
    try:
        with write_atomically(path) as partial:
            # the partial's suffix is ".partial", so the format cannot be guessed from it
            fig.savefig(partial, format="png", dpi=dpi)
    finally:
        fig.clear()
    return path


def _rgba(color: str, alpha: float) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _traces(chart: Chart) -> list[dict[str, Any]]:
    """Plotly traces as plain dicts; a band is a closed polygon drawn before its line."""
    traces: list[dict[str, Any]] = []
    h = chart.horizontal
    for i, s in enumerate(chart.series):
        color = PALETTE[i % len(PALETTE)]
        if s.band and s.low is not None and s.high is not None:
            bounds = zip(s.x, s.low, s.high, strict=True)
            rows = [(x, lo, hi) for x, lo, hi in bounds if lo is not None and hi is not None]
            cats = [r[0] for r in rows] + [r[0] for r in reversed(rows)]
            edge = [r[2] for r in rows] + [r[1] for r in reversed(rows)]
            traces.append(
                {"type": "scatter", "x": edge if h else cats, "y": cats if h else edge,
                 "fill": "toself", "mode": "lines", "fillcolor": _rgba(color, 0.2),
                 "line": {"width": 0}, "hoverinfo": "skip", "legendgroup": s.name,
                 "showlegend": False, "name": f"{s.name} (interval 95%)"}
            )  # fmt: skip
        trace: dict[str, Any] = {"name": s.name, "legendgroup": s.name}
        trace |= {"x": list(s.y), "y": list(s.x)} if h else {"x": list(s.x), "y": list(s.y)}
        if s.kind == "bar":
            trace |= {"type": "bar", "marker": {"color": color}, "orientation": "h" if h else "v"}
        else:
            mode = "markers" if s.kind == "points" else "lines+markers"
            dash = "dash" if s.kind == "dashed" else "solid"
            trace |= {"type": "scatter", "mode": mode, "marker": {"color": color}}
            trace["line"] = {"color": color, "dash": dash}
        if s.low is not None and not s.band:
            errors = _errors(s)
            trace["error_x" if h else "error_y"] = {
                "type": "data", "symmetric": False, "color": "black" if s.kind == "bar" else color,
                "array": [e[1] for e in errors], "arrayminus": [e[0] for e in errors],
            }  # fmt: skip
        traces.append(trace)
    return traces


def plotly_figure(chart: Chart) -> Any:
    """``chart`` as a plotly ``Figure`` (for a page, or the site's ``Plotly.newPlot``)."""
    import plotly.graph_objects as go

    _check(chart)
    h = chart.horizontal
    fig = go.Figure(data=_traces(chart))
    cat_axis: dict[str, Any] = {"title": {"text": chart.x_title}}
    if h:  # the first category reads at the top
        cat_axis |= {"autorange": "reversed", "type": "category"}
    value_axis = {"title": {"text": chart.y_title}}
    fig.update_layout(
        title={"text": chart.title}, separators=",.", template="plotly_white", barmode="group",
        xaxis=value_axis if h else cat_axis, yaxis=cat_axis if h else value_axis,
        showlegend=len(chart.series) > 1, margin={"b": 120 if chart.note else 60},
    )  # fmt: skip
    for value, label in chart.guides:
        guide = {"line_dash": "dot", "line_color": "grey", "annotation_text": label}
        (fig.add_vline if h else fig.add_hline)(value, **guide)
    if chart.note:  # in pixels below the plot area, clear of the axis title at any height
        fig.add_annotation(
            text=chart.note, xref="paper", yref="paper", x=0, y=0, yshift=-80, xanchor="left",
            yanchor="top", showarrow=False, font={"size": 11},
        )  # fmt: skip
    return fig


def write_html(chart: Chart, path: Path) -> Path:
    """Write ``chart`` as a page using the ``plotly.min.js`` beside it; returns ``path``."""
    from plotly.offline import get_plotlyjs

    fig = plotly_figure(chart)
    bundle = path.parent / "plotly.min.js"
    if not bundle.exists():  # plotly writes it in place and never repairs a truncated copy
        with write_atomically(bundle) as partial:
            partial.write_text(get_plotlyjs(), encoding="utf-8")
    with write_atomically(path) as partial:
        # "directory": the page loads plotly.min.js from its own folder, never from a CDN
        fig.write_html(partial, include_plotlyjs="directory", full_html=True)
        if '<script charset="utf-8" src="plotly.min.js">' not in partial.read_text("utf-8"):
            raise RuntimeError("halaman grafik tidak memuat plotly.min.js dari foldernya")
    return path
