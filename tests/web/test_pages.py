"""The pages as a signed-in user sees them, and the site's security headers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from site_clients import signed_in

from sinergi.web import registry
from sinergi.web.pages import views

MakeUser = Callable[..., User]


def test_sign_in_lands_on_the_users_own_area(make_user: MakeUser) -> None:
    make_user("ana", "analyst", "52.05")
    client = Client()
    response = client.post("/masuk/", {"username": "ana", "password": "pw-ana"}, follow=True)
    assert response.redirect_chain[-1][0] == "/wilayah/52.05/"
    page = response.content.decode()
    assert "KABUPATEN DOMPU" in page and "keluarga miskin ekstrem" in page
    area = registry.area("52.05")
    assert area is not None
    assert f"{area['families']:,}".replace(",", ".") in page  # 1.234 the Indonesian way


def test_a_wrong_password_is_refused_in_indonesian(make_user: MakeUser) -> None:
    make_user("ana", "analyst", "52.05")
    response = Client().post("/masuk/", {"username": "ana", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_drill_down_from_regency_to_desa(make_user: MakeUser, desas: list[str]) -> None:
    client = Client()
    client.force_login(make_user("ana", "analyst", "52.05"))
    desa = desas[0]
    regency = client.get("/wilayah/52.05/").content.decode()
    assert f'href="/wilayah/{desa[:8]}/"' in regency  # its kecamatan is listed
    district = client.get(f"/wilayah/{desa[:8]}/").content.decode()
    assert f'href="/wilayah/{desa}/"' in district
    village = client.get(f"/wilayah/{desa}/").content.decode()
    assert f'href="/wilayah/{desa}/tindak-lanjut/"' in village


def test_family_detail_lists_members_and_programs(make_user: MakeUser, desas: list[str]) -> None:
    client = Client()
    client.force_login(make_user("ana", "analyst", "52.05"))
    rows = registry.follow_up().collect()
    hid = str(rows.filter(rows["area_code"] == desas[0])["hid"][0])
    response = client.get(f"/keluarga/{hid}/")
    assert response.status_code == 200
    members = registry.members(hid).collect()
    page = response.content.decode()
    assert all(name in page for name in members["name"].drop_nulls())
    assert response.context["statuses"]


def test_every_page_carries_a_strict_content_security_policy(make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user("ana", "analyst", "52.05"))
    response = client.get("/wilayah/52.05/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert 'style="' not in response.content.decode()  # nothing the policy would block


def test_repeated_failed_sign_ins_lock_the_account_out(make_user: MakeUser) -> None:
    make_user("ana", "analyst", "52.05")
    client = Client()
    for _ in range(10):
        client.post("/masuk/", {"username": "ana", "password": "salah"})
    response = client.post("/masuk/", {"username": "ana", "password": "pw-ana"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_desa_list_pages_through_every_row_in_name_order(
    make_user: MakeUser, desas: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "PAGE_SIZE", 7)  # a desa of the small regency, several pages
    client = signed_in(make_user("ana", "analyst", "52.05"))
    desa = desas[0]
    expected = registry.follow_up("exclusion", area=desa).collect()
    assert expected.height > views.PAGE_SIZE, "the test needs more than one page"
    seen, page = [], 1
    while True:
        response = client.get(f"/wilayah/{desa}/tindak-lanjut/?jenis=exclusion&halaman={page}")
        assert response.status_code == 200
        rows = response.context["rows"]
        assert 0 < len(rows) <= views.PAGE_SIZE and response.context["total"] == expected.height
        seen += [(r["hid"], r["program"], r["reason"]) for r in rows]
        if not response.context["next"]:
            break
        page += 1
    assert seen == list(expected.select("hid", "program", "reason").iter_rows())
    names = [n for n in expected["head_name"].to_list() if n is not None]
    assert names == sorted(names)


def test_a_page_number_that_is_not_one_gives_the_first_page(
    make_user: MakeUser, desas: list[str]
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05"))
    first = client.get(f"/wilayah/{desas[0]}/tindak-lanjut/").context["rows"]
    for asked in ("0", "-1", "dua", "1e9", "99999999999"):
        response = client.get(f"/wilayah/{desas[0]}/tindak-lanjut/?halaman={asked}")
        assert response.status_code == 200 and response.context["rows"] == first


def test_a_province_viewer_lands_on_the_diagnosed_regency_of_the_province(
    make_user: MakeUser,
) -> None:
    client = signed_in(make_user("prov", "province", "52"))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/wilayah/52.05/"
    assert client.get(response["Location"]).status_code == 200


def test_password_spraying_from_one_address_is_locked_out(make_user: MakeUser) -> None:
    make_user("ana", "analyst", "52.05")
    client = Client()
    limit = settings.SINERGI_IP_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    # Many user names, a few tries each: no name reaches its own limit.
    for n in range(limit - 1):
        response = client.post("/masuk/", {"username": f"user{n % 25}", "password": "musim2026"})
        assert response.status_code == 200
    assert client.post("/masuk/", {"username": "ana", "password": "pw-ana"}).status_code == 302
    client.post("/keluar/")
    client.post("/masuk/", {"username": "user0", "password": "musim2026"})  # the limit-th
    response = client.post("/masuk/", {"username": "ana", "password": "pw-ana"})
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.content.decode()
    # Another address is not locked: the limit holds the sprayer, not the user.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/masuk/", {"username": "ana", "password": "pw-ana"}).status_code == 302
