"""Demo coordination records for the synthetic regency: a TKPK, its year, three rakor.

Everything here is invented for the demonstration: the decree number, the
people's names, the minutes and the follow-ups. The positions follow the usual
SK Bupati pattern (DOMAIN.md 1.2) and the OPD names those of
``sinergi.domain.reference.opd_programs()``, so the demo OPD officer (Dinas
Sosial) finds follow-ups of their own. Statuses are set relative to ``today``:
some done, some in progress, some overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from sinergi.domain import wilayah
from sinergi.domain.reference import opd_programs
from sinergi.web.coordination.actions import PROPOSED_WORKING_GROUPS
from sinergi.web.coordination.models import (
    AgendaItem,
    Decision,
    Decree,
    FollowUp,
    FollowUpStatus,
    FollowUpUpdate,
    Invitee,
    Meeting,
    MeetingStatus,
    Member,
    WorkingGroup,
)
from sinergi.web.coordination.reads import full_name

DEMO_DECREE_NUMBER = "188.45/027/BUP/DEMO"
SECRETARIAT = "sekretariat (demo)"

# name, position, institution, element, team role, pokja (1-based index of the proposal; 0 none)
MEMBERS = (
    ("H. Arifin Rahman, S.Sos.", "Wakil Bupati", "Pemerintah Kabupaten", "pemerintah", "ketua", 0),
    ("Drs. Muhammad Yasin, M.Si.", "Sekretaris Daerah", "Sekretariat Daerah", "pemerintah",
     "wakil_ketua", 0),
    ("Ir. Siti Rahmawati, M.T.", "Kepala Bappeda", "Bappeda", "pemerintah", "sekretaris", 4),
    ("Nurhayati, S.Sos., M.AP.", "Kepala Dinas Sosial", "Dinas Sosial", "pemerintah", "anggota", 1),
    ("Drs. Abdul Haris", "Kepala Dinas Pendidikan", "Dinas Pendidikan", "pemerintah", "anggota", 1),
    ("dr. Fitriani Sudirman", "Kepala Dinas Kesehatan", "Dinas Kesehatan", "pemerintah", "anggota",
     1),
    ("Syamsuddin, S.IP.", "Kepala Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "pemerintah",
     "anggota", 2),
    ("Ir. Bambang Kurniawan", "Kepala Dinas Perumahan dan Kawasan Permukiman", "Dinas Perkim",
     "pemerintah", "anggota", 2),
    ("Hj. Ratna Dewi, S.E.", "Kepala Dinas Tenaga Kerja", "Disnaker", "pemerintah", "anggota", 3),
    ("Ahmad Zulkifli, S.E., M.M.", "Kepala Dinas Koperasi dan UMKM", "Dinas Koperasi UMKM",
     "pemerintah", "anggota", 3),
    ("Mulyadi, S.H.", "Kepala Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil",
     "pemerintah", "anggota", 4),
    ("Rina Marlina, S.Si.", "Kepala BPS Kabupaten", "BPS Kabupaten", "lainnya", "anggota", 4),
    ("Dr. Hasanuddin, M.Pd.", "Dosen, Ketua Pusat Studi Kemiskinan", "Perguruan tinggi (contoh)",
     "lainnya", "anggota", 5),
    ("H. Ismail Ahmad", "Ketua Baznas Kabupaten", "Baznas Kabupaten", "lainnya", "anggota", 5),
    ("Andi Saputra", "Ketua Forum CSR Kabupaten", "Forum CSR (contoh)", "dunia_usaha", "anggota",
     5),
    ("Sri Wahyuni", "Direktur LSM Lingkar Desa (contoh)", "LSM Lingkar Desa", "masyarakat",
     "anggota", 6),
    ("Lalu Hidayat", "Ketua Forum Kepala Desa", "Forum Kepala Desa", "masyarakat", "anggota", 2),
    ("Dewi Lestari, S.E.", "Kepala Bidang Pemerintahan dan Pembangunan Manusia",
     "Bappeda", "pemerintah", "sekretariat", 0),
    ("Yusuf Maulana, S.Stat.", "Perencana Ahli Muda", "Bappeda", "pemerintah", "sekretariat", 0),
)  # fmt: skip


@dataclass(frozen=True)
class _FollowUp:
    opd: str
    action: str
    due: tuple[int, int]  # month, day of the meeting's year
    final: FollowUpStatus  # the status it reaches, if its steps lie before today
    evidence: str = ""


@dataclass(frozen=True)
class _Rakor:
    when: tuple[int, int]
    title: str
    agenda: str
    decisions: tuple[tuple[str, tuple[_FollowUp, ...]], ...]


RAKOR = (
    _Rakor(
        (2, 18),
        "Rakor TKPK I: sasaran tunggal dan penyusunan RAT",
        "1. Hasil pemutakhiran DTSEN desil 1–2\n2. Penyusunan Rencana Aksi Tahunan per OPD",
        (
            (
                "DTSEN desil 1–2 menjadi sasaran tunggal program penanggulangan kemiskinan daerah.",
                (
                    _FollowUp("Dinas Sosial", "Verifikasi dan validasi keluarga desil 1–2 bersama "
                              "desa; kirim rekapnya ke sekretariat.", (4, 30),
                              FollowUpStatus.SELESAI,
                              "Rekap verval 81 desa, surat Dinsos No. 460/112 (contoh)."),
                    _FollowUp("Disdukcapil", "Layanan jemput bola NIK/KK bagi keluarga miskin "
                              "ekstrem yang belum punya dokumen.", (5, 31), FollowUpStatus.PROSES),
                ),
            ),
            (
                "RAT disusun per OPD dengan sasaran by name by address.",
                (
                    _FollowUp("Dinas Pendidikan", "Data anak tidak sekolah dari keluarga desil "
                              "1–4 untuk usulan PIP.", (3, 31), FollowUpStatus.SELESAI,
                              "Daftar ATS per desa diserahkan ke Bappeda (contoh)."),
                    _FollowUp("Dinas Kesehatan", "Usulan PBI-JKN APBD bagi keluarga desil 1 yang "
                              "belum terlindungi.", (4, 15), FollowUpStatus.BELUM),
                ),
            ),
        ),
    ),
    _Rakor(
        (6, 17),
        "Rakor TKPK II: kantong kemiskinan dan jaminan sosial",
        "1. Kantong kemiskinan teratas\n2. Bedah rumah dan BLT Dana Desa\n3. BPJS Ketenagakerjaan",
        (
            (
                "Percepatan bedah rumah dan BLT Dana Desa di kantong kemiskinan.",
                (
                    _FollowUp("Dinas Perkim", "Daftar calon penerima BSPS/RTLH dari kantong "
                              "kemiskinan teratas.", (8, 31), FollowUpStatus.PROSES),
                    _FollowUp("DPMD", "Pastikan BLT Dana Desa menyasar keluarga miskin ekstrem "
                              "menurut DTSEN.", (7, 31), FollowUpStatus.SELESAI,
                              "Surat edaran Kepala DPMD kepada kepala desa (contoh)."),
                    _FollowUp("Dinas Sosial", "Usulan ATENSI bagi lansia tunggal dan penyandang "
                              "disabilitas berat.", (12, 15), FollowUpStatus.PROSES),
                ),
            ),
            (
                "Perluasan BPJS Ketenagakerjaan dan akses usaha bagi pekerja rentan.",
                (
                    _FollowUp("Disnaker", "Usulan iuran BPJS-TK BPU bagi pekerja informal desil "
                              "1–2 lewat APBD/CSR.", (9, 30), FollowUpStatus.BELUM),
                    _FollowUp("Dinas Koperasi UMKM", "Pendampingan akses KUR/UMi bagi keluarga "
                              "miskin produktif.", (11, 30), FollowUpStatus.BELUM),
                ),
            ),
        ),
    ),
    _Rakor(
        (10, 14),
        "Rakor TKPK III: evaluasi RAT dan laporan tahunan",
        "1. Realisasi RAT semester I\n2. Tindak lanjut rakor sebelumnya\n3. Laporan tahunan",
        (
            (
                "Laporan pelaksanaan penanggulangan kemiskinan disusun dari realisasi RAT.",
                (
                    _FollowUp("Bappeda", "Susun laporan pelaksanaan penanggulangan kemiskinan "
                              "tahun ini.", (12, 31), FollowUpStatus.BELUM),
                    _FollowUp("Dinas Sosial", "Rekap penyaluran bansos semester II per desa.",
                              (12, 20), FollowUpStatus.BELUM),
                ),
            ),
        ),
    ),
)  # fmt: skip

AGENDA = (
    ("rat", "Penyusunan Rencana Aksi Tahunan", (3, 31)),
    ("laporan", "Laporan pelaksanaan penanggulangan kemiskinan tahun lalu", (4, 30)),
    ("rpkd", "Reviu RPKD dan penyelarasan dengan RPJMD", (6, 30)),
    ("laporan", "Laporan realisasi RAT semester I", (7, 31)),
    ("rat", "Desk evaluasi RAT bersama Bappeda provinsi", (12, 15)),
)
OPEN_AGENDA = "rpkd"  # left undone in the demo, so the agenda shows an overdue line

INVITED_ROLES = ("ketua", "wakil_ketua", "sekretaris", "anggota")


@transaction.atomic
def seed_demo_coordination(regency: str, year: int, today: date) -> None:
    """The demo TKPK of ``regency`` and its work in ``year``, as of ``today``; idempotent.

    Each part (the decree, each agenda line, each rakor) is made only when it is
    missing, so running it again changes nothing and running it for another
    year adds that year.
    """
    area = wilayah.get(regency)
    decree = _decree(area, year, today)
    for kind, title, (month, dom) in AGENDA:
        due = date(year, month, dom)
        done = due - timedelta(days=3) if due < today and kind != OPEN_AGENDA else None
        AgendaItem.objects.get_or_create(
            area_code=area.code,
            year=year,
            title=f"{title} ({year})",
            defaults={"kind": kind, "due": due, "done_on": done},
        )
    for rakor in RAKOR:
        day = date(year, *rakor.when)
        AgendaItem.objects.get_or_create(
            area_code=area.code,
            year=year,
            title=rakor.title,
            defaults={"kind": "rakor", "due": day, "done_on": day if day < today else None},
        )
        if not Meeting.objects.filter(area_code=area.code, date=day, title=rakor.title).exists():
            _meeting(area.code, decree, rakor, day, today)


def _decree(area: wilayah.Area, year: int, today: date) -> Decree:
    found = Decree.objects.filter(area_code=area.code, number=DEMO_DECREE_NUMBER).first()
    if found is not None:
        return found
    place = area.label.split(" ", 1)[1]
    head = "Wali Kota" if area.kind == "kota" else "Bupati"
    decree = Decree.objects.create(
        area_code=area.code,
        number=DEMO_DECREE_NUMBER,
        signed_on=min(date(year, 1, 15), today),
        title=f"Keputusan {head} {place} tentang Tim Koordinasi Penanggulangan Kemiskinan "
        f"{full_name(area)}",
        note="Data demo sintetis: nomor SK dan nama-nama orang dikarang.",
        created_by_name=SECRETARIAT,
    )
    groups = [
        WorkingGroup.objects.create(decree=decree, name=name, order=order)
        for order, name in enumerate(PROPOSED_WORKING_GROUPS, start=1)
    ]
    Member.objects.bulk_create(
        Member(
            decree=decree,
            name=name,
            position=position,
            institution=institution,
            element=element,
            team_role=role,
            working_group=groups[group - 1] if group else None,
        )
        for name, position, institution, element, role, group in MEMBERS
    )
    return decree


def _meeting(area: str, decree: Decree, rakor: _Rakor, day: date, today: date) -> None:
    held = day < today
    meeting = Meeting.objects.create(
        area_code=area,
        date=day,
        start_time=time(9, 0),
        place="Ruang Rapat Bappeda",
        title=rakor.title,
        agenda=rakor.agenda,
        status=MeetingStatus.TERLAKSANA if held else MeetingStatus.DIRENCANAKAN,
        minutes=_minutes(rakor) if held else "",
        created_by_name=SECRETARIAT,
        created_at=min(_at(day - timedelta(days=14)), timezone.now()),
    )
    invited = decree.members.filter(team_role__in=INVITED_ROLES).order_by("pk")
    opds = {row.opd for row in opd_programs()}
    Invitee.objects.bulk_create(
        Invitee(
            meeting=meeting,
            name=m.name,
            institution=m.position,
            opd=m.institution if m.institution in opds else "",
            # Two members sent apologies to every rakor the demo holds.
            attended=(index % 7 != 5) if held else None,
        )
        for index, m in enumerate(invited)
    )
    if not held:
        return
    for number, (text, follow_ups) in enumerate(rakor.decisions, start=1):
        decision = Decision.objects.create(
            meeting=meeting,
            number=number,
            text=text,
            created_by_name=SECRETARIAT,
            created_at=_at(day),
        )
        for planned in follow_ups:
            _follow_up(decision, planned, day, today)


def _follow_up(decision: Decision, planned: _FollowUp, day: date, today: date) -> None:
    due = date(day.year, *planned.due)
    follow_up = FollowUp.objects.create(
        decision=decision, action=planned.action, owner_opd=planned.opd, due=due
    )
    _step(follow_up, day, SECRETARIAT, "Tindak lanjut dicatat dari rakor.")
    if planned.final == FollowUpStatus.BELUM:
        return
    started = day + timedelta(days=10)
    if started < today:
        follow_up.status = FollowUpStatus.PROSES
        _step(follow_up, started, f"{planned.opd} (demo)", "Mulai dikerjakan.")
    finished = due - timedelta(days=5)
    if planned.final == FollowUpStatus.SELESAI and started < finished < today:
        follow_up.status = FollowUpStatus.SELESAI
        follow_up.evidence = planned.evidence
        follow_up.done_on = finished
        _step(follow_up, finished, f"{planned.opd} (demo)", "Selesai.")
    follow_up.save(update_fields=["status", "evidence", "done_on"])


def _step(follow_up: FollowUp, day: date, by: str, note: str) -> None:
    FollowUpUpdate.objects.create(
        follow_up=follow_up,
        status=follow_up.status,
        evidence=follow_up.evidence,
        note=note,
        by_name=by,
        at=_at(day),
    )


def _minutes(rakor: _Rakor) -> str:
    decided = "\n".join(f"{n}. {text}" for n, (text, _f) in enumerate(rakor.decisions, start=1))
    return (
        "Rapat dibuka oleh Ketua TKPK. Sekretaris memaparkan data terpadu dan tindak lanjut "
        f"rakor sebelumnya.\n\nKeputusan:\n{decided}\n\n(Notulen demo sintetis.)"
    )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))
