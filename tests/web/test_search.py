"""Search first: above the desa a person list needs a name or a whole NIK/KK, scoped and audited."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import polars as pl
import pytest
from django.contrib.auth.models import User
from site_clients import api_client, signed_in

from sinergi.web import registry
from sinergi.web.audit.models import AuditEntry
from sinergi.web.pages import views

MakeUser = Callable[..., User]


def _heads() -> pl.DataFrame:
    return registry.follow_up().collect().drop_nulls(["head_name", "nik"])


def _audit_text() -> str:
    return json.dumps([list(e) for e in AuditEntry.objects.values_list()], default=str)


def test_a_category_filter_alone_above_a_desa_is_refused_and_audited(
    make_user: MakeUser, desas: list[str]
) -> None:
    analyst = make_user("ana", "analyst", "52.05")
    page, api = signed_in(analyst), api_client(analyst)
    kecamatan = desas[0][:8]
    for url in (
        "/wilayah/52.05/tindak-lanjut/?jenis=exclusion",
        f"/wilayah/{kecamatan}/tindak-lanjut/?program=pkh",
        "/wilayah/52.05/tindak-lanjut/xlsx/?jenis=exclusion",
        f"/wilayah/{kecamatan}/tindak-lanjut/xlsx/?jenis=exclusion&program=pkh",
    ):
        response = page.get(url)
        assert response.status_code == 403, url
        assert "cari" in response.content.decode().lower()
    refused = api.get("/api/wilayah/52.05/tindak-lanjut?jenis=exclusion&limit=2000")
    assert refused.status_code == 403 and "cari" in refused.json()["detail"].lower()
    denied = AuditEntry.objects.filter(username="ana", action="denied")
    assert denied.count() == 5
    assert {e.what for e in denied} == {"desa_list", "api_desa_list"}
    assert not AuditEntry.objects.filter(username="ana", action__in=("read", "export")).exists()
    # A single desa stays a list of its own, as before, and its export too.
    assert page.get(f"/wilayah/{desas[0]}/tindak-lanjut/?jenis=exclusion").status_code == 200
    assert page.get(f"/wilayah/{desas[0]}/tindak-lanjut/xlsx/?jenis=exclusion").status_code == 200


def test_a_name_search_finds_families_within_the_scope_only(
    make_user: MakeUser, desas: list[str]
) -> None:
    heads = _heads()
    kecamatan = desas[0][:8]
    # A name word that heads both inside and outside the kecamatan carry.
    words = heads.with_columns(
        pl.col("head_name").str.to_lowercase().str.split(" ").alias("word"),
        (pl.col("area_code").str.slice(0, 8) == kecamatan).alias("inside"),
    ).explode("word")
    both = (
        words.filter(pl.col("word").str.len_chars() >= 4)
        .group_by("word")
        .agg(pl.col("inside").any().alias("in"), (~pl.col("inside")).any().alias("out"))
        .filter(pl.col("in") & pl.col("out"))
        .sort("word")
    )
    assert both.height, "the test needs a name shared across kecamatan"
    word = both["word"][0]
    client = signed_in(make_user("ana", "analyst", "52.05"))
    response = client.post(f"/wilayah/{kecamatan}/tindak-lanjut/", {"cari": word.upper()})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows and all(r["area_code"].startswith(kecamatan + ".") for r in rows)
    assert all(word in r["head_name"].lower() for r in rows)
    expected = heads.filter(
        pl.col("area_code").str.starts_with(kecamatan + ".")
        & pl.col("head_name").str.to_lowercase().str.contains(word, literal=True)
    )
    assert response.context["total"] >= expected.height > 0
    entry = AuditEntry.objects.get(username="ana", action="read", what="desa_list")
    assert entry.filters == {"cari": word.upper()} and entry.area == kecamatan
    assert entry.rows == len(rows)
    # The same search from the API, the same rows; and another regency's analyst gets nothing.
    api = api_client(User.objects.get(username="ana")).get(
        f"/api/wilayah/{kecamatan}/tindak-lanjut?cari={word}&limit=2000"
    )
    assert api.status_code == 200
    assert [r["hid"] for r in api.json()["rows"]][: len(rows)] == [r["hid"] for r in rows]
    bima = signed_in(make_user("bima", "analyst", "52.06"))
    assert bima.post(f"/wilayah/{kecamatan}/tindak-lanjut/", {"cari": word}).status_code == 403


def test_a_short_search_is_refused(make_user: MakeUser) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05"))
    for term in ("a", "ab", "5205", "52050"):  # a NIK prefix every NIK here shares
        response = client.post("/wilayah/52.05/tindak-lanjut/", {"cari": term})
        assert response.status_code == 403, term
        assert response.context["refused"]
    assert AuditEntry.objects.filter(action="denied").count() == 4


def test_a_nik_search_finds_the_family_and_no_whole_nik_is_audited_or_logged(
    make_user: MakeUser, caplog: pytest.LogCaptureFixture
) -> None:
    head = _heads().filter(pl.col("nik").str.len_chars() == 16).row(0, named=True)
    nik = head["nik"]
    tkpk = make_user("tkpk", "tkpk", "52.05")  # may see people, NIK/KK masked
    caplog.set_level(logging.DEBUG)
    response = signed_in(tkpk).post("/wilayah/52.05/tindak-lanjut/", {"cari": nik})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert head["hid"] in {r["hid"] for r in rows}
    assert all(r["nik"] == nik[:4] + "*" * 8 + nik[-4:] for r in rows if r["hid"] == head["hid"])
    page = response.content.decode()
    assert page.count(nik) == 1  # only in the search box the user typed it into
    api = api_client(tkpk).get(f"/api/wilayah/52.05/tindak-lanjut?cari={nik}")
    assert api.status_code == 200 and head["hid"] in {r["hid"] for r in api.json()["rows"]}
    entries = AuditEntry.objects.filter(username="tkpk", action="read")
    assert entries.count() == 2
    assert {e.filters["cari"] for e in entries} == {nik[:4] + "********" + nik[-4:]}
    assert nik not in _audit_text()
    assert nik not in caplog.text


def test_a_village_operators_search_never_returns_another_desas_people(
    make_user: MakeUser, desas: list[str]
) -> None:
    mine, other = desas[0], desas[1]
    heads = _heads()
    foreign = heads.filter(pl.col("area_code") == other).row(0, named=True)
    operator = make_user("ops", "village", mine)
    client, api = signed_in(operator), api_client(operator)
    for term in (foreign["head_name"], foreign["nik"]):
        response = client.post(f"/wilayah/{mine}/tindak-lanjut/", {"cari": term})
        assert response.status_code == 200
        assert all(r["area_code"] == mine for r in response.context["rows"])
        assert foreign["hid"] not in response.content.decode()
        for area in (other, mine[:8], "52.05"):
            assert client.post(f"/wilayah/{area}/tindak-lanjut/", {"cari": term}).status_code == 403
            assert api.get(f"/api/wilayah/{area}/tindak-lanjut?cari={term}").status_code == 403
        rows = api.get(f"/api/wilayah/{mine}/tindak-lanjut?cari={term}").json()["rows"]
        assert all(r["area_code"] == mine for r in rows)
    assert not AuditEntry.objects.filter(username="ops", action="read").exclude(area=mine).exists()


def test_a_search_pages_with_the_search_kept_out_of_the_url(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    words = _heads()["head_name"].str.to_lowercase().str.split(" ").explode()
    word = words.filter(words.str.len_chars() >= 4).value_counts(sort=True)[0, 0]
    client = signed_in(make_user("ana", "analyst", "52.05"))
    first = client.post("/wilayah/52.05/tindak-lanjut/", {"cari": word})
    assert first.status_code == 200 and first.context["next"] == 2
    page = first.content.decode()
    assert "cari=" not in page  # pager and export carry it in forms, never in a link
    second = client.post("/wilayah/52.05/tindak-lanjut/", {"cari": word, "halaman": "2"})
    assert second.status_code == 200 and second.context["rows"]
    assert {r["hid"] for r in second.context["rows"]} != {r["hid"] for r in first.context["rows"]}
