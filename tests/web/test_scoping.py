"""Scoping, adversarially: nobody reads people outside their area, and every read is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from python_calamine import CalamineWorkbook
from site_clients import signed_in

from sinergi.web import registry, scoping
from sinergi.web.audit.models import AuditEntry

MakeUser = Callable[..., User]


def _family_in(desa: str) -> str:
    rows = registry.follow_up().collect()
    return str(rows.filter(rows["area_code"] == desa)["hid"][0])


def test_village_operator_reads_own_village_and_is_audited(
    make_user: MakeUser, desas: list[str]
) -> None:
    operator = make_user("ops", "village", desas[0])
    response = signed_in(operator).get(f"/wilayah/{desas[0]}/tindak-lanjut/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(username="ops", what="desa_list")
    assert (entry.action, entry.area) == ("read", desas[0])
    assert entry.rows > 0 and entry.rows == response.context["rows"].__len__()


def test_village_operator_cannot_reach_another_village_by_any_url(
    make_user: MakeUser, desas: list[str]
) -> None:
    mine, other = desas[0], desas[1]
    client = signed_in(make_user("ops", "village", mine))
    foreign_family = _family_in(other)
    for url in (
        f"/wilayah/{other}/tindak-lanjut/",
        f"/wilayah/{other}/tindak-lanjut/?jenis=exclusion",
        f"/wilayah/{other}/",
        f"/wilayah/{mine[:8]}/tindak-lanjut/?program=pkh",  # the kecamatan around my desa
        f"/wilayah/{mine[:5]}/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert foreign_family not in response.content.decode()
    # Another desa's family is answered as an unknown one (404), and the try is audited.
    foreign = client.get(f"/keluarga/{foreign_family}/")
    unknown = client.get("/keluarga/HTIDAKADA00000/")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign_family not in foreign.content.decode()
    denied = AuditEntry.objects.filter(username="ops", action="denied")
    assert {e.what for e in denied} == {"desa_list", "family"}
    assert not AuditEntry.objects.filter(username="ops", action="read").exists()


def test_regency_analyst_cannot_read_another_regency(make_user: MakeUser, desas: list[str]) -> None:
    analyst = make_user("bima", "analyst", "52.06")  # Kabupaten Bima, next door to Dompu
    client = signed_in(analyst)
    assert client.get(f"/wilayah/{desas[0]}/tindak-lanjut/").status_code == 403
    assert client.get(f"/keluarga/{_family_in(desas[0])}/").status_code == 404
    assert client.get("/wilayah/52.05/").status_code == 403


def test_scope_prefix_is_a_whole_code_not_a_string_prefix(
    make_user: MakeUser, desas: list[str]
) -> None:
    # "52.0" is not a wilayah; it must not cover 52.05 just because the text starts alike.
    user = make_user("odd", "analyst", "52.0")
    with pytest.raises(PermissionDenied):
        scoping.read_people(user, registry.follow_up(), what="desa_list", area=desas[0])


def test_the_scoping_function_filters_rows_itself(make_user: MakeUser, desas: list[str]) -> None:
    operator = make_user("ops", "village", desas[0])
    # A caller that forgets to filter by area still gets only the operator's village.
    rows = scoping.read_people(operator, registry.follow_up(), what="desa_list", area=desas[0])
    assert set(rows["area_code"]) == {desas[0]}


def test_lists_above_a_desa_need_a_search_first(make_user: MakeUser, desas: list[str]) -> None:
    analyst = make_user("ana", "analyst", "52.05")
    for filters in ({}, {"program": "pkh"}, {"jenis": "exclusion", "program": "pkh"}):
        with pytest.raises(scoping.SearchFirst):
            scoping.read_people(
                analyst, registry.follow_up(), what="desa_list", area="52.05", filters=filters
            )
    denied = AuditEntry.objects.filter(username="ana", action="denied", what="desa_list")
    assert denied.count() == 3  # every refusal is on record
    with pytest.raises(scoping.SearchFirst):  # two letters would match half the regency
        scoping.read_people(analyst, registry.follow_up(), what="desa_list", area="52.05",
                            search="a ")  # fmt: skip
    head = registry.follow_up(program="pkh").collect()["head_name"].drop_nulls()[0]
    rows = scoping.read_people(
        analyst, registry.follow_up(program="pkh"), what="desa_list", area="52.05",
        filters={"program": "pkh"}, search=head.upper(),
    )  # fmt: skip
    assert rows.height > 0 and set(rows["program"]) == {"pkh"}
    assert all(head.lower() in n.lower() for n in rows["head_name"])


def test_identifiers_are_masked_unless_the_role_allows(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    tkpk = make_user("tkpk", "tkpk", "52.05")
    analyst = make_user("ana", "analyst", "52.05")
    masked = scoping.read_people(tkpk, registry.follow_up(), what="desa_list", area=desa)
    clear = scoping.read_people(analyst, registry.follow_up(), what="desa_list", area=desa)
    shown = [n for n in clear["nik"].drop_nulls() if n]
    assert shown and all(len(n) == 16 and n.isdigit() for n in shown)
    hidden = [n for n in masked["nik"].drop_nulls() if n]
    assert hidden and all("*" in n and n[:4].isdigit() for n in hidden)
    page = signed_in(tkpk).get(f"/wilayah/{desa}/tindak-lanjut/").content.decode()
    assert shown[0] not in page
    entries = AuditEntry.objects.filter(what="desa_list", action="read")
    assert {(e.username, e.identifiers_shown) for e in entries} == {("tkpk", False), ("ana", True)}


def test_province_viewer_sees_aggregates_but_no_people(
    make_user: MakeUser, desas: list[str]
) -> None:
    client = signed_in(make_user("prov", "province", "52"))
    assert client.get("/wilayah/52.05/").status_code == 200
    assert client.get(f"/wilayah/{desas[0]}/").status_code == 200
    assert client.get(f"/wilayah/{desas[0]}/tindak-lanjut/").status_code == 403


def test_an_expired_assignment_gives_no_access(make_user: MakeUser, desas: list[str]) -> None:
    yesterday = date.today() - timedelta(days=1)
    user = make_user("old", "analyst", "52.05", ends=yesterday)
    client = signed_in(user)
    assert client.get("/").status_code == 403
    assert client.get(f"/wilayah/{desas[0]}/tindak-lanjut/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(db: None, desas: list[str]) -> None:
    response = Client().get(f"/wilayah/{desas[0]}/tindak-lanjut/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert not AuditEntry.objects.exists()


def test_audit_entries_cannot_be_changed_or_deleted(make_user: MakeUser, desas: list[str]) -> None:
    operator = make_user("ops", "village", desas[0])
    signed_in(operator).get(f"/wilayah/{desas[0]}/tindak-lanjut/")
    entry = AuditEntry.objects.get(username="ops")
    entry.rows = 0
    with pytest.raises(PermissionDenied):
        entry.save()
    with pytest.raises(PermissionDenied):
        entry.delete()
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().update(rows=0)
    with pytest.raises(PermissionDenied):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(username="ops").rows > 0


def test_export_is_audited_masked_by_role_and_refused_without_the_permission(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    url = f"/wilayah/{desa}/tindak-lanjut/xlsx/?program=pkh"
    opd = signed_in(make_user("dinsos", "opd", "52.05", opd="Dinas Sosial"))
    response = opd.get(url)
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    header = rows[1]
    niks = [r[header.index("NIK")] for r in rows[2:] if r[header.index("NIK")]]
    assert niks and all("*" in n for n in niks)  # an OPD officer never sees NIKs unmasked
    assert {r[header.index("Program")] for r in rows[2:]} == {"pkh"}
    entry = AuditEntry.objects.get(username="dinsos", action="export")
    assert (entry.area, entry.filters, entry.rows) == (desa, {"program": "pkh"}, len(rows) - 2)
    tkpk = signed_in(make_user("tkpk", "tkpk", "52.05"))
    assert tkpk.get(url).status_code == 403  # may read, may not export
    assert AuditEntry.objects.filter(username="tkpk", action="denied").count() == 1


def test_edit_scope_is_nowhere_when_empty_and_covers_only_below_it(make_user, desas):
    desa, other = desas[0], desas[1]
    seer = make_user("seer", "village", desa)
    editor = make_user("editor", "village", desa, edit=desa)
    assert not scoping.may_edit(seer, "verval", desa)
    assert scoping.may_edit(editor, "verval", desa)
    assert not scoping.may_edit(editor, "verval", other)
    assert not scoping.may_edit(editor, "approve_verval", desa)


def test_an_opd_officer_edits_for_their_own_opd_only_and_the_secretariat_for_every_opd(
    make_user: MakeUser,
) -> None:
    officer = make_user("dinsos", "opd", "52.05", opd="Dinas Sosial", edit="52.05")
    analyst = make_user("ana", "analyst", "52.05", edit="52.05")
    reader = make_user("ketua", "tkpk", "52.05", edit="52.05")
    unscoped = make_user("dinsos2", "opd", "52.05", opd="Dinas Sosial")

    def may(user: User, area: str, opd: str) -> bool:
        return scoping.may_edit_for_opd(user, area, opd, own="plan", every="manage_plan")

    assert may(officer, "52.05", "Dinas Sosial")
    assert not may(officer, "52.05", "Dinas Pendidikan")
    assert not may(officer, "52.04", "Dinas Sosial")  # another regency
    assert may(analyst, "52.05", "Dinas Pendidikan") and not may(analyst, "52.04", "Dinas Sosial")
    assert not may(reader, "52.05", "Dinas Sosial")  # no permission to plan
    assert not may(unscoped, "52.05", "Dinas Sosial")  # an empty edit scope is nowhere
