"""Coordination: the TKPK's decrees, rakor, decisions and follow-ups, by who may and in scope."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone
from site_clients import api_client, signed_in

from sinergi.domain import wilayah
from sinergi.web.audit.models import AuditEntry
from sinergi.web.coordination import reads, rules
from sinergi.web.coordination.actions import PROPOSED_WORKING_GROUPS
from sinergi.web.coordination.demo import seed_demo_coordination
from sinergi.web.coordination.models import (
    Decision,
    Decree,
    FollowUp,
    FollowUpUpdate,
    Invitee,
    Material,
    Meeting,
    Member,
)

MakeUser = Callable[..., User]
REGENCY = "52.05"
TODAY = timezone.localdate()
YEAR = TODAY.year


def _analyst(make_user: MakeUser, name: str = "ana") -> User:
    return make_user(name, "analyst", REGENCY, edit=REGENCY)


def _officer(make_user: MakeUser, name: str, opd: str) -> User:
    return make_user(name, "opd", REGENCY, opd=opd, edit=REGENCY)


def _meeting(day: date, status: str = "terlaksana", area: str = REGENCY, **fields: Any) -> Meeting:
    return Meeting.objects.create(
        area_code=area,
        date=day,
        start_time=time(9),
        place="Ruang Rapat Bappeda",
        title=fields.pop("title", f"Rakor {day}"),
        status=status,
        created_by_name="tes",
        **fields,
    )


def _follow_up(meeting: Meeting, opd: str, due: date, status: str = "belum") -> FollowUp:
    decision = Decision.objects.create(
        meeting=meeting,
        number=meeting.decisions.count() + 1,
        text="Keputusan uji",
        created_by_name="tes",
    )
    found = FollowUp.objects.create(
        decision=decision, action=f"Tindakan {opd}", owner_opd=opd, due=due, status=status
    )
    # Recorded at the rakor; a later status today, as an OPD would report it.
    at_rakor = timezone.make_aware(datetime.combine(meeting.date, time(10)))
    FollowUpUpdate.objects.create(follow_up=found, status="belum", by_name="tes", at=at_rakor)
    if status != "belum":
        FollowUpUpdate.objects.create(follow_up=found, status=status, by_name="tes")
    return found


def _report(client: Client, follow_up: FollowUp, **fields: str) -> Any:
    data = {"status": "proses", "evidence": "", "note": "", "done_on": ""} | fields
    return client.post(f"/koordinasi/tindak-lanjut/{follow_up.pk}/", data)


# --- the rules, on their own --------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        ("belum", date(2026, 3, 31), True),  # due yesterday
        ("proses", date(2026, 3, 31), True),
        ("belum", date(2026, 4, 1), False),  # due today is not overdue yet
        ("proses", date(2026, 4, 2), False),
        ("selesai", date(2025, 1, 1), False),  # done is never overdue, however late
    ],
)
def test_overdue_is_not_done_and_due_before_today(status: str, due: date, overdue: bool) -> None:
    assert rules.is_overdue(status, due, today=date(2026, 4, 1)) is overdue


def test_compliance_counts_held_rakor_of_the_calendar_year_only() -> None:
    meetings = [
        (date(2025, 12, 31), "terlaksana"),  # the last day counts for 2025
        (date(2026, 1, 1), "terlaksana"),  # the first day for 2026
        (date(2026, 5, 5), "terlaksana"),
        (date(2026, 6, 1), "batal"),
        (date(2026, 11, 1), "direncanakan"),
        (date(2026, 12, 31), "terlaksana"),
        (date(2027, 1, 1), "terlaksana"),
    ]
    in_2025 = rules.compliance("52.05", "Kab. Dompu", meetings, 2025)
    in_2026 = rules.compliance("52.05", "Kab. Dompu", meetings, 2026)
    assert (in_2025.held, in_2025.met, in_2025.missing) == (1, False, 2)
    assert (in_2026.held, in_2026.planned, in_2026.cancelled) == (3, 1, 1)
    assert (in_2026.met, in_2026.missing, in_2026.minimum) == (True, 0, 3)


def test_status_before_a_day_is_the_last_recorded_before_it() -> None:
    steps = [
        (date(2026, 2, 1), "belum"),
        (date(2026, 3, 1), "proses"),
        (date(2026, 5, 1), "selesai"),
    ]
    assert rules.status_before(steps, date(2026, 2, 1)) is None
    assert rules.status_before(steps, date(2026, 3, 1)) == "belum"
    assert rules.status_before(steps, date(2026, 4, 30)) == "proses"
    assert rules.status_before(steps, date(2026, 5, 2)) == "selesai"


# --- compliance ---------------------------------------------------------------------------


def test_province_compliance_counts_each_regency_by_calendar_year(make_user: MakeUser) -> None:
    # given: Dompu held three in 2025 (one on 31 Dec), Bima two (a third on 1 Jan 2026)
    for day in (date(2025, 2, 1), date(2025, 6, 1), date(2025, 12, 31)):
        _meeting(day)
    _meeting(date(2025, 10, 1), "batal")
    _meeting(date(2025, 3, 1), area="52.06")
    _meeting(date(2025, 9, 1), area="52.06")
    _meeting(date(2025, 11, 1), "direncanakan", area="52.06")
    _meeting(date(2026, 1, 1), area="52.06")
    viewer = make_user("prov", "province", "52")

    # when
    rows = {r.area_code: r for r in reads.province_compliance(wilayah.get("52"), 2025)}
    page = signed_in(viewer).get("/koordinasi/52/kepatuhan/2025/")
    answer = api_client(viewer).get("/api/koordinasi/52/kepatuhan/2025")

    # then
    expected = {a.code for a in wilayah.children("52")}
    assert set(rows) == expected and len(expected) == 10
    assert (rows["52.05"].held, rows["52.05"].cancelled, rows["52.05"].met) == (3, 1, True)
    assert (rows["52.06"].held, rows["52.06"].planned, rows["52.06"].met) == (2, 1, False)
    assert rows["52.71"].held == 0
    assert page.status_code == 200
    text = page.content.decode()
    assert "Kab. Dompu" in text and "kurang 1 rakor" in text and "1 dari 10 kabupaten/kota" in text
    assert 'style="' not in text
    body = answer.json()
    assert answer.status_code == 200 and body["minimum"] == 3
    by_code = {row["area_code"]: row for row in body["rows"]}
    assert by_code["52.05"]["held"] == 3 and by_code["52.06"]["missing"] == 1


def test_regency_page_shows_the_count_against_the_minimum(make_user: MakeUser) -> None:
    _meeting(date(YEAR, 1, 1))
    _meeting(date(YEAR, 1, 2))
    _meeting(date(YEAR, 1, 3), "batal")
    _meeting(date(YEAR - 1, 12, 31))
    page = signed_in(_analyst(make_user)).get("/koordinasi/52.05/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 dari minimal 3 rakor" in text and "kurang 1 rakor" in text
    assert f'href="?tahun={YEAR - 1}"' in text  # a year, never "2.025"


def test_the_coordination_pages_speak_english_on_request(make_user: MakeUser) -> None:
    held = _meeting(TODAY, "batal")
    client = signed_in(_analyst(make_user))
    client.post("/i18n/setlang/", {"language": "en"})
    area = client.get("/koordinasi/52.05/").content.decode()
    assert "TKPK coordination" in area and "0 of at least 3 meetings" in area
    assert "Cancelled" in area and "Koordinasi TKPK" not in area
    meeting = client.get(f"/koordinasi/rakor/{held.pk}/").content.decode()
    assert "Overdue follow-ups" in meeting and "Invitees and attendance" in meeting


def test_a_regency_user_cannot_read_the_province_table(make_user: MakeUser) -> None:
    analyst = _analyst(make_user)
    assert signed_in(analyst).get("/koordinasi/52/kepatuhan/2025/").status_code == 403
    assert api_client(analyst).get("/api/koordinasi/52/kepatuhan/2025").status_code == 403
    denied = AuditEntry.objects.filter(username="ana", action="denied", area="52")
    assert denied.count() == 2


# --- overdue ------------------------------------------------------------------------------


def test_overdue_follow_ups_exclude_done_and_due_today(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=60))
    late = _follow_up(held, "Dinas Sosial", TODAY - timedelta(days=1), "proses")
    _follow_up(held, "Dinas Sosial", TODAY)  # due today: not yet
    _follow_up(held, "Dinas Kesehatan", TODAY - timedelta(days=30), "selesai")
    assert list(reads.overdue([REGENCY], TODAY)) == [late]
    answer = api_client(_analyst(make_user)).get(
        "/api/koordinasi/52.05/tindak-lanjut?lewat_tenggat=true"
    )
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()] == [late.pk]
    assert answer.json()[0]["overdue"] is True
    every = api_client(make_user("tk", "tkpk", REGENCY)).get("/api/koordinasi/52.05/tindak-lanjut")
    assert len(every.json()) == 3


def test_a_rakor_takes_up_the_follow_ups_overdue_on_its_day(make_user: MakeUser) -> None:
    # given: two follow-ups of an earlier rakor, overdue since day -80; one done today
    first = _meeting(TODAY - timedelta(days=100), title="Rakor I")
    late = _follow_up(first, "Disnaker", TODAY - timedelta(days=80))
    done_today = _follow_up(first, "DPMD", TODAY - timedelta(days=80), "selesai")
    between = _meeting(TODAY - timedelta(days=50), title="Rakor II")
    coming = _meeting(TODAY + timedelta(days=7), "direncanakan", title="Rakor III")

    # then: the coming rakor takes up what is overdue now
    page = signed_in(make_user("tk", "tkpk", REGENCY)).get(f"/koordinasi/rakor/{coming.pk}/")
    carried = page.content.decode().split('id="lewat-tenggat"')[1].split("</section>")[0]
    assert "Tindak lanjut yang lewat tenggat" in page.content.decode()
    assert f"/koordinasi/tindak-lanjut/{late.pk}/" in carried
    assert f"/koordinasi/tindak-lanjut/{done_today.pk}/" not in carried
    # and the one held on day -50 keeps what was overdue on its day, though done since
    assert [f.pk for f in reads.carried_over(between, TODAY)] == [late.pk, done_today.pk]
    # the rakor that made them takes up none of its own
    assert reads.carried_over(first, TODAY) == []


# --- who may do what ----------------------------------------------------------------------


def test_opd_officer_reports_on_their_own_follow_up_only(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=30))
    own = _follow_up(held, "Dinas Sosial", TODAY + timedelta(days=30))
    other = _follow_up(held, "Dinas Kesehatan", TODAY + timedelta(days=30))
    client = signed_in(_officer(make_user, "dinsos", "Dinas Sosial"))

    # own: done, with evidence
    done = _report(client, own, status="selesai", evidence="Surat No. 460/12", note="Tuntas")
    assert done.status_code == 302
    own.refresh_from_db()
    assert (own.status, own.evidence, own.done_on) == ("selesai", "Surat No. 460/12", TODAY)
    step = own.updates.order_by("pk").last()
    assert step is not None
    assert (step.status, step.evidence, step.note, step.by_name) == (
        "selesai", "Surat No. 460/12", "Tuntas", "dinsos",
    )  # fmt: skip
    assert AuditEntry.objects.filter(
        username="dinsos", action="write", what="coordination_follow_up_update"
    ).exists()

    # another OPD's: refused, unchanged, audited
    refused = _report(client, other, status="selesai", evidence="bukan milik kami")
    assert refused.status_code == 403
    assert "milik Dinas Kesehatan" in refused.content.decode()
    other.refresh_from_db()
    assert (other.status, other.evidence, other.updates.count()) == ("belum", "", 1)
    denied = AuditEntry.objects.get(username="dinsos", action="denied")
    assert (denied.what, denied.area, denied.filters["opd"]) == (
        "coordination_follow_up_update", REGENCY, "Dinas Kesehatan",
    )  # fmt: skip

    # the page offers the form only where it may be used
    assert "Simpan kemajuan" in client.get(f"/koordinasi/tindak-lanjut/{own.pk}/").content.decode()
    shown = client.get(f"/koordinasi/tindak-lanjut/{other.pk}/")
    assert shown.status_code == 200 and "Simpan kemajuan" not in shown.content.decode()


def test_the_api_applies_the_same_follow_up_rules(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=30))
    own = _follow_up(held, "Dinas Sosial", TODAY - timedelta(days=1))
    other = _follow_up(held, "Dinas Kesehatan", TODAY + timedelta(days=1))
    api = api_client(_officer(make_user, "dinsos", "Dinas Sosial"))

    def post(found: FollowUp, body: dict[str, Any]) -> Any:
        url = f"/api/koordinasi/tindak-lanjut/{found.pk}"
        return api.post(url, json.dumps(body), content_type="application/json")

    no_evidence = post(own, {"status": "selesai"})
    assert no_evidence.status_code == 422
    assert no_evidence.json()["fields"]["evidence"] == [
        "Tindak lanjut yang selesai wajib disertai bukti."
    ]
    moved = post(own, {"status": "proses", "note": "Rapat teknis 3 Mei"})
    assert moved.status_code == 201
    assert moved.json()["follow_up"]["status"] == "proses"
    assert moved.json()["follow_up"]["overdue"] is True  # in progress, past due
    assert post(other, {"status": "proses", "note": "x"}).status_code == 403
    assert FollowUp.objects.get(pk=other.pk).status == "belum"
    assert post(own, {"status": "proses"}).status_code == 422  # nothing changed
    assert api.post(
        f"/api/koordinasi/tindak-lanjut/{2**63}", "{}", content_type="application/json"
    ).status_code in (404, 422)


def test_done_needs_evidence_and_nothing_changes_without_it(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=30))
    own = _follow_up(held, "Dinas Sosial", TODAY + timedelta(days=5))
    client = signed_in(_officer(make_user, "dinsos", "Dinas Sosial"))
    response = _report(client, own, status="selesai", evidence="  ")
    assert response.status_code == 400
    assert "wajib disertai bukti" in response.content.decode()
    future = _report(
        client, own, status="selesai", evidence="ok", done_on=str(TODAY + timedelta(1))
    )
    assert "tidak boleh setelah hari ini" in future.content.decode()
    own.refresh_from_db()
    assert (own.status, own.updates.count()) == ("belum", 1)


def test_tkpk_member_reads_but_cannot_create_a_rakor(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=3))
    client = signed_in(make_user("tk", "tkpk", REGENCY))
    area = client.get("/koordinasi/52.05/")
    assert area.status_code == 200 and "Rakor baru" not in area.content.decode()
    page = client.get(f"/koordinasi/rakor/{held.pk}/")
    assert page.status_code == 200 and "Simpan keputusan" not in page.content.decode()
    assert client.get("/koordinasi/52.05/rakor/baru/").status_code == 403
    data = {
        "title": "Rakor gelap",
        "date": str(TODAY),
        "start_time": "09:00",
        "place": "Aula",
        "status": "direncanakan",
    }
    refused = client.post("/koordinasi/52.05/rakor/baru/", data)
    assert refused.status_code == 403
    assert "Hanya sekretariat TKPK" in refused.content.decode()
    assert client.post(f"/koordinasi/rakor/{held.pk}/keputusan/", {"text": "x"}).status_code == 403
    assert Meeting.objects.count() == 1 and not Decision.objects.exists()
    assert AuditEntry.objects.filter(username="tk", action="denied").count() == 3


def test_nobody_outside_the_area_reads_its_coordination(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=3))
    outsider = make_user("bima", "analyst", "52.06", edit="52.06")
    client = signed_in(outsider)
    assert client.get("/koordinasi/52.05/").status_code == 403
    assert client.get(f"/koordinasi/rakor/{held.pk}/").status_code == 403
    assert (
        api_client(outsider).get(f"/api/koordinasi/52.05/rakor?tahun={held.date.year}").status_code
        == 403
    )
    assert client.get("/koordinasi/52.05.01/").status_code == 404  # no TKPK at a kecamatan
    assert client.get("/koordinasi/rakor/9999999999999999999999/").status_code == 404
    assert client.get("/koordinasi/52.06/?tahun=99999").status_code == 404


def test_the_coordination_link_leads_each_role_to_its_tkpk(
    make_user: MakeUser, desas: list[str]
) -> None:
    assert (
        signed_in(make_user("prov", "province", "52")).get("/koordinasi/").url == "/koordinasi/52/"
    )
    assert signed_in(make_user("adm", "admin", "")).get("/koordinasi/").url == "/koordinasi/52.05/"
    below = signed_in(make_user("ops", "village", desas[0], edit=desas[0])).get("/koordinasi/")
    assert below.status_code == 403
    assert "wilayah Anda tidak mencakup satu pun" in below.content.decode()
    province = signed_in(make_user("prov2", "province", "52")).get("/koordinasi/52/")
    assert province.status_code == 200 and "/koordinasi/52/kepatuhan/" in province.content.decode()


def test_analyst_plans_a_rakor_with_clear_errors_first(make_user: MakeUser) -> None:
    client = signed_in(_analyst(make_user))
    assert client.get("/koordinasi/").url == "/koordinasi/52.05/"
    data = {
        "title": "Rakor TKPK I",
        "date": str(TODAY),
        "start_time": "09:00",
        "status": "terlaksana",
    }
    nowhere = client.post("/koordinasi/52.05/rakor/baru/", data)
    assert nowhere.status_code == 400
    assert "Isi tempat rapat, tautan rapat daring, atau keduanya." in nowhere.content.decode()
    bad_link = client.post("/koordinasi/52.05/rakor/baru/", data | {"online_link": "zoom/j/1"})
    assert "harus alamat web lengkap" in bad_link.content.decode()
    future = data | {"place": "Aula", "date": str(TODAY + timedelta(days=3))}
    assert (
        "belum bisa terlaksana"
        in client.post("/koordinasi/52.05/rakor/baru/", future).content.decode()
    )
    assert not Meeting.objects.exists()

    made = client.post(
        "/koordinasi/52.05/rakor/baru/", data | {"online_link": "https://meet.example.id/tkpk"}
    )
    meeting = Meeting.objects.get()
    assert made.status_code == 302 and made.url == f"/koordinasi/rakor/{meeting.pk}/"
    assert (meeting.area_code, meeting.status, meeting.created_by_name) == (
        REGENCY,
        "terlaksana",
        "ana",
    )
    entry = AuditEntry.objects.get(username="ana", action="write")
    assert (entry.what, entry.area) == ("coordination_meeting", REGENCY)

    # invitees, attendance, a decision and its follow-up
    for name in ("Nurhayati", "Abdul Haris"):
        client.post(
            f"/koordinasi/rakor/{meeting.pk}/undangan/", {"name": name, "opd": "Dinas Sosial"}
        )
    first, _second = Invitee.objects.order_by("pk")
    client.post(f"/koordinasi/rakor/{meeting.pk}/kehadiran/", {"hadir": [str(first.pk)]})
    assert list(Invitee.objects.order_by("pk").values_list("attended", flat=True)) == [True, False]
    client.post(f"/koordinasi/rakor/{meeting.pk}/keputusan/", {"text": "Verval desil 1–2"})
    decision = Decision.objects.get()
    early = client.post(
        f"/koordinasi/keputusan/{decision.pk}/tindak-lanjut/",
        {"action": "Verval", "owner_opd": "Dinas Sosial", "due": str(TODAY - timedelta(days=1))},
    )
    assert early.status_code == 400
    assert "Tenggat tidak boleh sebelum tanggal rakor." in early.content.decode()
    client.post(
        f"/koordinasi/keputusan/{decision.pk}/tindak-lanjut/",
        {"action": "Verval", "owner_opd": "Dinas Sosial", "due": str(TODAY + timedelta(days=30))},
    )
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner_opd, follow_up.status, follow_up.updates.count()) == (
        "Dinas Sosial", "belum", 1,
    )  # fmt: skip
    page = client.get(f"/koordinasi/rakor/{meeting.pk}/").content.decode()
    assert "1 dari 2 undangan hadir" in page and "Verval desil 1–2" in page
    assert 'style="' not in page and "<script>" not in page


def test_attendance_waits_for_the_day_and_a_cancelled_rakor_decides_nothing(
    make_user: MakeUser,
) -> None:
    client = signed_in(_analyst(make_user))
    coming = _meeting(TODAY + timedelta(days=5), "direncanakan")
    Invitee.objects.create(meeting=coming, name="A")
    early = client.post(f"/koordinasi/rakor/{coming.pk}/kehadiran/", {"hadir": []})
    assert early.status_code == 409
    assert Invitee.objects.get().attended is None
    cancelled = _meeting(TODAY - timedelta(days=5), "batal")
    refused = client.post(f"/koordinasi/rakor/{cancelled.pk}/keputusan/", {"text": "x"})
    assert refused.status_code == 409 and "Rakor ini batal" in refused.content.decode()
    decided = _meeting(TODAY - timedelta(days=2))
    _follow_up(decided, "DPMD", TODAY)
    edit = {"title": "x", "date": str(decided.date), "start_time": "09:00", "place": "Aula"}
    cancel = client.post(f"/koordinasi/rakor/{decided.pk}/ubah/", edit | {"status": "batal"})
    assert cancel.status_code == 400 and "tidak bisa dibatalkan" in cancel.content.decode()
    assert Meeting.objects.get(pk=decided.pk).status == "terlaksana"


# --- history ------------------------------------------------------------------------------


def test_follow_up_history_is_append_only(make_user: MakeUser) -> None:
    held = _meeting(TODAY - timedelta(days=30))
    found = _follow_up(held, "Dinas Sosial", TODAY + timedelta(days=5))
    client = signed_in(_officer(make_user, "dinsos", "Dinas Sosial"))
    _report(client, found, status="proses", note="Mulai")
    _report(client, found, status="selesai", evidence="BA serah terima")
    _report(client, found, status="proses", note="Dibuka lagi: data kurang")
    steps = list(found.updates.order_by("pk"))
    assert [(s.status, s.note) for s in steps] == [
        ("belum", ""),
        ("proses", "Mulai"),
        ("selesai", ""),
        ("proses", "Dibuka lagi: data kurang"),
    ]
    found.refresh_from_db()
    assert (found.status, found.done_on) == ("proses", None)  # reopened: no longer done
    first = steps[0]
    first.note = "diubah"
    with pytest.raises(PermissionDenied):
        first.save()
    with pytest.raises(PermissionDenied):
        first.delete()
    with pytest.raises(PermissionDenied):
        FollowUpUpdate.objects.filter(follow_up=found).update(note="x")
    with pytest.raises(PermissionDenied):
        FollowUpUpdate.objects.filter(follow_up=found).delete()
    assert FollowUpUpdate.objects.filter(follow_up=found, note="").count() == 2
    history = client.get(f"/koordinasi/tindak-lanjut/{found.pk}/").content.decode()
    assert "Dibuka lagi: data kurang" in history and "BA serah terima" in history


def test_a_new_decree_keeps_the_old_one_as_history(make_user: MakeUser) -> None:
    client = signed_in(_analyst(make_user))
    first = {"number": "188.45/10/2024", "signed_on": "2024-02-01", "title": "Keputusan Bupati"}
    assert client.post("/koordinasi/52.05/sk/baru/", first).status_code == 302
    old = Decree.objects.get()
    assert list(old.groups.values_list("name", flat=True)) == list(PROPOSED_WORKING_GROUPS)
    member = {
        "name": "H. Arifin",
        "position": "Wakil Bupati",
        "element": "pemerintah",
        "team_role": "ketua",
        "working_group": "",
    }
    assert client.post(f"/koordinasi/sk/{old.pk}/anggota/baru/", member).status_code == 302
    second_chair = client.post(
        f"/koordinasi/sk/{old.pk}/anggota/baru/", member | {"name": "Drs. Yasin"}
    )
    assert second_chair.status_code == 400
    assert "sudah punya ketua (H. Arifin)" in second_chair.content.decode()
    again = client.post("/koordinasi/52.05/sk/baru/", first)
    assert "Nomor SK ini sudah tercatat" in again.content.decode()

    # a new decree, copied from the old one, then changed
    new = first | {"number": "188.45/33/2026", "signed_on": str(TODAY), "copy_previous": "on"}
    assert client.post("/koordinasi/52.05/sk/baru/", new).status_code == 302
    current = Decree.objects.current(REGENCY)
    assert current is not None and current != old
    copied = current.members.get()
    assert (
        client.post(
            f"/koordinasi/anggota/{copied.pk}/ubah/", member | {"name": "Hj. Ratna"}
        ).status_code
        == 302
    )

    # the old decree is unchanged and refuses changes
    assert list(old.members.values_list("name", flat=True)) == ["H. Arifin"]
    assert old.groups.count() == current.groups.count() == 6
    old_member = old.members.get()
    refused = client.post(f"/koordinasi/anggota/{old_member.pk}/ubah/", member | {"name": "X"})
    assert refused.status_code == 409 and "sudah digantikan" in refused.content.decode()
    assert Member.objects.get(pk=old_member.pk).name == "H. Arifin"
    page = client.get("/koordinasi/52.05/keanggotaan/").content.decode()
    assert "Hj. Ratna" in page and "188.45/10/2024" in page and "digantikan" in page
    history = client.get(f"/koordinasi/52.05/keanggotaan/?sk={old.pk}").content.decode()
    assert "SK terdahulu (riwayat)" in history and "H. Arifin" in history


# --- materials ----------------------------------------------------------------------------


def test_a_material_is_kept_byte_for_byte(
    make_user: MakeUser, settings: Any, tmp_path: Path
) -> None:
    settings.HOME = tmp_path
    held = _meeting(TODAY)
    content = bytes(range(256)) * 40 + b"\r\n\x00akhir"
    client = signed_in(_analyst(make_user))
    upload = SimpleUploadedFile("Paparan Bappeda (final).pdf", content)
    response = client.post(f"/koordinasi/rakor/{held.pk}/bahan/", {"berkas": upload})
    assert response.status_code == 302
    material = Material.objects.get()
    digest = hashlib.sha256(content).hexdigest()
    assert (material.original_name, material.sha256, material.size) == (
        "Paparan Bappeda (final).pdf", digest, len(content),
    )  # fmt: skip
    assert (tmp_path / "rakor" / f"{digest}.pdf").read_bytes() == content
    download = client.get(f"/koordinasi/bahan/{material.pk}/")
    assert b"".join(download.streaming_content) == content
    assert "Paparan Bappeda (final).pdf" in download["Content-Disposition"]
    reader = signed_in(make_user("tk", "tkpk", REGENCY))
    assert reader.get(f"/koordinasi/bahan/{material.pk}/").status_code == 200
    outsider = signed_in(make_user("bima", "tkpk", "52.06"))
    assert outsider.get(f"/koordinasi/bahan/{material.pk}/").status_code == 403


def test_an_oversize_material_is_refused_with_its_limit(
    make_user: MakeUser, settings: Any, tmp_path: Path
) -> None:
    settings.HOME = tmp_path
    settings.COORDINATION_MATERIAL_MAX_BYTES = 1024 * 1024
    held = _meeting(TODAY)
    client = signed_in(_analyst(make_user))
    big = SimpleUploadedFile("rekaman.pdf", b"x" * (1024 * 1024 + 1))
    response = client.post(f"/koordinasi/rakor/{held.pk}/bahan/", {"berkas": big})
    assert response.status_code == 400
    assert (
        "Bahan rapat terlalu besar (1,1 MB): batasnya 1 MB per berkas." in response.content.decode()
    )
    program = SimpleUploadedFile("alat.exe", b"MZ\x90\x00")
    assert (
        "Jenis berkas tidak diterima"
        in client.post(f"/koordinasi/rakor/{held.pk}/bahan/", {"berkas": program}).content.decode()
    )
    assert not Material.objects.exists()
    assert not (tmp_path / "rakor").exists() or not any((tmp_path / "rakor").iterdir())


# --- the dashboard card -------------------------------------------------------------------


def test_the_overdue_card_shows_on_the_area_and_its_desa(
    make_user: MakeUser, desas: list[str]
) -> None:
    held = _meeting(TODAY - timedelta(days=40))
    late = _follow_up(held, "Disdukcapil", TODAY - timedelta(days=2), "proses")
    _follow_up(held, "DPMD", TODAY + timedelta(days=2))
    analyst = _analyst(make_user)
    operator = make_user("ops", "village", desas[0], edit=desas[0])

    def card(user: User, code: str) -> str:
        request = RequestFactory().get("/")
        request.user = user
        template = Template("{% load coordination %}{% overdue_follow_ups code %}")
        return template.render(Context({"request": request, "code": code}))

    regency = card(analyst, REGENCY)
    assert "1 tindak lanjut rakor lewat tenggat" in regency
    assert f'href="/koordinasi/tindak-lanjut/{late.pk}/"' in regency and "Disdukcapil" in regency
    assert "DPMD" not in regency
    desa = card(operator, desas[0])
    assert "1 tindak lanjut rakor lewat tenggat" in desa and "Disdukcapil" in desa
    assert "href=" not in desa  # the operator cannot open the regency's follow-ups: no link
    assert card(analyst, "52.06").strip() == ""  # nothing overdue there: nothing at all
    late.status = "selesai"
    late.save()
    assert card(analyst, REGENCY).strip() == ""


# --- API ----------------------------------------------------------------------------------


def test_the_api_lists_a_years_rakor_with_decisions_and_follow_ups(make_user: MakeUser) -> None:
    held = _meeting(date(2025, 6, 17), minutes="Notulen")
    _follow_up(held, "Dinas Sosial", date(2025, 7, 31), "selesai")
    _meeting(date(2024, 6, 17))
    api = api_client(make_user("tk", "tkpk", REGENCY))
    answer = api.get("/api/koordinasi/52.05/rakor?tahun=2025")
    assert answer.status_code == 200
    (meeting,) = answer.json()
    assert (meeting["date"], meeting["minutes"], meeting["present"]) == (
        "2025-06-17",
        "Notulen",
        None,
    )
    (decision,) = meeting["decisions"]
    (follow_up,) = decision["follow_ups"]
    assert (follow_up["owner_opd"], follow_up["status"], follow_up["overdue"]) == (
        "Dinas Sosial", "selesai", False,
    )  # fmt: skip
    assert api.get("/api/koordinasi/52.05/rakor?tahun=1800").status_code == 422
    assert api.get("/api/koordinasi/52.05.01/rakor").status_code == 422
    assert api.get("/api/koordinasi/52.99/rakor").status_code == 404


# --- demo ---------------------------------------------------------------------------------


def test_demo_seed_is_idempotent_and_has_overdue_work_for_dinas_sosial(db: None) -> None:
    today = date(2026, 11, 23)
    seed_demo_coordination(REGENCY, 2026, today)
    counts = [Decree.objects.count(), Meeting.objects.count(), FollowUp.objects.count()]
    updates = FollowUpUpdate.objects.count()
    seed_demo_coordination(REGENCY, 2026, today)
    assert [Decree.objects.count(), Meeting.objects.count(), FollowUp.objects.count()] == counts
    assert FollowUpUpdate.objects.count() == updates
    decree = Decree.objects.get()
    assert decree.members.get(team_role="ketua").position == "Wakil Bupati"
    assert decree.members.get(team_role="sekretaris").position == "Kepala Bappeda"
    assert {"pemerintah", "masyarakat", "dunia_usaha", "lainnya"} == set(
        decree.members.values_list("element", flat=True)
    )
    assert counts[1] == 3 and Meeting.objects.filter(status="terlaksana").count() == 3
    assert reads.compliance_of(wilayah.get(REGENCY), 2026).met
    statuses = set(FollowUp.objects.values_list("status", flat=True))
    assert statuses == {"belum", "proses", "selesai"}
    assert reads.overdue([REGENCY], today).count() >= 2
    assert FollowUp.objects.filter(owner_opd="Dinas Sosial").exclude(status="selesai").exists()
    # steps never lie after the day the demo is built for
    latest = FollowUpUpdate.objects.order_by("-at").first()
    assert latest is not None and latest.at < timezone.make_aware(datetime(2026, 11, 23))
