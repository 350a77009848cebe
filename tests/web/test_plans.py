"""The action plan (RAT): OPD lines in scope, versions and lock, realisation, summaries, XLSX."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from site_clients import api_client, signed_in

from sinergi.reports.rat_matrix import RatRow, write_rat
from sinergi.web.audit.models import AuditEntry
from sinergi.web.plans import reads, transfer
from sinergi.web.plans.demo import seed_demo_plan
from sinergi.web.plans.models import (
    Opd,
    Plan,
    PlanVersion,
    ProgramLine,
    Realisation,
    Status,
    VersionLocked,
)
from sinergi.web.plans.vocabulary import INPRES, PERPRES

MakeUser = Callable[..., User]
AREA, YEAR = "52.05", 2025
PAGE = f"/rencana/{AREA}/{YEAR}/"
SOSIAL, DIKDIK = "Dinas Sosial", "Dinas Pendidikan"


def _analyst(make_user: MakeUser, name: str = "ana") -> User:
    return make_user(name, "analyst", AREA, edit=AREA)


def _officer(make_user: MakeUser, opd: str = SOSIAL, name: str = "sosial") -> User:
    return make_user(name, "opd", AREA, opd=opd, edit=AREA)


def _plan(*, lines: int = 0) -> Plan:
    """A plan with a draft version 1 and, for each of ``lines``, one line per OPD in turn."""
    plan = Plan.objects.create(area_code=AREA, year=YEAR)
    version = PlanVersion.objects.create(plan=plan, number=1)
    opds = [_opd(SOSIAL), _opd(DIKDIK)]
    for number in range(lines):
        _line(version, opds[number % 2], code=f"1.0{number}", budget=Decimal(1000 * (number + 1)))
    return plan


def _opd(name: str) -> Opd:
    return Opd.objects.get_or_create(area_code=AREA, name=name)[0]


def _line(version: PlanVersion, opd: Opd, **fields: Any) -> ProgramLine:
    values: dict[str, Any] = {
        "code": "1.06.05.2.01",
        "program": "Program Perlindungan dan Jaminan Sosial",
        "kegiatan": "Penyelenggaraan Jaminan Sosial",
        "sub_kegiatan": "Bantuan iuran PBI-JKN daerah",
        "strategy_inpres": "1",
        "strategy_perpres": "1",
        "activity_type": "langsung",
        "budget": Decimal(1_000_000),
        "target_beneficiaries": 100,
        "target_unit": "individu",
    } | fields
    return ProgramLine.objects.create(version=version, opd=opd, **values)


def _form(opd: Opd, **fields: Any) -> dict[str, Any]:
    """The line form as a person fills it in."""
    return {
        "opd": opd.pk,
        "code": "1.06.05.2.09",
        "program": "Program Perlindungan dan Jaminan Sosial",
        "kegiatan": "Penyelenggaraan Jaminan Sosial",
        "sub_kegiatan": "Santunan lansia tunggal",
        "strategy_inpres": "1",
        "strategy_perpres": "1",
        "activity_type": "langsung",
        "budget": "250000000",
        "funding_source": "APBD",
        "assistance_nature": "tunai",
        "assistance_type": "santunan",
        "benefit_amount": "250000",
        "duration": "12 bulan",
        "location": "Kec. Pekat",
        "location_code": "52.05.06",
        "target_beneficiaries": "80",
        "target_unit": "individu",
        "eligibility_rule": "santunan_lansia_daerah",
    } | fields


def _api_post(user: User, path: str, body: dict[str, Any]) -> Any:
    return api_client(user).post(
        f"/api/rencana{path}", json.dumps(body), content_type="application/json"
    )


def _api_get(user: User, path: str) -> Any:
    return api_client(user).get(f"/api/rencana{path}")


def _snapshot(version: PlanVersion) -> list[dict[str, Any]]:
    return [
        {name: reads.shown(line, name) for name in (*reads.COMPARED, "key")}
        for line in version.lines.order_by("key")
    ]


# --- creating a plan and its lines ---------------------------------------------------------


def test_secretariat_creates_the_years_plan_and_an_officer_adds_a_line_of_own_opd(
    make_user: MakeUser,
) -> None:
    # given: no plan yet
    analyst, officer = _analyst(make_user), _officer(make_user)
    _opd(SOSIAL)
    start = signed_in(officer).get("/rencana/")
    assert start.status_code == 302
    assert start["Location"] == f"/rencana/{AREA}/{timezone.localdate().year}/"
    empty = signed_in(officer).get(PAGE).content.decode()
    assert "Belum ada rencana aksi tahun 2025" in empty and "Buat rencana aksi" not in empty
    refused = signed_in(officer).post(PAGE + "buat/")
    assert refused.status_code == 403 and not Plan.objects.exists()

    # when: the secretariat creates it and the officer adds a line
    created = signed_in(analyst).post(PAGE + "buat/")
    assert created.status_code == 302
    plan = Plan.objects.get()
    assert plan.current.number == 1 and plan.current.status == Status.DRAFT
    form_page = signed_in(officer).get(PAGE + "baris/baru/").content.decode()
    assert f'<option value="{_opd(SOSIAL).pk}"' in form_page and 'style="' not in form_page
    added = signed_in(officer).post(PAGE + "baris/baru/", _form(_opd(SOSIAL)))

    # then
    assert added.status_code == 302, added.content.decode()
    line = plan.current.lines.get()
    assert (line.sub_kegiatan, line.budget, line.location_code, line.updated_by) == (
        "Santunan lansia tunggal", Decimal(250_000_000), "52.05.06", officer,
    )  # fmt: skip
    entry = AuditEntry.objects.get(username="sosial", action="write", what="plan_line")
    assert entry.filters["opd"] == SOSIAL and entry.filters["baris"] == str(line.key)
    shown = signed_in(officer).get(PAGE).content.decode()
    assert "Santunan lansia tunggal" in shown and "250.000.000" in shown
    assert 'style="' not in shown


def test_the_line_form_names_each_bad_field_in_indonesian(make_user: MakeUser) -> None:
    plan = _plan()
    client = signed_in(_analyst(make_user))
    bad = _form(
        _opd(SOSIAL),
        budget="-5",
        location_code="52.06.01",
        strategy_inpres="7",
        eligibility_rule="bukan_aturan",
        sub_kegiatan="",
    )
    answer = client.post(PAGE + "baris/baru/", bad)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Nilai rupiah tidak boleh negatif." in page
    assert "Lokasi 52.06.01 tidak berada di dalam Kab. Dompu." in page
    assert "Masukkan pilihan yang valid. 7 bukan salah satu" in page
    assert "Masukkan pilihan yang valid. bukan_aturan bukan salah satu" in page
    assert "id_sub_kegiatan_error" in page
    not_code = client.post(PAGE + "baris/baru/", _form(_opd(SOSIAL), location_code="Pekat"))
    assert "“Pekat” bukan kode wilayah." in not_code.content.decode()
    assert not plan.current.lines.exists()


# --- who may change what -------------------------------------------------------------------


def test_an_officer_cannot_touch_another_opds_line_on_the_page_or_the_api(
    make_user: MakeUser,
) -> None:
    # given: a line of Dinas Pendidikan, and an officer of Dinas Sosial
    plan = _plan()
    theirs = _line(plan.current, _opd(DIKDIK), sub_kegiatan="Seragam sekolah")
    before = _snapshot(plan.current)
    officer = _officer(make_user)
    client = signed_in(officer)
    line = f"{PAGE}baris/{theirs.key}/"

    # when / then: every door refuses, audited, and nothing changes
    for answer in (
        client.get(line + "ubah/"),
        client.post(line + "ubah/", _form(_opd(SOSIAL))),
        client.post(line + "hapus/"),
        client.post(line + "realisasi/", {"semester": 1, "budget": "10", "reached": 1}),
        client.post(PAGE + "baris/baru/", _form(_opd(DIKDIK))),
        client.post(PAGE + "kunci/"),
        client.post(PAGE + "versi/baru/", {"reason": "ingin"}),
    ):
        assert answer.status_code == 403
    api = _api_post(
        officer,
        f"/{AREA}/{YEAR}/baris/{theirs.key}/realisasi",
        {"semester": 1, "budget": 10, "reached": 1},
    )
    assert api.status_code == 403
    assert (
        api.json()["detail"]
        == "Anda tidak berwenang mengubah rencana Dinas Pendidikan di wilayah ini."
    )
    assert _snapshot(plan.current) == before
    assert not Realisation.objects.exists() and not plan.current.locked
    assert PlanVersion.objects.count() == 1
    denied = AuditEntry.objects.filter(username="sosial", action="denied")
    assert denied.filter(what="plan_line").count() == 4
    assert denied.filter(what="plan_realisation").count() == 2
    assert set(denied.values_list("what", flat=True)) >= {"plan_lock", "plan_version"}
    assert not AuditEntry.objects.filter(username="sosial", action="write").exists()
    # and the matrix offers the officer nothing to change on the other OPD's line
    shown = client.get(PAGE).content.decode()
    assert "Seragam sekolah" in shown and f"baris/{theirs.key}/ubah/" not in shown


def test_an_officer_cannot_move_own_line_to_another_opd(make_user: MakeUser) -> None:
    plan = _plan()
    own = _line(plan.current, _opd(SOSIAL))
    answer = signed_in(_officer(make_user)).post(
        f"{PAGE}baris/{own.key}/ubah/", _form(_opd(DIKDIK))
    )
    assert answer.status_code == 403
    assert ProgramLine.objects.get(pk=own.pk).opd.name == SOSIAL


def test_a_reader_from_another_regency_cannot_see_the_plan(make_user: MakeUser) -> None:
    plan = _plan(lines=2)
    bima = make_user("bima", "tkpk", "52.06")
    for path in (
        PAGE,
        PAGE + "versi/",
        PAGE + "xlsx/",
        f"{PAGE}baris/{plan.current.lines.first().key}/realisasi/",
    ):
        assert signed_in(bima).get(path).status_code == 403, path
    assert _api_get(bima, f"/{AREA}/{YEAR}").status_code == 403
    assert AuditEntry.objects.filter(username="bima", action="denied", what="plan").exists()
    # while a TKPK member of the regency and the province viewer read it, changing nothing
    for reader in (make_user("tkpk", "tkpk", AREA), make_user("prov", "province", "52")):
        page = signed_in(reader).get(PAGE).content.decode()
        assert "1.00" in page and "Tambah baris program" not in page and "/ubah/" not in page
        assert _api_get(reader, f"/{AREA}/{YEAR}").status_code == 200
    # the province viewer's start page lists the regency's plan and offers its regencies
    start = signed_in(User.objects.get(username="prov")).get("/rencana/").content.decode()
    assert f'href="/rencana/{AREA}/{YEAR}/"' in start and "Kab. Dompu (52.05)" in start


# --- versions and the lock -----------------------------------------------------------------


def test_a_locked_version_refuses_every_change_in_the_model_layer(make_user: MakeUser) -> None:
    plan = _plan(lines=2)
    version = plan.current
    line = version.lines.first()
    version.status = Status.LOCKED
    version.save()

    line.budget = Decimal(1)
    with pytest.raises(VersionLocked):
        line.save()
    with pytest.raises(VersionLocked):
        line.delete()
    with pytest.raises(VersionLocked):
        ProgramLine.objects.filter(pk=line.pk).update(budget=1)
    with pytest.raises(VersionLocked):
        ProgramLine.objects.filter(version=version).delete()
    with pytest.raises(VersionLocked):
        _line(version, _opd(SOSIAL))
    with pytest.raises(VersionLocked):
        ProgramLine.objects.bulk_create([ProgramLine(version=version, opd=_opd(SOSIAL), budget=1)])
    version.status = Status.DRAFT
    with pytest.raises(VersionLocked):
        version.save()  # never unlocked
    assert PlanVersion.objects.get().status == Status.LOCKED
    assert sorted(ProgramLine.objects.values_list("budget", flat=True)) == [1000, 2000]
    # a line of a draft cannot be moved into the locked version either
    draft_plan = Plan.objects.create(area_code="52.06", year=YEAR)
    draft = PlanVersion.objects.create(plan=draft_plan, number=1)
    other = _line(draft, _opd(SOSIAL))
    other.version = version
    with pytest.raises(VersionLocked):
        other.save()


def test_a_locked_version_refuses_edits_on_the_page_but_takes_realisation(
    make_user: MakeUser,
) -> None:
    plan = _plan()
    line = _line(plan.current, _opd(SOSIAL))
    analyst, officer = _analyst(make_user), _officer(make_user)
    lock_page = signed_in(analyst).get(PAGE + "kunci/").content.decode()
    assert "Setelah dikunci" in lock_page
    assert signed_in(analyst).post(PAGE + "kunci/").status_code == 302
    version = PlanVersion.objects.get()
    assert (version.status, version.locked_by, version.locked_at is not None) == (
        Status.LOCKED, analyst, True,
    )  # fmt: skip
    before = _snapshot(version)

    client = signed_in(officer)
    edit = client.post(f"{PAGE}baris/{line.key}/ubah/", _form(_opd(SOSIAL)))
    assert edit.status_code == 409
    assert "sudah dikunci dan tidak dapat diubah; buka versi baru" in edit.content.decode()
    assert client.post(f"{PAGE}baris/{line.key}/hapus/").status_code == 409
    assert client.post(PAGE + "baris/baru/", _form(_opd(SOSIAL))).status_code == 409
    assert client.get(PAGE + "baris/baru/").status_code == 409
    assert signed_in(analyst).post(PAGE + "kunci/").status_code == 409  # locked once
    assert _snapshot(version) == before

    done = client.post(
        f"{PAGE}baris/{line.key}/realisasi/", {"semester": 1, "budget": "400000", "reached": 30}
    )
    assert done.status_code == 302
    assert Realisation.objects.get().budget == Decimal(400_000)
    page = client.get(PAGE).content.decode()
    assert "Dikunci oleh ana" in page and "Tambah baris program" not in page


def test_a_new_version_copies_every_line_keeps_the_old_one_and_says_who_and_why(
    make_user: MakeUser,
) -> None:
    # given: a locked version 1 of three lines
    plan = _plan(lines=3)
    analyst = _analyst(make_user)
    client = signed_in(analyst)
    assert client.get(PAGE + "versi/baru/").status_code == 409  # still a draft: edit it
    client.post(PAGE + "kunci/")
    first = PlanVersion.objects.get(number=1)
    before = _snapshot(first)

    # when: no reason, then a reason
    missing = client.post(PAGE + "versi/baru/", {"reason": "   "})
    assert missing.status_code == 400
    assert "Tulis alasan membuka versi baru." in missing.content.decode()
    assert PlanVersion.objects.count() == 1
    opened = client.post(PAGE + "versi/baru/", {"reason": "APBD Perubahan 2025"})
    assert opened.status_code == 302

    # then: version 2 is a draft copy with the same keys, and version 1 is as it was
    second = plan.current
    assert (second.number, second.status, second.reason, second.created_by) == (
        2, Status.DRAFT, "APBD Perubahan 2025", analyst,
    )  # fmt: skip
    assert _snapshot(second) == before
    assert AuditEntry.objects.get(what="plan_version", action="write").filters["versi"] == "2"

    # and changing the draft leaves version 1 intact, and the versions page shows the change
    changed = second.lines.get(code="1.00")
    edit = _form(changed.opd, code="1.00", budget="1500", sub_kegiatan=changed.sub_kegiatan)
    assert client.post(f"{PAGE}baris/{changed.key}/ubah/", edit).status_code == 302
    removed = second.lines.get(code="1.02")
    assert client.post(f"{PAGE}baris/{removed.key}/hapus/").status_code == 302
    assert _snapshot(PlanVersion.objects.get(number=1)) == before
    history = client.get(PAGE + "versi/").content.decode()
    assert "APBD Perubahan 2025" in history and "Dibuka oleh ana" in history
    assert "Dikunci oleh ana" in history
    assert "Alokasi anggaran (Rp): <del>1.000</del> → <ins>1.500</ins>" in history
    assert "Dihapus:" in history and "1.02" in history
    assert "Diubah:" in history


# --- realisation ---------------------------------------------------------------------------


def test_realisation_is_append_only_and_the_latest_entry_counts(make_user: MakeUser) -> None:
    plan = _plan()
    line = _line(plan.current, _opd(SOSIAL), budget=Decimal(1_000_000), target_beneficiaries=100)
    officer = _officer(make_user)
    client = signed_in(officer)
    page = f"{PAGE}baris/{line.key}/realisasi/"

    client.post(page, {"semester": 1, "budget": "300000", "reached": 20, "note": "tahap 1"})
    client.post(page, {"semester": 1, "budget": "350000", "reached": 25, "note": "koreksi"})
    api = _api_post(
        officer,
        f"/{AREA}/{YEAR}/baris/{line.key}/realisasi",
        {"semester": 2, "budget": "500000", "reached": 40},
    )
    assert api.status_code == 201 and api.json()["recorded_by"] == "sosial"
    bad = client.post(page, {"semester": 3, "budget": "-1", "reached": "banyak"})
    assert bad.status_code == 400
    assert "Nilai rupiah tidak boleh negatif." in bad.content.decode()

    assert Realisation.objects.count() == 3
    first = Realisation.objects.order_by("pk").first()
    first.budget = Decimal(0)
    with pytest.raises(Exception, match="tidak dapat diubah"):
        first.save()
    with pytest.raises(Exception, match="tidak dapat dihapus"):
        first.delete()
    with pytest.raises(Exception, match="tidak dapat diubah"):
        Realisation.objects.update(budget=0)
    (row,) = reads.rows(plan.current)
    assert (row.s1.budget, row.s1.reached, row.s2.budget) == (350_000, 25, 500_000)
    assert (row.realised, row.reached, row.share) == (850_000, 65, 0.85)
    history = client.get(page).content.decode()
    assert history.index("koreksi") < history.index("tahap 1")  # newest first, both kept
    assert "850.000" in history
    got = _api_get(officer, f"/{AREA}/{YEAR}").json()
    assert (got["lines"][0]["realised_s1"], got["lines"][0]["reached_s2"]) == ("350000.00", 40)


# --- summaries -----------------------------------------------------------------------------


def test_budget_per_strategy_and_opd_and_realisation_against_plan(make_user: MakeUser) -> None:
    # given: three lines over two strategies and two OPDs, with realisation
    plan = _plan()
    version = plan.current
    a = _line(
        version,
        _opd(SOSIAL),
        budget=Decimal(600),
        strategy_inpres="1",
        strategy_perpres="1",
        target_beneficiaries=10,
    )
    b = _line(
        version,
        _opd(SOSIAL),
        budget=Decimal(400),
        strategy_inpres="3",
        strategy_perpres="",
        target_beneficiaries=5,
        target_unit="rumah",
    )
    c = _line(
        version,
        _opd(DIKDIK),
        budget=Decimal(1000),
        strategy_inpres="1",
        strategy_perpres="2",
        target_beneficiaries=20,
    )
    for line, semester, budget, reached in (
        (a, 1, 300, 4),
        (a, 2, 300, 6),
        (b, 1, 100, 1),
        (c, 2, 500, 5),
    ):
        Realisation.objects.create(
            plan=plan, line_key=line.key, semester=semester, budget=budget, reached=reached
        )

    # when
    found = reads.rows(version)
    inpres = {t.key: t for t in reads.by_strategy(found, INPRES)}
    perpres = {t.key: t for t in reads.by_strategy(found, PERPRES)}
    opds = {t.label: t for t in reads.by_opd(found)}
    units = {t.label: t for t in reads.by_unit(found)}

    # then
    assert (inpres["1"].budget, inpres["1"].realised, inpres["1"].lines) == (1600, 1100, 2)
    assert (inpres["3"].budget, inpres["3"].realised) == (400, 100)
    assert inpres["2"].lines == 0  # every strategy shows, even without lines
    assert (perpres["1"].budget, perpres["2"].budget, perpres[""].budget) == (600, 1000, 400)
    assert perpres[""].label == "(tanpa strategi)"
    assert (opds[SOSIAL].budget, opds[SOSIAL].realised_s1, opds[SOSIAL].realised_s2) == (
        1000,
        400,
        300,
    )
    assert (opds[DIKDIK].realised, opds[DIKDIK].share) == (500, 0.5)
    assert (units["individu"].target, units["individu"].reached) == (30, 15)
    assert (units["rumah"].target, units["rumah"].reached_share) == (5, 0.2)
    total = reads.overall(found)
    assert (total.budget, total.realised, total.share) == (2000, 1200, 0.6)

    page = signed_in(make_user("tkpk", "tkpk", AREA)).get(PAGE).content.decode()
    assert "1. Pengurangan beban pengeluaran" in page and "(tanpa strategi)" in page
    assert "Rp2.000" in page and "Rp1.200" in page and "60,0%" in page
    assert page.count('class="chart"') == 2 and 'style="' not in page
    only = signed_in(make_user("tkpk2", "tkpk", AREA)).get(PAGE + f"?opd={_opd(DIKDIK).pk}")
    matrix = only.content.decode().split('id="matriks"')[1].split("</section>")[0]
    assert f'id="b-{c.key}"' in matrix and f'id="b-{a.key}"' not in matrix


# --- the OPD list --------------------------------------------------------------------------


def test_the_secretariat_keeps_the_opd_list(make_user: MakeUser) -> None:
    officer = signed_in(_officer(make_user))
    assert officer.post(f"/rencana/{AREA}/opd/", {"name": "Dinas Baru"}).status_code == 403
    client = signed_in(_analyst(make_user))
    assert (
        client.post(
            f"/rencana/{AREA}/opd/", {"name": "Dinas  Sosial", "short_name": "Dinsos"}
        ).status_code
        == 302
    )
    duplicate = client.post(f"/rencana/{AREA}/opd/", {"name": "dinas sosial"})
    assert (
        duplicate.status_code == 400
        and "OPD “dinas sosial” sudah ada." in duplicate.content.decode()
    )
    assert list(Opd.objects.values_list("area_code", "name", "short_name")) == [
        (AREA, SOSIAL, "Dinsos")
    ]


# --- the demo ------------------------------------------------------------------------------


def test_the_demo_plan_is_locked_revised_and_half_realised_once(make_user: MakeUser) -> None:
    plan = seed_demo_plan(AREA, 2026)
    assert seed_demo_plan(AREA, 2026) == plan and Plan.objects.count() == 1
    first, second = PlanVersion.objects.filter(plan=plan).order_by("number")
    assert (first.status, second.status, bool(second.reason)) == (Status.LOCKED, Status.DRAFT, True)
    assert first.lines.count() == second.lines.count() == 24
    changes = reads.changes(first.lines.all(), second.lines.all())
    assert [(c.kind, [f[0] for f in c.fields]) for c in changes] == [
        ("changed", ["alokasi anggaran (Rp)", "jumlah sasaran penerima manfaat"])
    ]
    found = reads.rows(second)
    assert all(r.s1 is not None for r in found) and 0 < sum(r.s2 is not None for r in found) < 24
    assert {r.line.eligibility_rule for r in found} >= {"pbi", "rtlh", "blt_dd"}
    assert Opd.objects.filter(area_code=AREA).count() == 11
    page = signed_in(make_user("tkpk", "tkpk", AREA)).get(f"/rencana/{AREA}/2026/")
    assert page.status_code == 200 and "Dinas Ketahanan Pangan" in page.content.decode()


# --- the XLSX workbook ---------------------------------------------------------------------


def _upload(client: Client, content: bytes, name: str = "rat.xlsx") -> Any:
    return client.post(PAGE + "impor/", {"file": SimpleUploadedFile(name, content)})


def _workbook(rows: list[RatRow]) -> bytes:
    out = io.BytesIO()
    write_rat(rows, out, year=YEAR, area_name="Kabupaten Dompu")
    return out.getvalue()


def test_an_exported_plan_imports_back_into_a_new_draft_as_the_same_lines(
    make_user: MakeUser,
) -> None:
    # given: the demo plan's lines in a locked version, exported
    seed_demo_plan(AREA, YEAR)
    plan = Plan.objects.get()
    client = signed_in(_analyst(make_user))
    first = plan.current
    client.post(PAGE + "kunci/")
    exported = client.get(PAGE + "xlsx/")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("application/vnd.openxml")
    assert 'filename="RAT_52.05_2025_versi2.xlsx"' in exported["Content-Disposition"]
    assert AuditEntry.objects.filter(action="export", what="plan_xlsx", rows=24).exists()
    before = _snapshot(first)
    entries = Realisation.objects.count()

    # when: a new draft is changed (one line edited, one removed), then the export imported
    client.post(PAGE + "versi/baru/", {"reason": "uji impor"})
    draft = plan.current
    edited, removed = draft.lines.order_by("pk")[:2]
    ProgramLine.objects.filter(pk=edited.pk).update(budget=1, location="di mana saja")
    removed.delete()
    imported = _upload(client, exported.content)

    # then: the draft holds the exported lines again, keys included; realisation unchanged
    assert imported.status_code == 302, imported.content.decode()
    assert _snapshot(draft) == before
    assert Realisation.objects.count() == entries
    entry = AuditEntry.objects.get(action="write", what="plan_import")
    assert (entry.filters["added"], entry.filters["updated"], entry.filters["opds"]) == (
        "1",
        "23",
        "0",
    )
    # and into another year's fresh plan it gives the same lines too
    other = Plan.objects.create(area_code=AREA, year=2027)
    PlanVersion.objects.create(plan=other, number=1)
    answer = client.post(
        f"/rencana/{AREA}/2027/impor/", {"file": SimpleUploadedFile("rat.xlsx", exported.content)}
    )
    assert answer.status_code == 302
    assert _snapshot(other.current) == before


def _without_data_sheet(content: bytes) -> bytes:
    """The workbook as a user leaves it after deleting the 'Data Sinergi' sheet (no line keys)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb'<sheet name="Data Sinergi"[^>]*/>', b"", data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_workbook_without_its_data_sheet_updates_the_lines_it_names(
    make_user: MakeUser,
) -> None:
    # given: the demo plan's draft exported, the 'Data Sinergi' sheet deleted by a user
    seed_demo_plan(AREA, YEAR)
    plan = Plan.objects.get()
    client = signed_in(_analyst(make_user))
    matrix_only = _without_data_sheet(client.get(PAGE + "xlsx/").content)
    before = _snapshot(plan.current)
    # and the draft changed since: the file's values must come back over these
    ProgramLine.objects.filter(version=plan.current).update(budget=1, location="di mana saja")

    # when
    imported = _upload(client, matrix_only)

    # then: every row updated its own line (same keys, no line twice), values from the file
    assert imported.status_code == 302, imported.content.decode()
    assert plan.current.lines.count() == len(before) == 24
    assert _snapshot(plan.current) == before
    entry = AuditEntry.objects.get(action="write", what="plan_import")
    assert (entry.filters["added"], entry.filters["updated"]) == ("0", "24")


def test_a_keyless_row_matching_several_lines_is_refused_by_name(make_user: MakeUser) -> None:
    # given: two lines of one OPD named alike, and a keyless row naming them
    plan = _plan()
    sosial = _opd(SOSIAL)
    _line(plan.current, sosial, location="Kec. Woja")
    _line(plan.current, sosial, location="Kec. Pekat")
    before = _snapshot(plan.current)
    row = transfer.rat_row(reads.rows(plan.current)[0])
    client = signed_in(_analyst(make_user))

    # when
    refused = _upload(client, _workbook([replace(row, key=None, budget=Decimal(7))]))

    # then
    assert refused.status_code == 400
    assert (
        "Baris kegiatan ke-1 (1.06.05.2.01 Bantuan iuran PBI-JKN daerah): tanpa kunci baris, dan "
        "2 baris rencana Dinas Sosial memiliki kode, program, kegiatan dan sub kegiatan yang sama"
        in html.unescape(refused.content.decode())
    )
    assert _snapshot(plan.current) == before
    # the same row twice, where one line matches, is refused too
    plan.current.lines.filter(location="Kec. Pekat").delete()
    twice = _upload(client, _workbook([replace(row, key=None)] * 2))
    assert "Baris kegiatan ke-2" in html.unescape(twice.content.decode())
    assert twice.status_code == 400 and plan.current.lines.count() == 1


def test_a_bad_workbook_writes_nothing_and_lists_its_problems(make_user: MakeUser) -> None:
    # given: a draft with one line, and the secretariat
    plan = _plan()
    _line(plan.current, _opd(SOSIAL))
    before = _snapshot(plan.current)
    client = signed_in(_analyst(make_user))
    good = RatRow(
        opd="Dinas Baru", code="9.99", program="Program Baru", kegiatan="Kegiatan",
        sub_kegiatan="Sub baru", strategy_inpres="2", strategy_perpres=None,
        activity_type="langsung", budget=Decimal(5000), funding_source="APBD",
        assistance_nature=None, location="Kec. Pekat", target_beneficiaries=10,
        target_unit="individu", benefit_amount=None, assistance_type=None, duration=None,
        realised_budget_s1=Decimal(100), realised_budget_s2=None, reached_s1=2,
    )  # fmt: skip
    outside = replace(good, sub_kegiatan="Di Bima", location_code="52.06.01", opd="Dinas Lain")
    unknown_rule = replace(good, sub_kegiatan="Aturan asing", eligibility_rule="bukan_aturan")

    # when / then: not a workbook at all
    garbage = _upload(client, b"PK\x03\x04 bukan xlsx", "rencana.xlsx")
    assert garbage.status_code == 400
    assert "Berkas tidak diimpor; tidak ada yang diubah." in garbage.content.decode()
    # a workbook the reader refuses (no program), each problem named by sheet, row and column
    unread = _upload(client, _workbook([replace(good, program="")]))
    assert unread.status_code == 400
    assert (
        "lembar &#x27;Data Sinergi&#x27;, baris 3, kolom &#x27;Program (program)&#x27;"
        in unread.content.decode()
    )
    # lines that break the plan's rules: one bad line refuses the good one too
    refused = _upload(client, _workbook([good, outside, unknown_rule]))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        "Baris kegiatan ke-2 (9.99 Di Bima), Kode wilayah lokasi: "
        "Lokasi 52.06.01 tidak berada di dalam Kab. Dompu." in page
    )
    assert "Baris kegiatan ke-3 (9.99 Aturan asing), Aturan kelayakan" in page
    # not an xlsx name
    assert "Berkas harus berformat XLSX" in _upload(client, b"a,b", "rat.csv").content.decode()

    assert _snapshot(plan.current) == before
    assert not Opd.objects.filter(name__in=["Dinas Baru", "Dinas Lain"]).exists()
    assert not Realisation.objects.exists()
    assert not AuditEntry.objects.filter(what="plan_import", action="write").exists()
    # the good line alone goes in, with its new OPD and semester I
    assert _upload(client, _workbook([good])).status_code == 302
    added = plan.current.lines.get(code="9.99")
    assert added.opd.name == "Dinas Baru" and Realisation.objects.get().line_key == added.key


def test_only_the_secretariat_imports_and_never_into_a_locked_version(make_user: MakeUser) -> None:
    plan = _plan()
    content = _workbook([])
    assert _upload(signed_in(_officer(make_user)), content).status_code == 403
    assert AuditEntry.objects.filter(
        username="sosial", action="denied", what="plan_import"
    ).exists()
    client = signed_in(_analyst(make_user))
    assert client.get(PAGE + "impor/").status_code == 200
    client.post(PAGE + "kunci/")
    assert _upload(client, content).status_code == 409
    assert plan.current.lines.count() == 0


def test_the_plan_page_reads_the_demo_plan_in_few_queries_and_in_english(
    make_user: MakeUser, django_assert_max_num_queries: Any
) -> None:
    seed_demo_plan(AREA, YEAR)
    client = signed_in(_officer(make_user))
    with django_assert_max_num_queries(20):  # not one query per line or per OPD
        page = client.get(PAGE)
    assert page.status_code == 200 and page.content.decode().count('id="b-') == 24
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(PAGE).content.decode()
    assert "Annual Action Plan 2025" in english and "1. Reduce spending" in english
    assert "Add a program line" in english and "Tambah baris program" not in english
