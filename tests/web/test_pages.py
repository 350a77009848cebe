"""The pages as a signed-in user sees them, and the site's security headers."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User
from django.test import Client

from sinergi.web import registry

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
