"""Verval: the desa records findings, the approver decides them, in that order and in scope."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from site_clients import api_client, signed_in

from sinergi.domain.identity import make_kk, make_nik, mask_nik
from sinergi.web import registry
from sinergi.web.accounts.models import Assignment, Role
from sinergi.web.audit.models import AuditEntry
from sinergi.web.verval.models import Decision, Finding

MakeUser = Callable[..., User]
NIK = make_nik("52.05.01", date(1989, 7, 1), "P", 1)
KK = make_kk("52.05.01", date(2010, 8, 27), 12)


def _families(desa: str) -> list[str]:
    rows = registry.follow_up().collect()
    return sorted(set(rows.filter(rows["area_code"] == desa)["hid"]))


def _operator(make_user: MakeUser, desa: str, name: str = "ops") -> User:
    return make_user(name, "village", desa, edit=desa)


def _approver(make_user: MakeUser, name: str = "ana") -> User:
    return make_user(name, "analyst", "52.05", edit="52.05")


def _mark(client: Client, desa: str, hid: str, **fields: str) -> Any:
    data = {"hid": hid, "outcome": "tidak_layak", "reason": "meninggal", "note": ""} | fields
    return client.post(f"/wilayah/{desa}/verval/", data)


def _propose(client: Client, desa: str, **fields: Any) -> Any:
    data = {
        "head_name": "Siti Aminah",
        "nik": NIK,
        "kk": KK,
        "address": "Dusun Sori",
        "rt": "2",
        "rw": "1",
        "member_count": 4,
        "reason": "memenuhi_kriteria",
        "note": "",
    } | fields
    return client.post(f"/wilayah/{desa}/verval/usulan/", data)


def _decide(client: Client, area: str, finding: Finding, decision: str, note: str = "") -> Any:
    data = {"finding": finding.pk, "decision": decision, "note": note}
    return client.post(f"/wilayah/{area}/verval/antrean/", data)


def _api_post(user: User, path: str, body: dict[str, Any]) -> Any:
    return api_client(user).post(
        f"/api/verval{path}", json.dumps(body), content_type="application/json"
    )


def test_village_operator_marks_a_family_with_a_reason_and_it_is_audited(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    client = signed_in(_operator(make_user, desa))
    page = client.get(f"/wilayah/{desa}/verval/")
    assert page.status_code == 200
    assert f'id="k-{hid}"' in page.content.decode() and "Simpan temuan" in page.content.decode()
    assert 'style="' not in page.content.decode()  # nothing the CSP would block
    assert AuditEntry.objects.filter(username="ops", action="read", what="verval_desa").exists()

    response = _mark(client, desa, hid, reason="pindah", note="Pindah ke Bima, 2025")
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert (finding.hid, finding.area_code, finding.outcome, finding.reason) == (
        hid, desa, "tidak_layak", "pindah",
    )  # fmt: skip
    assert (finding.note, finding.by_name, finding.status) == (
        "Pindah ke Bima, 2025",
        "ops",
        "diajukan",
    )
    entry = AuditEntry.objects.get(username="ops", action="write")
    assert (entry.what, entry.area, entry.filters) == (
        "verval_finding", desa, {"id": str(finding.pk), "hid": hid},
    )  # fmt: skip
    shown = client.get(f"/wilayah/{desa}/verval/").content.decode()
    assert "Pindah domisili" in shown and "Diajukan" in shown


def test_a_reason_must_fit_the_outcome_and_lainnya_needs_a_note(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    client = signed_in(_operator(make_user, desa))
    wrong = _mark(client, desa, hid, outcome="layak", reason="meninggal")
    assert wrong.status_code == 400
    assert "tidak berlaku untuk temuan" in wrong.content.decode()
    unexplained = _mark(client, desa, hid, reason="lainnya", note="  ")
    assert unexplained.status_code == 400
    assert "wajib dijelaskan di catatan" in unexplained.content.decode()
    assert not Finding.objects.exists()


def test_a_proposal_with_a_bad_nik_is_refused_in_indonesian_and_nothing_stored(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    client = signed_in(_operator(make_user, desa))
    assert client.get(f"/wilayah/{desa}/verval/usulan/").status_code == 200
    short = _propose(client, desa, nik=NIK[:15])
    assert short.status_code == 400
    page = short.content.decode()
    assert "NIK harus tepat 16 digit" in page and "ada 15 digit" in page
    assert f"NIK {mask_nik(NIK[:15])}: ada 15 digit" in page  # the message masks the number
    excel = _propose(client, desa, kk="5.20501E+15")
    assert "angka ilmiah" in excel.content.decode()
    assert not Finding.objects.exists()
    assert not AuditEntry.objects.filter(action="write").exists()

    assert _propose(client, desa, nik=f"'{NIK}").status_code == 302  # Excel's apostrophe is fine
    proposal = Finding.objects.get()
    assert (proposal.outcome, proposal.hid, proposal.nik, proposal.kk) == ("usulan", "", NIK, KK)
    assert (proposal.area_code, proposal.member_count) == (desa, 4)


def test_approver_approves_a_submitted_finding(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    _mark(signed_in(_operator(make_user, desa)), desa, hid)
    approver = signed_in(_approver(make_user))
    queue = approver.get("/wilayah/52.05/verval/antrean/")
    assert queue.status_code == 200
    finding = Finding.objects.get()
    assert [f.pk for f, _, _ in queue.context["rows"]] == [finding.pk]
    assert AuditEntry.objects.filter(username="ana", what="verval_queue", action="read").exists()

    assert _decide(approver, "52.05", finding, "setuju", "Sesuai berita acara").status_code == 302
    decision = Decision.objects.get()
    assert (decision.finding_id, decision.approved, decision.by_name) == (finding.pk, True, "ana")
    entry = AuditEntry.objects.get(username="ana", action="write")
    assert (entry.what, entry.area, entry.filters["keputusan"]) == (
        "verval_decision",
        desa,
        "setuju",
    )
    assert approver.get("/wilayah/52.05/verval/antrean/").context["rows"] == []
    history = signed_in(User.objects.get(username="ops")).get(f"/wilayah/{desa}/verval/")
    assert (
        "Disetujui" in history.content.decode()
        and "Sesuai berita acara" in history.content.decode()
    )


def test_approver_cannot_act_before_the_desa(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    ana = _approver(make_user)
    approver = signed_in(ana)
    # The level above does not record findings itself...
    assert _mark(approver, desa, hid).status_code == 403
    body = {"hid": hid, "outcome": "layak", "reason": "memenuhi_kriteria"}
    assert _api_post(ana, "/temuan", body).status_code == 403
    # ...and there is nothing to decide until the desa has submitted.
    response = approver.post(
        "/wilayah/52.05/verval/antrean/", {"finding": "1", "decision": "setuju"}
    )
    assert response.status_code == 404
    assert _api_post(ana, "/temuan/1/keputusan", {"decision": "setuju"}).status_code == 404
    assert not Finding.objects.exists() and not Decision.objects.exists()


def test_a_finding_is_decided_once(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    _mark(signed_in(_operator(make_user, desa)), desa, _families(desa)[0])
    finding = Finding.objects.get()
    ana = _approver(make_user)
    approver = signed_in(ana)
    assert _decide(approver, "52.05", finding, "tolak").status_code == 400  # a rejection says why
    assert "alasan penolakan" in _decide(approver, "52.05", finding, "tolak").content.decode()
    assert _decide(approver, "52.05", finding, "tolak", "Bukan hasil musdes").status_code == 302
    again = _decide(approver, "52.05", finding, "setuju")
    assert again.status_code == 409 and "sudah diputuskan" in again.content.decode()
    api = _api_post(ana, f"/temuan/{finding.pk}/keputusan", {"decision": "setuju"})
    assert api.status_code == 409
    assert Decision.objects.get().approved is False
    # A second approver who has not seen the first decision is refused by the database too.
    other = signed_in(_approver(make_user, "budi"))
    assert _decide(other, "52.05", finding, "setuju").status_code == 409


def test_latest_finding_wins_and_records_are_append_only(
    make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    operator = signed_in(_operator(make_user, desa))
    approver = signed_in(_approver(make_user))
    _mark(operator, desa, hid, reason="tidak_ditemukan")
    _mark(operator, desa, hid, outcome="layak", reason="memenuhi_kriteria")
    first, second = Finding.objects.order_by("pk")
    queue = approver.get("/wilayah/52.05/verval/antrean/").context["rows"]
    assert [f.pk for f, _, _ in queue] == [second.pk]
    stale = _decide(approver, "52.05", first, "setuju")
    assert stale.status_code == 409 and "lebih baru" in stale.content.decode()
    assert _decide(approver, "52.05", second, "setuju").status_code == 302

    # An approved finding stays; the desa changes its mind only with a new finding.
    _mark(operator, desa, hid, reason="mampu")
    states = {f.pk: f.status for f in Finding.objects.with_state()}
    third = Finding.objects.latest("pk")
    assert states == {first.pk: "digantikan", second.pk: "disetujui", third.pk: "diajukan"}
    rows = operator.get(f"/wilayah/{desa}/verval/").context["rows"]
    assert next(r for r in rows if r["hid"] == hid)["finding"].pk == third.pk

    second.note = "diubah"
    with pytest.raises(PermissionDenied):
        second.save()
    with pytest.raises(PermissionDenied):
        Finding.objects.filter(pk=second.pk).update(reason="mampu")
    with pytest.raises(PermissionDenied):
        Finding.objects.all().delete()
    with pytest.raises(PermissionDenied):
        Decision.objects.get().delete()
    assert Finding.objects.get(pk=second.pk).note == ""


def test_village_operator_cannot_verval_another_desa_by_any_door(
    make_user: MakeUser, desas: list[str]
) -> None:
    mine, other = desas[0], desas[1]
    foreign = _families(other)[0]
    ops = _operator(make_user, mine)
    client = signed_in(ops)
    assert client.get(f"/wilayah/{other}/verval/").status_code == 403
    assert _mark(client, other, foreign).status_code == 403  # the other desa's page
    assert _mark(client, mine, foreign).status_code == 403  # a foreign family via my page
    assert client.get(f"/wilayah/{other}/verval/usulan/").status_code == 403
    assert _propose(client, other).status_code == 403
    assert client.get(f"/wilayah/{mine[:8]}/verval/antrean/").status_code == 403
    body = {"hid": foreign, "outcome": "tidak_layak", "reason": "pindah"}
    assert _api_post(ops, "/temuan", body).status_code == 403
    proposal = {"desa": other, "head_name": "X", "nik": NIK, "kk": KK, "member_count": 2}
    assert _api_post(ops, "/usulan", proposal).status_code == 403
    listed = api_client(ops).get(f"/api/verval/desa/{other}")
    assert listed.status_code == 403 and foreign not in listed.content.decode()
    assert not Finding.objects.exists()
    denied = AuditEntry.objects.filter(username="ops", action="denied")
    assert {"verval_finding", "verval_proposal", "verval_records"} <= {e.what for e in denied}


def test_tkpk_member_reads_but_cannot_verval(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    member = make_user("tk", "tkpk", "52.05", edit="52.05")
    client = signed_in(member)
    page = client.get(f"/wilayah/{desa}/verval/")
    assert page.status_code == 200 and "Simpan temuan" not in page.content.decode()
    assert _mark(client, desa, hid).status_code == 403
    assert _propose(client, desa).status_code == 403
    assert client.get("/wilayah/52.05/verval/antrean/").status_code == 403
    body = {"hid": hid, "outcome": "layak", "reason": "memenuhi_kriteria"}
    assert _api_post(member, "/temuan", body).status_code == 403
    assert not Finding.objects.exists()


def test_queue_masks_nik_and_kk_by_role(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    operator = signed_in(_operator(make_user, desa))
    _mark(operator, desa, hid)
    _propose(operator, desa)
    lake_nik = next(r["nik"] for r in _rows_of(desa) if r["hid"] == hid)
    verifier = Role.objects.create(
        code="verifier", name="Verifikator", name_en="Verifier",
        permissions=["see_people", "approve_verval"],
    )  # fmt: skip
    masked = make_user("ver", "tkpk", "52.05")
    Assignment.objects.filter(user=masked).update(role=verifier, edit_scope="52.05")

    analyst_page = signed_in(_approver(make_user)).get("/wilayah/52.05/verval/antrean/")
    assert NIK in analyst_page.content.decode() and KK in analyst_page.content.decode()
    assert lake_nik in analyst_page.content.decode()
    page = signed_in(masked).get("/wilayah/52.05/verval/antrean/")
    text = page.content.decode()
    assert page.status_code == 200 and len(page.context["rows"]) == 2
    assert NIK not in text and KK not in text and lake_nik not in text
    assert mask_nik(NIK) in text and mask_nik(lake_nik) in text
    entry = AuditEntry.objects.filter(username="ver", what="verval_queue").get()
    assert (entry.rows, entry.identifiers_shown) == (2, False)
    api = api_client(masked).get("/api/verval/antrean/52.05").json()
    assert {r["nik"] for r in api} == {mask_nik(NIK), mask_nik(lake_nik)}


def test_nobody_decides_their_own_finding(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    both = Role.objects.create(
        code="both", name="Keduanya", name_en="Both",
        permissions=["see_people", "verval", "approve_verval"],
    )  # fmt: skip
    user = make_user("dual", "tkpk", desa)
    Assignment.objects.filter(user=user).update(role=both, edit_scope=desa)
    client = signed_in(user)
    _mark(client, desa, _families(desa)[0])
    assert _decide(client, desa, Finding.objects.get(), "setuju").status_code == 403
    assert not Decision.objects.exists()


def test_the_api_records_lists_and_decides(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    hid = _families(desa)[0]
    operator = _operator(make_user, desa)
    created = _api_post(
        operator, "/temuan", {"hid": hid, "outcome": "tidak_layak", "reason": "mampu"}
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "diajukan" and created.json()["latest"] is True
    bad = _api_post(operator, "/usulan", {"desa": desa, "head_name": "A", "nik": "123",
                                          "kk": KK, "member_count": 3})  # fmt: skip
    assert bad.status_code == 422
    assert "NIK harus tepat 16 digit" in bad.json()["fields"]["nik"][0]
    assert bad.json()["detail"].startswith("nik: NIK ")
    unknown = {"hid": "H-none", "outcome": "layak", "reason": "memenuhi_kriteria"}
    assert _api_post(operator, "/temuan", unknown).status_code == 404

    approver = _approver(make_user)
    finding_id = created.json()["id"]
    decided = _api_post(approver, f"/temuan/{finding_id}/keputusan", {"decision": "setuju"})
    assert decided.status_code == 201 and decided.json()["approved"] is True
    listed = api_client(operator).get(f"/api/verval/desa/{desa}").json()
    assert [(r["id"], r["status"], r["decision"]["by"]) for r in listed] == [
        (finding_id, "disetujui", "ana")
    ]
    assert listed[0]["nik"] and listed[0]["head_name"] is not None  # the family, from the lake


@pytest.mark.parametrize(
    "path",
    ["/desa/52.0", "/desa/52.05", "/desa/%00", "/antrean/xyz", "/desa/52.05.01.2001.1"],
)
def test_api_path_params_never_crash(make_user: MakeUser, path: str) -> None:
    assert api_client(_approver(make_user)).get(f"/api/verval{path}").status_code == 404


def test_api_decision_ids_never_crash(make_user: MakeUser) -> None:
    client = _approver(make_user)
    body = {"decision": "setuju"}
    assert _api_post(client, f"/temuan/{2**70}/keputusan", body).status_code == 404
    assert _api_post(client, "/temuan/0/keputusan", body).status_code == 404
    assert _api_post(client, "/temuan/abc/keputusan", body).status_code == 422
    nul = {"decision": "tolak", "note": "a\x00b"}
    assert _api_post(client, "/temuan/1/keputusan", nul).status_code == 404


def _rows_of(desa: str) -> list[dict[str, Any]]:
    rows = registry.follow_up().collect()
    return rows.filter(rows["area_code"] == desa).to_dicts()


def test_odd_text_is_refused_before_the_database(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    operator = _operator(make_user, desa)
    good = {"desa": desa, "head_name": "Siti", "nik": NIK, "kk": KK, "member_count": 3}
    for odd in ({"head_name": "Si\x00ti"}, {"note": "\ud800"}, {"member_count": 10**30}):
        response = _api_post(operator, "/usulan", good | odd)
        assert response.status_code == 422, odd
    assert _api_post(operator, "/usulan", good).status_code == 201
    assert Finding.objects.get().head_name == "Siti"


def test_the_verval_pages_speak_english_on_request(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    client = signed_in(_operator(make_user, desa))
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/wilayah/{desa}/verval/").content.decode()
    assert "Family verification" in page and "Save finding" in page
    refused = _propose(client, desa, nik="123")
    assert "A NIK has exactly 16 digits" in refused.content.decode()


def test_the_verval_link_leads_each_role_to_its_work(make_user: MakeUser, desas: list[str]) -> None:
    desa = desas[0]
    operator = signed_in(_operator(make_user, desa)).get("/verval/")
    assert operator.status_code == 302 and operator["Location"] == f"/wilayah/{desa}/verval/"
    approver = signed_in(_approver(make_user)).get("/verval/")
    assert approver["Location"] == "/wilayah/52.05/verval/antrean/"
    assert signed_in(make_user("tk", "tkpk", "52.05")).get("/verval/").status_code == 403
