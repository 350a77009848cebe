"""The REST API: tokens, and the same scoping, masking and audit as the pages, adversarially."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from site_clients import api_client

from sinergi.web import registry
from sinergi.web.accounts.models import ApiToken
from sinergi.web.audit.models import AuditEntry

MakeUser = Callable[..., User]


def _family_in(desa: str) -> str:
    rows = registry.follow_up().collect()
    return str(rows.filter(rows["area_code"] == desa)["hid"][0])


def test_the_token_page_shows_a_new_token_once_and_keeps_only_its_hash(
    make_user: MakeUser,
) -> None:
    user = make_user("ana", "analyst", "52.05")
    page = Client()
    page.force_login(user)
    created = page.post("/akun/token-api/", {"name": "skrip bulanan", "days": "30"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    key = created.context["new_key"]
    assert key.startswith("sng_") and len(key) > 40 and key in created.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:12] and token.expires is not None
    stored = [str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields]
    assert not any(key in value for value in stored)
    again = page.get("/akun/token-api/").content.decode()
    assert key not in again and token.prefix in again

    api = Client(headers={"authorization": f"Bearer {key}"})
    me = api.get("/api/saya")
    assert me.status_code == 200 and me.json()["username"] == "ana"
    assert me.json()["assignments"][0]["see_scope"] == "52.05"
    token.refresh_from_db()
    assert token.last_used is not None

    intruder = Client()
    intruder.force_login(make_user("ops", "village", "52.05.01.2001"))
    assert intruder.post(f"/akun/token-api/{token.pk}/cabut/").status_code == 404
    assert api.get("/api/saya").status_code == 200
    assert page.post(f"/akun/token-api/{token.pk}/cabut/").status_code == 302
    assert api.get("/api/saya").status_code == 401


def test_missing_wrong_revoked_or_expired_tokens_are_refused(make_user: MakeUser) -> None:
    user = make_user("ana", "analyst", "52.05")
    revoked, revoked_key = ApiToken.issue(user, "lama")
    revoked.revoked = timezone.now()
    revoked.save()
    _expired, expired_key = ApiToken.issue(user, "habis", timezone.now() - timedelta(seconds=1))
    _token, good_key = ApiToken.issue(user, "baik")
    for header in (
        None,
        "Bearer",
        "Bearer tidak-ada",
        f"Bearer {good_key[:-1]}",
        f"Bearer {revoked_key}",
        f"Bearer {expired_key}",
        f"Token {good_key}",
        f"Basic {good_key}",
    ):
        response = Client(headers={"authorization": header} if header else {}).get("/api/saya")
        assert response.status_code == 401, header
        assert isinstance(response.json()["detail"], str)
        assert response["WWW-Authenticate"].startswith("Bearer")
    session = Client()  # a signed-in browser without a token: the API takes tokens only
    session.force_login(user)
    assert session.get("/api/saya").status_code == 401
    user.is_active = False
    user.save()
    assert (
        Client(headers={"authorization": f"Bearer {good_key}"}).get("/api/saya").status_code == 401
    )


def test_village_operator_reads_own_desa_through_the_api_and_is_audited(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    api = api_client(make_user("ops", "village", desa))
    listed = api.get(f"/api/wilayah/{desa}/tindak-lanjut")
    assert listed.status_code == 200
    rows = listed.json()["rows"]
    assert rows and {r["area_code"] for r in rows} == {desa}
    assert any(r["nik"] and r["nik"].isdigit() for r in rows)  # village operators see NIK
    entry = AuditEntry.objects.get(username="ops", what="api_desa_list")
    assert (entry.action, entry.area, entry.rows) == ("read", desa, len(rows))
    hid = rows[0]["hid"]
    family = api.get(f"/api/keluarga/{hid}").json()
    assert family["area_code"] == desa and family["members"] and family["reasons"]
    assert AuditEntry.objects.get(username="ops", what="api_family").filters == {"hid": hid}


def test_village_operator_cannot_read_another_village_through_any_api_call(
    make_user: MakeUser, desas: list[str]
) -> None:
    mine, other = desas[0], desas[1]
    api = api_client(make_user("ops", "village", mine))
    foreign_family = _family_in(other)
    kecamatan, regency = mine[:8], mine[:5]
    refused = {
        f"/api/wilayah/{other}/tindak-lanjut": 403,
        f"/api/wilayah/{other}/tindak-lanjut?jenis=exclusion&program=pkh": 403,
        f"/api/wilayah/{kecamatan}/tindak-lanjut?program=pkh": 403,  # my desa's kecamatan
        f"/api/wilayah/{regency}/tindak-lanjut?jenis=ats": 403,  # the whole regency
        f"/api/wilayah/{regency}/tindak-lanjut?offset=0&limit=2000&program=pip": 403,
        f"/api/keluarga/{foreign_family}": 404,  # as an unknown family, yet audited
        f"/api/wilayah/{other}": 403,
        f"/api/wilayah/{regency}/anak": 403,
        f"/api/wilayah/{kecamatan}/kantong": 403,
        # Malformed codes are refused before anything is looked up or read.
        "/api/wilayah/52.0/tindak-lanjut": 422,
        f"/api/wilayah/{regency}./tindak-lanjut?program=pkh": 422,
        f"/api/wilayah/{other}../tindak-lanjut": 422,
        f"/api/wilayah/{other.replace('.', '')}/tindak-lanjut": 422,
        f"/api/wilayah/{mine}%2F..%2F{other}/tindak-lanjut": 404,
        f"/api/wilayah/{mine}/tindak-lanjut?area_code={other}": 200,  # ignored: still mine
        f"/api/keluarga/{foreign_family}%00": 422,
        "/api/keluarga/' OR 1=1": 422,
    }
    for url, status in refused.items():
        response = api.get(url)
        assert response.status_code == status, url
        assert foreign_family not in response.content.decode(), url
        if response["Content-Type"].startswith("application/json"):
            body = response.json()
            assert {r["area_code"] for r in body.get("rows", [])} <= {mine}, url
            assert isinstance(body.get("detail", ""), str), url
    denied = AuditEntry.objects.filter(username="ops", action="denied")
    assert denied.count() == 6  # every person-level read refused above is on record
    assert {e.what for e in denied} == {"api_desa_list", "api_family"}
    reads = AuditEntry.objects.filter(username="ops", action="read")
    assert [(e.area, e.what) for e in reads] == [(mine, "api_desa_list")]


def test_identifiers_are_masked_by_role_over_the_api(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    masked = api_client(make_user("tkpk", "tkpk", "52.05")).get(
        f"/api/wilayah/{desa}/tindak-lanjut"
    )
    clear = api_client(make_user("ana", "analyst", "52.05")).get(
        f"/api/wilayah/{desa}/tindak-lanjut"
    )
    shown = [r["nik"] for r in clear.json()["rows"] if r["nik"]]
    hidden = [r["nik"] for r in masked.json()["rows"] if r["nik"]]
    assert shown and all(len(n) == 16 and n.isdigit() for n in shown)
    assert hidden and all("*" in n for n in hidden)
    assert not set(shown) & set(hidden) and shown[0] not in masked.content.decode()
    hid = masked.json()["rows"][0]["hid"]
    members = api_client(User.objects.get(username="tkpk")).get(f"/api/keluarga/{hid}").json()
    assert all("*" in m["nik"] for m in members["members"] if m["nik"])
    entries = AuditEntry.objects.filter(what="api_desa_list", action="read")
    assert {(e.username, e.identifiers_shown) for e in entries} == {("tkpk", False), ("ana", True)}


def test_regency_analyst_cannot_read_another_regency(make_user: MakeUser, desas: list[str]) -> None:
    api = api_client(make_user("bima", "analyst", "52.06"))  # Kabupaten Bima, next door to Dompu
    for url in (
        "/api/wilayah/52.05",
        "/api/wilayah/52.05/anak",
        "/api/wilayah/52.05/kantong",
        "/api/wilayah/52.05/tindak-lanjut?program=pkh",
        f"/api/wilayah/{desas[0]}/tindak-lanjut",
    ):
        assert api.get(url).status_code == 403, url
    foreign = api.get(f"/api/keluarga/{_family_in(desas[0])}")
    unknown = api.get("/api/keluarga/HTIDAKADA00000")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()  # nothing tells that the family exists
    assert AuditEntry.objects.filter(username="bima", action="denied").count() == 3
    assert not AuditEntry.objects.filter(username="bima", action="read").exists()


def test_lists_above_a_desa_need_a_search_and_page_through_the_area(
    make_user: MakeUser, desas: list[str]
) -> None:
    api = api_client(make_user("ana", "analyst", "52.05"))
    assert api.get("/api/wilayah/52.05/tindak-lanjut").status_code == 403  # search first
    # A category filter alone is no search: it would page through the whole regency.
    assert api.get("/api/wilayah/52.05/tindak-lanjut?program=pkh&limit=2000").status_code == 403
    desa = f"/api/wilayah/{desas[0]}/tindak-lanjut"
    whole = api.get(f"{desa}?limit=20").json()["rows"]
    assert len(whole) == 20 and {r["area_code"] for r in whole} == {desas[0]}
    first = api.get(f"{desa}?limit=10").json()["rows"]
    second = api.get(f"{desa}?limit=10&offset=10")
    assert first + second.json()["rows"] == whole
    assert api.get(f"{desa}?program=pkh&limit=0").status_code == 422
    assert api.get(f"{desa}?program=PKH;--").status_code == 422
    assert api.get(f"{desa}?cari=%3Cscript%3E").status_code == 422
    assert AuditEntry.objects.filter(username="ana", action="read").count() == 3
    assert AuditEntry.objects.filter(username="ana", action="denied").count() == 2


def test_aggregates_need_only_a_see_scope(make_user: MakeUser, desas: list[str]) -> None:
    api = api_client(make_user("prov", "province", "52"))
    area = api.get("/api/wilayah/52.05").json()
    assert area["area_code"] == "52.05" and area["families"] > 0
    assert {p["program"] for p in area["programs"]} >= {"pkh", "pbi"}
    children = api.get("/api/wilayah/52.05/anak").json()
    assert children and all(c["parent_code"] == "52.05" for c in children)
    pockets = api.get("/api/wilayah/52.05/kantong").json()
    assert pockets and all(p["area_code"].startswith("52.05.") for p in pockets)
    assert api.get(f"/api/wilayah/{desas[0]}/tindak-lanjut").status_code == 403
    assert api.get("/api/wilayah/52.05.99.9999").status_code == 404
    me = api.get("/api/saya").json()
    assert me["home_areas"] == ["52"] and me["assignments"][0]["role"] == "province"


def test_nan_in_the_lake_comes_out_as_null(
    make_user: MakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = {**registry.area("52.05"), "coverage_pkh": float("nan"), "extreme_poor_share": None}
    monkeypatch.setattr(registry, "area", lambda code: row)
    pockets = registry.pockets("52.05").with_columns(composite=pl.lit(float("nan")))
    monkeypatch.setattr(registry, "pockets", lambda code: pockets)
    api = api_client(make_user("ana", "analyst", "52.05"))
    area = api.get("/api/wilayah/52.05")
    assert area.status_code == 200 and b"NaN" not in area.content
    assert {p["program"]: p["coverage"] for p in area.json()["programs"]}["pkh"] is None
    listed = api.get("/api/wilayah/52.05/kantong")
    assert listed.status_code == 200 and all(p["composite"] is None for p in listed.json())


def test_no_diagnosis_yet_is_a_404(make_user: MakeUser, settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path
    api = api_client(make_user("ana", "analyst", "52.05"))
    for url in ("/api/wilayah/52.05", "/api/wilayah/52.05/tindak-lanjut?program=pkh"):
        response = api.get(url)
        assert response.status_code == 404 and "diagnose" in response.json()["detail"]


def test_the_schema_is_published_and_any_docs_page_loads_nothing_from_elsewhere(
    db: None, settings: Any
) -> None:
    schema = Client().get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/wilayah/{code}/tindak-lanjut" in paths and "/api/keluarga/{hid}" in paths
    docs = Client().get("/api/docs")
    if "ninja" in settings.INSTALLED_APPS:
        assert docs.status_code == 200 and "/static/ninja/swagger-ui-bundle.js" in docs.text
        assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    else:  # ninja would load Swagger UI from a CDN, which the CSP forbids: no page then
        assert docs.status_code == 404


def test_unknown_api_paths_answer_json(make_user: MakeUser) -> None:
    api = api_client(make_user("ana", "analyst", "52.05"))
    for url in ("/api/tidak-ada", "/api/wilayah/52.05/tidak-ada", "/api/"):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.json() == {"detail": "Tidak ditemukan."}, url
    page = Client().get("/tidak-ada/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
