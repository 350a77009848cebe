from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest
from matplotlib.figure import Figure
from PIL import Image

from sinergi.reports.charts import Chart, Series, write_html, write_png

KECAMATAN = ["Sukamaju Barat", "Cibodas", "Pasirjaya Timur"]


def trend() -> Chart:
    return Chart(
        title="Angka kemiskinan",
        x_title="Tahun",
        y_title="Persen",
        series=(
            Series("Kabupaten", [2021, 2022, 2023], [11.5, None, 9.25], [10.5, None, 8.5],
                   [12.5, None, 10.0]),
            Series("Proyeksi", [2023, 2024], [9.25, 8.75], kind="dashed"),
        ),
        note="Sumber: estimasi berbasis model",
        guides=((7.5, "Target 2029"),),
    )  # fmt: skip


def by_kecamatan() -> Chart:
    return Chart(
        title="Kemiskinan per kecamatan",
        x_title="Kecamatan",
        y_title="Persen",
        series=(
            Series("Estimasi", KECAMATAN, [1234.5, 8.0, 15.0], [1200.0, 7.0, 13.0],
                   [1300.0, 9.0, 17.0], kind="points"),
            Series("Survei", KECAMATAN, [1250.0, 9.0, 14.0], kind="bar"),
        ),
        horizontal=True,
    )  # fmt: skip


def figure(html: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The traces and layout the page hands to Plotly.newPlot."""
    start = html.index("Plotly.newPlot(")
    start = html.index("[", start)
    decoder = json.JSONDecoder()
    traces, end = decoder.raw_decode(html, start)
    layout, _ = decoder.raw_decode(html, html.index("{", end))
    return traces, layout


def drawn(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Capture each figure's axes as it is saved, before write_png frees the figure."""
    seen: list[Any] = []
    real = Figure.savefig

    def savefig(self: Figure, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        ax = self.axes[0]
        seen.append(
            {
                "x": [t.get_text() for t in ax.get_xticklabels()],
                "y": [(t.get_text(), t.get_position()[1]) for t in ax.get_yticklabels()],
                "y_inverted": ax.yaxis_inverted(),
            }
        )

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen


def test_png_is_a_real_png_of_the_requested_size(tmp_path: Path) -> None:
    path = write_png(trend(), tmp_path / "grafik" / "tren.png", width=5, height=3, dpi=100)

    assert path == tmp_path / "grafik" / "tren.png"
    assert path.read_bytes().startswith(b"\x89PNG")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (500, 300)
    assert [p.name for p in path.parent.iterdir()] == ["tren.png"]


def test_png_ticks_are_indonesian_and_years_are_not_grouped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = drawn(monkeypatch)
    write_png(
        Chart("Jumlah", "Tahun", "Orang", (Series("Penduduk", [2021, 2022], [12000.0, 15000.0]),)),
        tmp_path / "jumlah.png",
    )

    (axes,) = seen
    years = [label for label in axes["x"] if label]
    assert years and all(re.fullmatch(r"20\d\d", label) for label in years)
    values = [label for label, _ in axes["y"] if label]
    assert "12.000" in values and "15.000" in values
    assert not any("," in label for label in values)


def test_png_horizontal_puts_the_first_category_at_the_top(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = drawn(monkeypatch)
    write_png(by_kecamatan(), tmp_path / "kecamatan.png")

    (axes,) = seen
    assert axes["y_inverted"]
    assert [label for label, _ in sorted(axes["y"], key=lambda t: t[1])] == KECAMATAN
    assert any("1.200" in label for label in axes["x"])


def test_html_holds_title_series_values_and_offline_plotly(tmp_path: Path) -> None:
    path = write_html(trend(), tmp_path / "situs" / "tren.html")

    html = path.read_text(encoding="utf-8")
    assert path == tmp_path / "situs" / "tren.html"
    for text in ("Angka kemiskinan", "Kabupaten", "Proyeksi", "Sumber: estimasi berbasis model"):
        assert text in html
    traces, layout = figure(html)
    assert layout["separators"] == ",."
    assert layout["title"]["text"] == "Angka kemiskinan"
    assert "Sumber: estimasi berbasis model" in [a["text"] for a in layout["annotations"]]
    lines = {t["name"]: t for t in traces if t.get("fill") is None}
    assert lines["Kabupaten"]["x"] == [2021, 2022, 2023]
    assert lines["Kabupaten"]["y"] == [11.5, None, 9.25]
    assert lines["Proyeksi"]["line"]["dash"] == "dash"
    (band,) = [t for t in traces if t.get("fill") == "toself"]  # the solid line's interval
    assert band["x"] == [2021, 2023, 2023, 2021]
    assert band["y"] == [12.5, 10.0, 8.5, 10.5]
    sources = re.findall(r'<script[^>]*\bsrc="([^"]*)"', html)
    assert sources == ["plotly.min.js"]
    assert "cdn" not in html.lower()
    assert (path.parent / "plotly.min.js").stat().st_size > 1_000_000
    assert sorted(p.name for p in path.parent.iterdir()) == ["plotly.min.js", "tren.html"]


def test_html_horizontal_chart_has_categories_on_the_y_axis(tmp_path: Path) -> None:
    html = write_html(by_kecamatan(), tmp_path / "kecamatan.html").read_text("utf-8")
    (points, bars), layout = figure(html)

    assert bars["orientation"] == "h"
    assert bars["y"] == points["y"] == KECAMATAN
    assert bars["x"] == [1250.0, 9.0, 14.0]
    assert points["error_x"]["array"] == [65.5, 1.0, 2.0]
    assert points["error_x"]["arrayminus"] == [34.5, 1.0, 2.0]
    assert "error_y" not in points
    assert layout["yaxis"]["autorange"] == "reversed"
    assert layout["yaxis"]["title"]["text"] == "Kecamatan"


def test_html_bars_carry_vertical_error_bars(tmp_path: Path) -> None:
    bars = Series("A", ["x", "y"], [2.0, 3.0], [1.0, 2.5], [4.0, 3.5], kind="bar")
    chart = Chart("Bar", "Kecamatan", "Persen", (bars,))
    (bars,), _ = figure(write_html(chart, tmp_path / "bar.html").read_text("utf-8"))

    assert bars["type"] == "bar" and "error_x" not in bars
    assert bars["error_y"]["array"] == [2.0, 0.5]
    assert bars["error_y"]["arrayminus"] == [1.0, 0.5]


@pytest.mark.parametrize(
    "series",
    [
        Series("Salah panjang", ["a", "b", "c"], [1.0, 2.0]),
        Series("Salah panjang", ["a", "b"], [1.0, 2.0], [0.5], [1.5, 2.5]),
        Series("Salah panjang", ["a", "b"], [1.0, 2.0], [0.5, 1.5], [1.5, 2.5, 3.5]),
        Series("Salah panjang", ["a", "b"], [1.0, 2.0], low=[0.5, 1.5]),
        Series("Salah panjang", ["a", "b"], [1.0, 2.0], [1.5, 1.5], [2.0, 2.5]),
    ],
)
@pytest.mark.parametrize("writer", [write_png, write_html])
def test_bad_series_are_refused_by_name(tmp_path: Path, series: Series, writer: Any) -> None:
    chart = Chart("Grafik", "x", "y", (Series("Baik", ["a"], [1.0]), series))
    with pytest.raises(ValueError, match="Salah panjang"):
        writer(chart, tmp_path / "grafik.out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("writer", [write_png, write_html])
def test_a_chart_without_series_is_refused(tmp_path: Path, writer: Any) -> None:
    with pytest.raises(ValueError, match="Kosong"):
        writer(Chart("Kosong", "x", "y", ()), tmp_path / "grafik.out")


def test_png_failing_midway_leaves_the_old_file_and_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "tren.png"
    target.write_bytes(b"old")

    def broken(self: Figure, fname: Path, **kwargs: Any) -> None:
        Path(fname).write_bytes(b"\x89PNG half")
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(OSError, match="disk full"):
        write_png(trend(), target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["tren.png"]


def test_html_failing_midway_leaves_no_page_and_no_partial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: go.Figure, file: Path, **kwargs: Any) -> None:
        Path(file).write_text("<html>half", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(go.Figure, "write_html", broken)
    with pytest.raises(OSError, match="disk full"):
        write_html(trend(), tmp_path / "tren.html")
    assert not (tmp_path / "tren.html").exists()
    assert not list(tmp_path.glob(".*partial"))


def test_html_that_would_load_plotly_from_elsewhere_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = go.Figure.write_html

    def from_cdn(self: go.Figure, file: Path, **kwargs: Any) -> None:
        real(self, file, **(kwargs | {"include_plotlyjs": "cdn"}))

    monkeypatch.setattr(go.Figure, "write_html", from_cdn)
    with pytest.raises(RuntimeError, match=r"plotly\.min\.js"):
        write_html(trend(), tmp_path / "tren.html")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plotly.min.js"]
