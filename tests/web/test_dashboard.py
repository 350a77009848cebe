"""The dashboard's charts, ranked grid and map, the family's padanan evidence, and the menu."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from site_clients import signed_in

from sinergi.web import registry
from sinergi.web.pages.figures import MAP_COLOURS
from sinergi.web.pages.plotly_css import GLOBAL_ID, element_ids

MakeUser = Callable[..., User]


def _figure(page: str, chart_id: str) -> dict:
    block = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page)
    assert block, chart_id
    return json.loads(block.group(1))


def test_dashboard_charts_show_the_diagnosis_figures(make_user: MakeUser) -> None:
    page = signed_in(make_user("ana", "analyst", "52.05")).get("/wilayah/52.05/").content.decode()
    area = registry.area("52.05")
    assert area is not None
    programs = _figure(page, "chart-programs")
    served = next(t for t in programs["data"] if t["name"] == "Layak dan menerima")
    assert dict(zip(served["y"], served["x"], strict=True))["PKH"] == area["served_pkh"]
    unserved = next(t for t in programs["data"] if t["name"] == "Layak belum menerima")
    assert dict(zip(unserved["y"], unserved["x"], strict=True))["PKH"] == area["exclusion_pkh"]
    ranked = _figure(page, "chart-children")["data"][0]
    children = registry.children("52.05").sort("extreme_poor_share", descending=True)
    assert ranked["y"] == children["area_name"].to_list()
    assert ranked["x"] == pytest.approx((children["extreme_poor_share"] * 100).to_list())
    # drawn from the package, never from another origin, by a script file (no inline code)
    assert '<script src="/static/plotly/plotly.min.js" defer>' in page
    assert '<script src="/static/sinergi/charts.js" defer>' in page
    assert "cdn" not in page.lower()


def test_plotly_bundle_and_its_stylesheet_are_served_from_the_package(
    make_user: MakeUser,
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05"))
    bundle = client.get("/static/plotly/plotly.min.js")
    assert bundle.status_code == 200
    css = client.get("/grafik/plotly.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    text = css.content.decode()
    assert ".js-plotly-plot .plotly .modebar {position:absolute;" in text
    assert "X .modebar" not in text  # placeholders resolved
    page = client.get("/wilayah/52.05/").content.decode()
    # every id plotly.js looks up before injecting a stylesheet is already on the page
    assert len(element_ids()) >= 2
    for key in element_ids():
        assert f'<link id="{key}"' in page
    assert f'<link id="{GLOBAL_ID}" class="no-inline-styles"' in page


def test_ranked_grid_colours_the_worst_area_darkest(make_user: MakeUser) -> None:
    response = signed_in(make_user("ana", "analyst", "52.05")).get("/wilayah/52.05/")
    grid = response.context["grid"]
    shares = [c["extreme_poor_share"] for c in grid]
    assert shares == sorted(shares, reverse=True)
    assert grid[0]["heat"] == "heat-5" and grid[-1]["heat"] == "heat-1"
    assert f'<li class="heat-5"><a href="/wilayah/{grid[0]["area_code"]}/">' in (
        response.content.decode()
    )


@pytest.fixture
def boundaries(site_home: Path) -> Iterator[Path]:
    """A boundary folder in the data folder, removed afterwards (the folder is shared)."""
    folder = site_home / "batas"
    folder.mkdir()
    yield folder
    shutil.rmtree(folder)


def _square(i: int) -> list[list[list[float]]]:
    west, east = 118.0 + i, 118.9 + i
    return [[[west, -8.5], [east, -8.5], [east, -8.0], [west, -8.0], [west, -8.5]]]


def _squares(codes: list[str]) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"kode": code},
                "geometry": {"type": "Polygon", "coordinates": _square(i)},
            }
            for i, code in enumerate(codes)
        ],
    }


def test_choropleth_appears_when_boundaries_are_loaded(
    make_user: MakeUser, boundaries: Path
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05"))
    assert "chart-map" not in client.get("/wilayah/52.05/").content.decode()
    children = registry.children("52.05").sort("area_code")
    codes = children["area_code"].to_list()
    (boundaries / "dompu.geojson").write_text(json.dumps(_squares(codes)), encoding="utf-8")
    response = client.get("/wilayah/52.05/")
    traces = _figure(response.content.decode(), "chart-map")["data"]
    assert len(traces) == len(codes) and all(t["fill"] == "toself" for t in traces)
    # each area is drawn where its boundary lies, in its band of the ranked grid
    band_of = {c["area_name"]: c["heat"] for c in response.context["grid"]}
    for trace in traces:
        name = trace["name"].split(":")[0]
        i = codes.index(children.filter(children["area_name"] == name)["area_code"][0])
        assert min(x for x in trace["x"] if x is not None) == pytest.approx(118 + i)
        assert trace["fillcolor"] == MAP_COLOURS[int(band_of[name][-1]) - 1]


def test_a_broken_boundary_file_costs_the_map_not_the_page(
    make_user: MakeUser, boundaries: Path
) -> None:
    (boundaries / "rusak.geojson").write_text('{"type": "FeatureCollection", "feat', "utf-8")
    response = signed_in(make_user("ana", "analyst", "52.05")).get("/wilayah/52.05/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "chart-map" not in page and "heat-grid" in page


def test_family_page_shows_the_padanan_evidence_masked_by_role(
    make_user: MakeUser, desas: list[str]
) -> None:
    rows = registry.follow_up().collect()
    hid = str(rows.filter(rows["area_code"] == desas[0])["hid"][0])
    records = registry.source_records(hid).collect()
    assert records.height >= 1
    analyst = signed_in(make_user("ana", "analyst", "52.05")).get(f"/keluarga/{hid}/")
    shown = analyst.context["records"]
    assert {r["record_key"] for r in shown} == set(records["record_key"])
    page = analyst.content.decode()
    assert "kepala keluarga" in page  # Regsosek's relationship code 1, as people read it
    statuses = {s["status"] for s in analyst.context["statuses"]}
    assert statuses and not statuses & {"served", "exclusion", "inclusion", "unregistered"}
    full = next(r["nik"] for r in shown if r["nik"])
    assert full in analyst.content.decode()
    member = signed_in(make_user("tia", "tkpk", "52.05")).get(f"/keluarga/{hid}/")
    masked = {r["record_key"]: r["nik"] for r in member.context["records"]}
    assert all(nik is None or "*" in nik for nik in masked.values())
    assert full not in member.content.decode()


def test_menu_offers_only_what_the_role_allows(make_user: MakeUser) -> None:
    analyst = signed_in(make_user("ana", "analyst", "52.05")).get("/wilayah/52.05/")
    member = signed_in(make_user("tia", "tkpk", "52.05")).get("/wilayah/52.05/")
    for link in ("/padanan/tinjauan/", "/unggah/", "/verval/"):
        assert f'href="{link}"' in analyst.content.decode()
        assert f'href="{link}"' not in member.content.decode()


def test_the_province_page_sums_its_diagnosed_regencies(make_user: MakeUser) -> None:
    client = signed_in(make_user("prov", "province", "52"))
    response = client.get("/wilayah/52/")
    assert response.status_code == 200
    regency = registry.area("52.05")
    province = response.context["area"]
    assert regency is not None and province["level"] == "provinsi"
    for column in ("families", "extreme_poor", "unassisted", "served_pkh", "eligible_pip"):
        assert province[column] == regency[column]  # one regency diagnosed: its sums
    assert province["coverage_pkh"] == pytest.approx(regency["coverage_pkh"])
    assert province["extreme_poor_share"] == pytest.approx(regency["extreme_poor_share"])
    assert province["regencies"] == 1
    page = response.content.decode()
    assert "NUSA TENGGARA BARAT" in page and 'href="/wilayah/52.05/"' in page  # the ranked grid
    assert [c["area_code"] for c in response.context["grid"]] == ["52.05"]
    assert "tindak-lanjut" not in page  # aggregates only: no list, no search
    # The breadcrumb of a regency page leads there; another province stays closed.
    assert 'href="/wilayah/52/"' in client.get("/wilayah/52.05/").content.decode()
    assert client.get("/wilayah/53/").status_code == 403
    analyst = signed_in(make_user("ntt", "analyst", "53"))
    assert analyst.get("/wilayah/53/").status_code == 404  # nothing diagnosed there


def test_program_figures_say_they_count_families(make_user: MakeUser) -> None:
    response = signed_in(make_user("ana", "analyst", "52.05")).get("/wilayah/52.05/")
    units = {p["code"]: str(p["unit"]) for p in response.context["programs"]}
    assert units["pkh"] == "keluarga"
    assert all("perorangan" in units[p] for p in ("pip", "pbi", "bpjs_tk"))
