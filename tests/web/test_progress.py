"""Progress: targets beside the actuals, the scorecard's lights, coverage against need."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook
from site_clients import api_client, signed_in

from sinergi.lake.home import DataHome, latest_run_folder, write_run
from sinergi.web import registry
from sinergi.web.audit.models import AuditEntry
from sinergi.web.progress import actuals
from sinergi.web.progress.light import judge
from sinergi.web.progress.models import Target

MakeUser = Callable[..., User]
REGENCY = "52.05"


@pytest.fixture(autouse=True)
def _fresh_actuals() -> None:
    actuals.clear_caches()


def _analyst(make_user: MakeUser, name: str = "ana", area: str = REGENCY) -> User:
    return make_user(name, "analyst", area, edit=area)


def _target(client: Client, area: str, **fields: Any) -> Any:
    data = {
        "indicator": "p0_percent",
        "year": 2030,
        "comparator": "le",
        "value": "9",
        "baseline_value": "",
        "baseline_year": "",
        "source": "RPJMD Kabupaten Dompu 2025-2029",
        "grade": "P",
        "note": "",
        "reason": "",
    } | fields
    return client.post(f"/capaian/{area}/target/", data)


def _scorecard(user: User, area: str = REGENCY) -> dict[str, Any]:
    response = api_client(user).get(f"/api/capaian/{area}/kartu-skor")
    assert response.status_code == 200, response.content
    return {row["indicator"]: row for row in response.json()["rows"]}


def _diagnosis(site_home: Path) -> tuple[pl.DataFrame, list[str]]:
    folder = latest_run_folder(DataHome.resolve(site_home), "diagnostics")
    assert folder is not None
    listed = json.loads((folder / "manifest.json").read_text("utf-8"))["listed_programs"]
    return pl.read_parquet(folder / "families.parquet"), listed


# --- the light ---------------------------------------------------------------------------

# P0 12% in 2020, target at most 8% in 2028: in 2024 the path is at 10%, a quarter is 1 point.
GOAL = {"comparator": "le", "target": 8.0, "target_year": 2028, "baseline": 12.0,
        "baseline_year": 2020, "today_year": 2025}  # fmt: skip


@pytest.mark.parametrize(
    ("actual", "year", "light", "state"),
    [
        (8.0, 2024, "hijau", "tercapai"),  # met exactly (at most 8)
        (9.5, 2024, "hijau", "sesuai_lintasan"),  # ahead of the path
        (10.0, 2024, "hijau", "sesuai_lintasan"),  # exactly on the path
        (10.5, 2024, "kuning", "sedikit_tertinggal"),
        (11.0, 2024, "kuning", "sedikit_tertinggal"),  # exactly a quarter behind
        (11.01, 2024, "merah", "tertinggal"),  # just beyond a quarter
        (8.01, 2028, "merah", "lewat_tenggat"),  # the target's year came, missed
        (7.9, 2028, "hijau", "tercapai"),
        (None, None, "abu-abu", "tanpa_data"),
    ],
)
def test_light_follows_the_documented_rule_at_its_edges(
    actual: float | None, year: int | None, light: str, state: str
) -> None:
    """Met, on or ahead of the path, a quarter behind, further, past due, no actual."""
    judgement = judge(actual=actual, actual_year=year, **GOAL)
    assert (judgement.light, judgement.state) == (light, state)


def test_light_is_red_once_the_target_year_has_ended_even_on_an_older_actual() -> None:
    """A target of 2028 judged in 2029 on a 2024 figure that does not meet it is missed."""
    goal = GOAL | {"today_year": 2029}
    assert judge(actual=9.0, actual_year=2024, **goal).state == "lewat_tenggat"
    assert judge(actual=7.0, actual_year=2024, **goal).state == "tercapai"


def test_light_without_a_baseline_is_amber_until_due_and_follows_higher_is_better() -> None:
    """No path without a baseline; for a ``ge`` bound, behind means below the path."""
    no_base = GOAL | {"baseline": None, "baseline_year": None}
    assert judge(actual=9.0, actual_year=2024, **no_base).state == "tanpa_lintasan"
    rising = {"comparator": "ge", "target": 90.0, "target_year": 2028, "baseline": 50.0,
              "baseline_year": 2020, "today_year": 2025}  # fmt: skip
    # The path is at 70 in 2024; a quarter of the distance is 10.
    assert judge(actual=72.0, actual_year=2024, **rising).state == "sesuai_lintasan"
    assert judge(actual=60.0, actual_year=2024, **rising).state == "sedikit_tertinggal"
    assert judge(actual=59.0, actual_year=2024, **rising).state == "tertinggal"


def test_scorecard_judges_a_secretariat_count_target_against_the_diagnosis(
    make_user: MakeUser,
) -> None:
    """A regency's RTLH target: the diagnosis' count is 40 families behind a path 200 long."""
    # given
    ana = _analyst(make_user)
    actual = registry.area(REGENCY)["rtlh"]
    year = _scorecard(ana)["rtlh_families"]["actual"]["period"][:4]
    due = max(int(year), timezone.localdate().year) + 2
    start = int(year) - (due - int(year))  # the actual's year is halfway along the path
    # when
    response = _target(
        signed_in(ana), REGENCY, indicator="rtlh_families", year=due, value=actual - 140,
        baseline_value=actual + 60, baseline_year=start,
    )  # fmt: skip
    # then
    assert response.status_code == 302
    row = _scorecard(ana)["rtlh_families"]
    assert row["actual"]["value"] == actual and row["actual"]["origin"] == "diagnosis"
    assert row["path"] == pytest.approx(actual - 40)
    assert (row["light"], row["state"]) == ("kuning", "sedikit_tertinggal")
    assert row["gap"] == pytest.approx(140)
    assert row["target"]["origin"] == "sekretariat" and row["target"]["year"] == due
    page = signed_in(ana).get(f"/capaian/{REGENCY}/").content.decode()
    assert "Kuning" in page and "Sedikit tertinggal" in page  # a word beside the colour


# --- which targets hold ------------------------------------------------------------------


def test_regency_targets_override_the_national_ones(make_user: MakeUser) -> None:
    """Dompu's own P0 targets hold for it and its kecamatan; a regency without any gets 00's."""
    viewer = make_user("prov", "province", "52")
    dompu = _scorecard(viewer)["p0_percent"]["targets"]
    assert dompu and {t["area_code"] for t in dompu} == {REGENCY}
    assert {t["area_code"] for t in _scorecard(viewer, "52.05.01")["p0_percent"]["targets"]} == {
        REGENCY
    }
    other = _scorecard(viewer, "52.01")["p0_percent"]["targets"]
    assert {t["area_code"] for t in other} == {"00"}
    # the lower end of the national 2024 range (ge 6.5) is never judged
    assert all(t["comparator"] in ("le", "lt") for t in other)


def test_a_regency_secretariat_target_replaces_the_national_ones_and_the_same_year(
    make_user: MakeUser,
) -> None:
    """Set for 52.01, its own target is all that holds there; in Dompu it replaces 2026 only."""
    admin = make_user("adm", "admin", "52", edit="52")
    assert _target(signed_in(admin), "52.01", year=2029, value="12").status_code == 302
    held = _scorecard(admin, "52.01")["p0_percent"]["targets"]
    assert [(t["area_code"], t["year"], t["origin"]) for t in held] == [
        ("52.01", 2029, "sekretariat")
    ]
    response = _target(
        signed_in(admin), REGENCY, year=2026, value="10,25", reason="RPJMD perubahan 2026"
    )
    assert response.status_code == 302
    dompu = {t["year"]: t for t in _scorecard(admin)["p0_percent"]["targets"]}
    assert dompu[2026]["origin"] == "sekretariat" and dompu[2026]["value"] == 10.25
    assert dompu[2029]["origin"] == "rujukan"


# --- setting and superseding ---------------------------------------------------------------


def test_superseding_a_target_keeps_the_old_row_and_records_who_and_why(
    make_user: MakeUser,
) -> None:
    """A change is a new version linked to the old one, with its author and reason."""
    # given
    ana, budi = _analyst(make_user), _analyst(make_user, "budi")
    assert _target(signed_in(ana), REGENCY, value="9.5").status_code == 302
    first = Target.objects.get()
    # when: a change without a reason is refused, with one it is a new version
    refused = _target(signed_in(budi), REGENCY, value="9")
    changed = _target(signed_in(budi), REGENCY, value="9", reason="Disesuaikan dengan RPJMD")
    # then
    assert refused.status_code == 400
    assert "tulis alasan penggantiannya" in refused.content.decode()
    assert changed.status_code == 302
    old, new = Target.objects.order_by("pk")
    assert old.pk == first.pk and float(old.value) == 9.5 and old.created_by_name == "ana"
    assert new.supersedes_id == old.pk and new.created_by_name == "budi"
    assert new.reason == "Disesuaikan dengan RPJMD"
    assert list(Target.objects.current()) == [new]
    page = signed_in(ana).get(f"/capaian/{REGENCY}/").content.decode()
    assert f"Digantikan oleh versi #{new.pk}" in page and "Disesuaikan dengan RPJMD" in page
    writes = AuditEntry.objects.filter(action="write", what="progress_target")
    assert [(w.username, w.filters.get("menggantikan")) for w in writes.order_by("pk")] == [
        ("ana", None), ("budi", str(old.pk))
    ]  # fmt: skip
    with pytest.raises(PermissionDenied):
        old.save()
    with pytest.raises(PermissionDenied):
        Target.objects.filter(pk=old.pk).update(value=1)
    with pytest.raises(PermissionDenied):
        old.delete()


def test_replacing_a_shipped_reference_target_needs_a_reason(make_user: MakeUser) -> None:
    """Dompu's 2026 P0 target ships in targets.csv: replacing it is a change, with a reason."""
    response = _target(signed_in(_analyst(make_user)), REGENCY, year=2026, value="10")
    assert response.status_code == 400 and not Target.objects.exists()


def test_a_stale_change_is_refused_when_someone_else_changed_the_target_meanwhile(
    make_user: MakeUser,
) -> None:
    """Both opened version 1; the second to save gets 409 and writes nothing."""
    ana = _analyst(make_user)
    _target(signed_in(ana), REGENCY)
    first = Target.objects.get()
    _target(signed_in(ana), REGENCY, value="8", reason="a", menggantikan=first.pk)
    late = _target(signed_in(ana), REGENCY, value="7", reason="b", menggantikan=first.pk)
    assert late.status_code == 409
    assert "baru saja diganti orang lain" in late.content.decode()
    assert Target.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value": "120"}, "value", "Nilai target berupa persen: isi angka 0 sampai 100"),
        ({"indicator": "ats_children", "value": "12,5"}, "value",
         "Nilai target berupa jumlah: isi bilangan bulat 0 atau lebih."),
        ({"comparator": "ge"}, "comparator", "makin kecil makin baik: pilih paling tinggi (≤)"),
        ({"baseline_value": "11", "baseline_year": "2031"}, "baseline_year",
         "Tahun dasar (2031) harus sebelum tahun target (2030)."),
        ({"baseline_value": "11"}, "baseline_year", "Nilai dasar dan tahun dasar diisi bersama"),
        ({"year": "20x0"}, "year", ""),
        ({"source": ""}, "source", ""),
    ],
)  # fmt: skip
def test_a_bad_target_is_refused_naming_the_field_and_nothing_is_written(
    make_user: MakeUser, fields: dict[str, str], field: str, message: str
) -> None:
    response = _target(signed_in(_analyst(make_user)), REGENCY, **fields)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert message in " ".join(errors[field])
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Target.objects.exists()


def test_an_indonesian_decimal_comma_is_read_as_the_decimal_point(make_user: MakeUser) -> None:
    assert _target(signed_in(_analyst(make_user)), REGENCY, value="8,75").status_code == 302
    assert float(Target.objects.get().value) == 8.75


@pytest.mark.parametrize(
    ("role", "see", "edit", "area"),
    [
        ("tkpk", REGENCY, REGENCY, REGENCY),  # reads only
        ("analyst", REGENCY, "", REGENCY),  # no edit scope is nowhere
        ("analyst", REGENCY, "52.05.01", REGENCY),  # edit scope below the area
        ("opd", REGENCY, REGENCY, REGENCY),  # plans its own lines, sets no targets
    ],
)
def test_who_may_not_set_targets_gets_403_writes_nothing_and_is_audited(
    make_user: MakeUser, role: str, see: str, edit: str, area: str
) -> None:
    # given
    user = make_user("someone", role, see, opd="Dinas Sosial", edit=edit)
    client = signed_in(user)
    # when
    posted = _target(client, area)
    shown = client.get(f"/capaian/{area}/target/")
    # then
    assert posted.status_code == 403 and shown.status_code == 403
    assert "tidak berwenang menetapkan target" in posted.content.decode()
    assert not Target.objects.exists()
    denied = AuditEntry.objects.filter(action="denied", what="progress_target", area=area)
    assert denied.count() == 2 and {d.username for d in denied} == {"someone"}
    assert "Tetapkan target" not in client.get(f"/capaian/{area}/").content.decode()


# --- actuals -------------------------------------------------------------------------------


def test_rates_of_different_line_bases_are_never_put_in_one_series(
    make_user: MakeUser, site_home: Path, tmp_path: Path, settings: Any
) -> None:
    """A survey on the USD 2.15 line sets aside the published 2021 rate on the USD 1.90 line."""
    # given: the site's diagnosis and a stats run of Dompu for March 2026
    home = DataHome.resolve(tmp_path / "home")
    home.root.mkdir(parents=True)
    (home.root / "diagnostics").symlink_to(site_home / "diagnostics")
    history = pl.DataFrame(
        {
            "level": ["kabupaten"] * 3,
            "indicator": ["P0", "P0", "P1"],
            "basis": ["BPS_GK", "USD_2.15_PPP2017", "BPS_GK"],
            "value": [10.4, 1.8, 1.5],
            "ci_low": [8.0, 0.9, 1.0],
            "ci_high": [12.8, 2.7, 2.0],
            "lines": ["gk_52.05_2024-03_total", "ext_usd215_00_2024-09_bps", "x"],
            "period": ["2026-03"] * 3,
        }
    )
    run = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    manifest = {"regency": REGENCY, "survey": {"source": "susenas", "period": "2026-03"}}
    write_run(home, "stats", run, {"history": history, "estimates": history}, manifest)
    settings.HOME = home.root
    # when
    rows = _scorecard(make_user("prov", "province", "52"))
    # then
    extreme = rows["extreme_percent"]
    assert extreme["basis"] == "USD_2.15_PPP2017"
    assert extreme["actual"]["value"] == 1.8 and extreme["actual"]["origin"] == "survei"
    assert (extreme["actual"]["low"], extreme["actual"]["high"]) == (0.9, 2.7)
    assert [(a["basis"], a["period"]) for a in extreme["left_out"]] == [
        ("USD_1.90_PPP2011", "2021-03")
    ]
    # the shipped target's baseline (2.97% in 2021) is that USD 1.90 figure: no path from it
    assert extreme["baseline_set_aside"]["value"] == 2.97
    assert extreme["baseline_value"] is None and extreme["path"] is None
    p0 = rows["p0_percent"]
    assert p0["basis"] == "BPS_GK" and p0["left_out"] == []
    assert p0["actual"]["value"] == 10.4 and p0["actual"]["period"] == "2026-03"
    page = signed_in(make_user("ana", "analyst", REGENCY)).get(f"/capaian/{REGENCY}/")
    figure = json.loads(_json_block(page.content.decode(), "grafik-extreme_percent"))
    drawn = [y for trace in figure["data"] for y in trace["y"]]
    assert 1.8 in drawn and 2.97 not in drawn  # the USD 1.90 figure is named, not drawn
    assert (
        "Basis garis kemiskinan: USD 2,15 PPP 2017 per hari. Angka dengan basis lain tidak "
        "digambar: USD 1,90 PPP 2011 per hari (Maret 2021)." in page.content.decode()
    )


def _json_block(page: str, block: str) -> str:
    start = page.index(f'<script id="{block}" type="application/json">') + len(
        f'<script id="{block}" type="application/json">'
    )
    return page[start : page.index("</script>", start)]


def test_scorecard_page_shows_every_indicator_with_its_chart_and_no_inline_code(
    make_user: MakeUser,
) -> None:
    response = signed_in(make_user("tkpk1", "tkpk", REGENCY)).get(f"/capaian/{REGENCY}/")
    page = response.content.decode()
    assert response.status_code == 200
    for name in ("Persentase penduduk miskin (P0)", "Anak tidak sekolah (ATS)",
                 "Keluarga di rumah tidak layak huni (RTLH)"):  # fmt: skip
        assert name in page
    assert 'data-figure="grafik-p0_percent"' in page and "sinergi/charts.js" in page
    assert "style=" not in page and "<script>" not in page
    # Reference targets' sources and notes in Bahasa Indonesia; provenance and grades stay
    # in targets.csv's internal_note, and an example target says it is not official.
    for internal in ("sekilasindonews", "DOMAIN.md", "seed 004", "example target", "[S]",
                     "restated", "[example]"):  # fmt: skip
        assert internal not in page, internal
    assert "target nasional yang disampaikan ulang pada rakor TKPK Dompu" in page
    assert "contoh sintetis (bukan target resmi)" in page


def test_progress_start_goes_to_the_users_own_area(make_user: MakeUser) -> None:
    response = signed_in(make_user("kec", "tkpk", "52.05.01")).get("/capaian/")
    assert response.status_code == 302 and response["Location"] == "/capaian/52.05.01/"


# --- coverage against need ---------------------------------------------------------------


@pytest.mark.parametrize("area", [REGENCY, "52.05.01"])
def test_coverage_rows_add_up_to_the_diagnosis_aggregates(
    make_user: MakeUser, site_home: Path, area: str
) -> None:
    """Every program's rows sum to the area's diagnosis row; listed = families on the list."""
    # given
    families, listed = _diagnosis(site_home)
    inside = families.filter(registry.within(area))
    # when
    response = api_client(make_user("tk", "tkpk", REGENCY)).get(f"/api/capaian/{area}/cakupan")
    # then
    assert response.status_code == 200
    body = response.json()
    expected = registry.area(area)
    assert [r["area_code"] for r in body["rows"]] == sorted(
        registry.children(area)["area_code"].to_list()
    )
    for program in listed:
        cells = [_cell(r, program) for r in body["rows"]]
        total = _cell(body["total"], program)
        for measure in ("eligible", "served", "exclusion", "inclusion"):
            assert sum(c[measure] for c in cells) == expected[f"{measure}_{program}"]
            assert total[measure] == expected[f"{measure}_{program}"]
        receiving = inside[f"receives_{program}"].fill_null(False).sum()
        assert total["listed"] == receiving == sum(c["listed"] for c in cells)
        assert total["coverage"] == pytest.approx(expected[f"coverage_{program}"])
    unlisted = [p["program"] for p in body["programs"] if not p["listed"]]
    for program in unlisted:
        total = _cell(body["total"], program)
        assert total["eligible"] == inside[f"eligible_{program}"].fill_null(False).sum()
        assert total["listed"] is None and total["coverage"] is None


def _cell(place: dict[str, Any], program: str) -> dict[str, Any]:
    return next(c for c in place["programs"] if c["program"] == program)


def test_complementarity_counts_add_up_to_the_eligible_and_extreme_families(
    make_user: MakeUser, site_home: Path
) -> None:
    """0, 1, 2 and 3+ programs cover each group once; none for the extreme poor is the
    scorecard's count of extreme-poor families receiving no program."""
    # given
    families, listed = _diagnosis(site_home)
    inside = families.filter(registry.within(REGENCY))
    eligible = inside.filter(
        pl.any_horizontal(pl.col(f"eligible_{p}").fill_null(False) for p in listed)
    )
    extreme = inside.filter(pl.col("extreme_poor").fill_null(False))
    received = pl.sum_horizontal(pl.col(f"receives_{p}").fill_null(False).cast(int) for p in listed)
    user = make_user("tk", "tkpk", REGENCY)
    # when
    groups = {g["group"]: g for g in api_client(user).get(f"/api/capaian/{REGENCY}/cakupan").json()[
        "complementarity"
    ]}  # fmt: skip
    # then
    for code, frame in (("layak", eligible), ("ekstrem", extreme)):
        group = groups[code]
        assert group["families"] == frame.height > 0
        assert sum(group["received"].values()) == frame.height
        counts = frame.select(received.clip(upper_bound=3).alias("n"))["n"].value_counts()
        by_n = dict(zip(counts["n"], counts["count"], strict=True))
        assert group["received"] == {k: by_n.get(n, 0) for n, k in enumerate(("0", "1", "2", "3+"))}
        assert all(c["received"] == len(c["programs"]) for c in group["combinations"])
    unserved = _scorecard(user)["unserved_extreme_families"]["actual"]["value"]
    assert unserved == groups["ekstrem"]["received"]["0"]


def test_coverage_xlsx_hides_small_counts_and_is_audited(make_user: MakeUser) -> None:
    # given
    user = make_user("tk", "tkpk", REGENCY)
    # when
    response = signed_in(user).get("/capaian/52.05.01/cakupan/xlsx/")
    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cakupan_program_52.05.01.xlsx"'
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == [
        "Cakupan program", "Layak tanpa daftar", "Jumlah program diterima", "Kombinasi program"
    ]  # fmt: skip
    rows = book.get_sheet_by_name("Cakupan program").to_python()
    header = rows[1]
    assert header[:4] == ["Kode wilayah", "Wilayah", "Program", "Terdaftar penerima (keluarga)"]
    counts = [i for i, label in enumerate(header) if i >= 3 and label != "Cakupan"]
    cells = [row[i] for row in rows[2:] for i in counts]
    assert "<5" in cells
    assert not [v for v in cells if isinstance(v, float) and 1 <= v <= 4]
    codes = [row[0] for row in rows[2:]]
    assert codes[0] == "52.05.01"  # the area's own total first, then its desa
    assert set(codes[1:]) - {"52.05.01"} == set(registry.children("52.05.01")["area_code"])
    audit = AuditEntry.objects.get(action="export", what="progress_coverage")
    assert audit.area == "52.05.01" and audit.username == "tk"


def test_coverage_page_of_a_desa_shows_the_desa_and_its_complementarity(
    make_user: MakeUser, desas: list[str]
) -> None:
    response = signed_in(make_user("ops", "village", desas[0], edit=desas[0])).get(
        f"/capaian/{desas[0]}/cakupan/?program=pkh"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Program Keluarga Harapan (PKH)" in page and "Keluarga miskin ekstrem" in page
    assert "style=" not in page


# --- scope ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/capaian/52.05/", "/capaian/52.05/cakupan/", "/capaian/52.05/cakupan/xlsx/",
     "/capaian/52.05.01/"],
)  # fmt: skip
def test_a_user_of_another_regency_gets_403(make_user: MakeUser, path: str) -> None:
    client = signed_in(make_user("lobar", "analyst", "52.01", edit="52.01"))
    assert client.get(path).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()


@pytest.mark.parametrize("route", ["kartu-skor", "cakupan"])
def test_the_api_answers_403_outside_the_see_scope_and_404_for_a_bad_code(
    make_user: MakeUser, route: str
) -> None:
    api = api_client(make_user("lobar", "analyst", "52.01"))
    refused = api.get(f"/api/capaian/{REGENCY}/{route}")
    assert (
        refused.status_code == 403
        and refused.json()["detail"] == "Wilayah ini di luar wilayah Anda."
    )
    assert api.get(f"/api/capaian/99.99/{route}").status_code == 404
    assert api.get(f"/api/capaian/bukan-kode/{route}").status_code == 404


def test_pages_follow_the_english_switch(make_user: MakeUser) -> None:
    client = signed_in(_analyst(make_user))
    client.post("/i18n/setlang/", {"language": "en"})
    scorecard = client.get(f"/capaian/{REGENCY}/").content.decode()
    coverage = client.get(f"/capaian/{REGENCY}/cakupan/").content.decode()
    assert "Progress scorecard" in scorecard and "Poverty rate (P0)" in scorecard
    assert "Kartu skor capaian" not in scorecard
    assert "Program coverage against need" in coverage and "Extreme-poor families" in coverage


@pytest.mark.parametrize("version", ["9" * 30, "0", "-1", "abc"])
def test_an_odd_version_number_in_the_form_is_no_server_error(
    make_user: MakeUser, version: str
) -> None:
    response = _target(signed_in(_analyst(make_user)), REGENCY, menggantikan=version)
    assert response.status_code == 302 and Target.objects.count() == 1


def test_a_province_viewer_sees_coverage_by_regency_summed_from_the_diagnosis(
    make_user: MakeUser,
) -> None:
    """The diagnosis has no province row: the total is the sum of its regencies."""
    body = api_client(make_user("prov", "province", "52")).get("/api/capaian/52/cakupan").json()
    regency = registry.area(REGENCY)
    assert [r["area_code"] for r in body["rows"]] == [REGENCY]
    assert body["rows_level"] == "kabupaten/kota"
    for program in ("pkh", "sembako"):
        total = _cell(body["total"], program)
        assert total["eligible"] == regency[f"eligible_{program}"]
        assert total["served"] == regency[f"served_{program}"]
