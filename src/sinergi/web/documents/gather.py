"""What each document says, gathered from the lake and the app database for one area and year.

Every number comes from a table Sinergi already keeps: the latest diagnosis
(``areas``, ``pockets``, ``distribution``, coverage), the latest poverty
statistics run (``estimates``, ``history``, ``small_areas``), the targets and
scorecard, the area's action plan (current version, with realisation) and its
rakor. Where a source is missing the context says so (``None``) and the template
prints a sentence saying the data is not there yet; nothing is estimated or
made up. The sentences of findings (:func:`findings`) are built from the same
numbers. Context keys are Indonesian, as the template authors read them.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from sinergi.domain import wilayah
from sinergi.domain.reference import ReferenceDataError
from sinergi.errors import SinergiError
from sinergi.lake.home import DataHome, latest_run_folder
from sinergi.pipeline.diagnose.aggregate import suppress_small_counts
from sinergi.pipeline.diagnose.export import COLUMN_LABELS
from sinergi.pipeline.diagnose.rules import load_rule_set
from sinergi.pipeline.stats.export import RELIABILITY_LABELS
from sinergi.pipeline.stats.lines import SHIPPED, LineCatalogue, line_catalogue
from sinergi.reports.charts import Chart, Series
from sinergi.reports.documents import MISSING, AnnexTable, Draft, write_annex
from sinergi.reports.formats import MONTHS, id_date, id_number
from sinergi.reports.rat_matrix import write_rat
from sinergi.web import registry, scoping
from sinergi.web.coordination import reads as coordination
from sinergi.web.coordination.models import LABELS as COORDINATION_LABELS
from sinergi.web.coordination.models import FollowUpStatus, Meeting, MeetingStatus
from sinergi.web.coordination.rules import MINIMUM_RAKOR, is_overdue
from sinergi.web.documents.models import DocumentRun, Kind
from sinergi.web.plans import reads as plan_reads
from sinergi.web.plans.models import Plan
from sinergi.web.plans.transfer import rat_row
from sinergi.web.plans.vocabulary import INPRES, PERPRES
from sinergi.web.progress import actuals, scorecard
from sinergi.web.progress.coverage import NotDiagnosed, coverage

# The names-and-addresses annex is a file of its own, marked by this in its name.
PERSONAL_MARK = "_nama_alamat"
RPKD_YEARS = 5  # an RPKD runs with the five-year RPJMD
TOP_POCKETS = 10
BPS_BASIS = actuals.BPS_BASIS
DEPRIVATIONS = {
    "d_food": "Pangan",
    "d_water": "Air minum",
    "d_sanitation": "Sanitasi",
    "d_health": "Kesehatan",
    "d_housing": "Perumahan",
    "d_education": "Pendidikan",
    "d_information": "Informasi",
}
VULNERABLE = (
    "elderly_alone",
    "female_head",
    "disabled_families",
    "severe_disability_families",
    "migrant_families",
    "ats_children",
    "missing_documents",
)


@dataclass
class Bundle:
    """The drafts of a run, the workbooks written as they are, and the data they came from."""

    drafts: list[Draft] = field(default_factory=list)
    workbooks: dict[str, bytes] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)
    names_rows: int = 0
    names_identifiers: bool = False  # whether the annex holds whole NIKs and KKs


def bundle(run: DocumentRun) -> Bundle:
    """Everything run ``run`` writes, in Bahasa Indonesia whatever the asker's language."""
    with translation.override("id"):
        return _BUILDERS[run.kind](run)


# --- the four kinds ------------------------------------------------------------------------


def _rpkd(run: DocumentRun) -> Bundle:
    found = Bundle()
    context = _common(run, found)
    last = run.year + RPKD_YEARS - 1
    context |= {"tahun_akhir": last, "periode": f"{run.year}–{last}"}
    context |= _poverty(run.scope, found) | _registry(run.scope, found)
    context |= _plan(run.scope, run.year, found) | _targets(run.scope)
    context["temuan"] = findings(context)
    found.drafts.append(
        Draft(
            "rpkd",
            _stem("RPKD", run, f"{run.year}-{last}"),
            context,
            _charts(context),
            _annex(context),
        )
    )
    return found


def _rat(run: DocumentRun) -> Bundle:
    found = Bundle()
    context = _common(run, found) | _plan(run.scope, run.year, found) | _targets(run.scope)
    found.drafts.append(Draft("rat", _stem("RAT", run), context, _charts(context), _annex(context)))
    if context["rencana"] is not None:
        out = io.BytesIO()
        write_rat(
            context["rencana"]["rat_rows"], out, year=run.year, area_name=context["wilayah"]["nama"]
        )
        found.workbooks[f"{_stem('RAT', run)}_matriks.xlsx"] = out.getvalue()
    return found


def _lp2kd(run: DocumentRun) -> Bundle:
    found = Bundle()
    context = _common(run, found)
    context |= _poverty(run.scope, found) | _registry(run.scope, found)
    context |= _plan(run.scope, run.year, found) | _targets(run.scope)
    context |= _coordination(run.scope, run.year)
    context["temuan"] = findings(context)
    if run.names:
        people = _reached(run)
        found.names_rows = people.height
        found.names_identifiers = scoping.may(
            run.user or AnonymousUser(), "see_identifiers", run.scope
        )
        table = AnnexTable(
            "Penerima (BNBA)",
            "Keluarga penerima program menurut nama dan alamat. DATA PRIBADI: simpan dan "
            "bagikan hanya sesuai UU 27/2022 tentang Pelindungan Data Pribadi.",
            people,
            BNBA_LABELS,
        )
        out = io.BytesIO()
        write_annex([table], out)
        found.workbooks[f"{_stem('LP2KD', run)}{PERSONAL_MARK}.xlsx"] = out.getvalue()
    context["lampiran_nama"] = run.names
    found.drafts.append(
        Draft("lp2kd", _stem("LP2KD", run), context, _charts(context), _annex(context))
    )
    return found


def _notulen(run: DocumentRun) -> Bundle:
    found = Bundle()
    context = _common(run, found)
    meetings = (
        [run.meeting] if run.meeting else list(coordination.year_meetings(run.scope, run.year))
    )
    held = [m for m in meetings if m is not None and m.status != MeetingStatus.BATAL]
    if not held:
        raise SinergiError(
            f"Belum ada rakor {run.year} untuk {context['wilayah']['nama']}; catat rakor di "
            "halaman Koordinasi TKPK lebih dulu.",
            english=f"no rakor in {run.year} for {run.scope}",
            code="NO_RAKOR",
        )
    today = timezone.localdate()
    for number, meeting in enumerate(held, start=1):
        rakor = _meeting(meeting, number, today)
        page = context | {"rakor": rakor}
        stem = f"{meeting.date:%Y-%m-%d}_rakor{number}"
        found.drafts += [
            Draft("undangan_rakor", _stem("Undangan", run, stem), page),
            Draft("daftar_hadir_rakor", _stem("Daftar_hadir", run, stem), page),
            Draft("notulen_rakor", _stem("Notulen", run, stem), page),
        ]
    found.sources["rakor"] = [m.pk for m in held]
    return found


_BUILDERS = {Kind.RPKD: _rpkd, Kind.RAT: _rat, Kind.LP2KD: _lp2kd, Kind.NOTULEN: _notulen}


def _stem(prefix: str, run: DocumentRun, part: str | None = None) -> str:
    return f"{prefix}_{run.scope.replace('.', '')}_{part or run.year}"


# --- the parts ---------------------------------------------------------------------------


def _common(run: DocumentRun, found: Bundle) -> dict[str, Any]:
    area = wilayah.get(run.scope)
    province = wilayah.ancestors(area.code)[0] if area.level is not wilayah.Level.PROVINCE else area
    districts = [a for a in wilayah.children(area.code) if a.level is wilayah.Level.DISTRICT]
    return {
        "wilayah": {
            "kode": area.code,
            "nama": coordination.full_name(area),
            "provinsi": coordination.full_name(province),
            "kecamatan": len(districts) if area.level is wilayah.Level.REGENCY else None,
            "desa": len(wilayah.villages_of(area.code)),
            "jenis": "provinsi" if area.level is wilayah.Level.PROVINCE else area.kind,
        },
        "tahun": run.year,
        "tanggal": timezone.localdate(),
        "pembuat": run.username,
    }


def _poverty(area: str, found: Bundle) -> dict[str, Any]:
    """The survey figures of the latest stats run when it covers ``area``; else None."""
    home = DataHome.resolve(Path(settings.HOME))
    folder = latest_run_folder(home, "stats")
    manifest = json.loads((folder / "manifest.json").read_text()) if folder else {}
    if folder is None or manifest.get("regency") != area:
        return {"kemiskinan": None, "kemiskinan_kecamatan": [], "kemiskinan_tren": []}
    found.sources["statistik"] = folder.name
    estimates = pl.read_parquet(folder / "estimates.parquet").filter(level="kabupaten")
    bps = _by_indicator(estimates.filter(basis=BPS_BASIS))
    extreme = _by_indicator(estimates.filter(pl.col("basis") != BPS_BASIS))
    survey = manifest.get("survey", {})
    catalogue = line_catalogue(home)  # the secretariat's imported lines are named too
    figures = {
        "periode": period_label(survey.get("period")) if isinstance(survey, dict) else None,
        "p0": bps["P0"]["value"],
        "p0_bawah": bps["P0"]["ci_low"],
        "p0_atas": bps["P0"]["ci_high"],
        "p0_keandalan": RELIABILITY_LABELS.get(bps["P0"]["reliability"] or "", "–"),
        "p1": bps["P1"]["value"],
        "p2": bps["P2"]["value"],
        "miskin_jiwa": bps["poor_persons"]["value"],
        "ekstrem": extreme["P0"]["value"] if "P0" in extreme else None,
        # The line's name as people know it, not its basis code (USD_1.90_PPP2011).
        "ekstrem_basis": (
            line_names(extreme["P0"]["lines"], catalogue) if "P0" in extreme else None
        ),
        "gini": bps["gini"]["value"],
        "palma": bps["palma"]["value"],
        "b40": bps["bottom40_share"]["value"] * 100,
        "garis": line_names(bps["P0"]["lines"], catalogue),
    }
    small = pl.read_parquet(folder / "small_areas.parquet").filter(basis=BPS_BASIS)
    districts = [
        {
            "kode": r["district"],
            "nama": r["district_name"],
            "langsung": r["direct"],
            "p0": r["estimate"],
            "metode": "model (Fay–Herriot)" if r["model_based"] else "langsung",
        }
        for r in small.sort("estimate", descending=True, nulls_last=True).to_dicts()
    ]
    history = pl.read_parquet(folder / "history.parquet").filter(
        level="kabupaten", basis=BPS_BASIS, indicator="P0"
    )
    trend = [
        {
            "periode": period_label(r["period"]),
            "p0": r["value"],
            "bawah": r["ci_low"],
            "atas": r["ci_high"],
        }
        for r in history.sort("period").to_dicts()
    ]
    return {"kemiskinan": figures, "kemiskinan_kecamatan": districts, "kemiskinan_tren": trend}


def _by_indicator(frame: pl.DataFrame) -> dict[str, dict[str, Any]]:
    return {row["indicator"]: row for row in frame.to_dicts()}


def period_label(period: str | None) -> str | None:
    """A survey round or date as a document writes it: "Maret 2026", "2025", "6 Mei 2024".

    Examples:
        >>> period_label("2026-03"), period_label("2025"), period_label("2024-05-06")
        ('Maret 2026', '2025', '6 Mei 2024')
    """
    if not period:
        return None
    parts = period.split("-")
    try:
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {int(parts[0])}"
        if len(parts) == 3:
            return id_date(date.fromisoformat(period))
    except (ValueError, IndexError):
        pass
    return period  # a period of another shape is printed as the source wrote it


def line_names(ids: str | None, catalogue: LineCatalogue = SHIPPED) -> str | None:
    """The names of the poverty lines of an estimate (ids joined by ", "), as people read them.

    Examples:
        >>> line_names("gk_52.05_2024-03_total")
        'Garis Kemiskinan Kabupaten Dompu 2024 (Susenas Maret)'
    """
    if not ids:
        return None
    names = []
    for line_id in (i.strip() for i in ids.split(",")):
        try:
            names.append(catalogue.line(line_id).name)
        except ReferenceDataError:  # a line no longer in any file: its id is all we have
            names.append(line_id)
    return "; ".join(names)


def _registry(area: str, found: Bundle) -> dict[str, Any]:
    """The diagnosis of ``area``: families, vulnerable groups, deprivation, programs, pockets."""
    try:
        run = registry.run_folder()
        row: dict[str, Any] | None = registry.area(area)
        reach = coverage(area)
    except (registry.NoDiagnosis, NotDiagnosed):
        row = None
    if row is None:
        return {
            "registri": None,
            "program": [],
            "program_per_orang": "",
            "ambang_samaran": k_anonymity(),
            "kantong": [],
            "rentan": [],
            "deprivasi": [],
            "penyaluran": [],
            "komplementaritas": [],
        }
    manifest = json.loads((run / "manifest.json").read_text())
    found.sources |= {"diagnosis": run.name, "padanan": manifest.get("link_run")}
    desa = actuals.desa_counts(run).filter(registry.within(area))
    unserved = desa.filter(pl.col("extreme_unserved") > 0)
    families = int(row["families"])
    registry_figures = {
        "per_tanggal": date.fromisoformat(manifest["as_of"]),
        "keluarga": families,
        "jiwa": row["persons"],
        "ekstrem": row["extreme_poor"],
        "ekstrem_persen": _percent(row["extreme_poor"], families),
        "multidimensi": row["multidim_poor"],
        "belum_dibantu": row["unassisted"],
        "ekstrem_tanpa_program": int(desa["extreme_unserved"].sum()),
        "desa_ekstrem_tanpa_program": unserved.height,
        "ats": row["ats_children"],
        "rtlh": row["rtlh"],
    }
    programs = [
        {
            "nama": f"{p.name} *" if p.per_person else p.name,
            "per_orang": p.per_person,
            "terdaftar": cell.listed,
            "layak": cell.eligible,
            "layak_terdaftar": cell.served,
            "cakupan": None if cell.coverage is None else cell.coverage * 100,
            "belum_terdaftar": cell.exclusion,
            "tidak_layak": cell.inclusion,
        }
        for p in reach.programs
        for cell in [reach.total.cells[p.code]]
    ]
    k = k_anonymity()
    # A desa's counts are small enough to point at families: counts of 1 to k-1 are hidden
    # (None, printed "–") as in the diagnosis and coverage workbooks.
    top = registry.pockets(area).head(TOP_POCKETS)
    shown = suppress_small_counts(
        top.with_columns(share=pl.col("extreme_poor") / pl.col("families").replace(0, None) * 100),
        k,
        ["families", "extreme_poor", "unassisted"],
        {"share": "extreme_poor"},
    )
    pockets = [
        {
            "peringkat": r["rank"],
            "desa": r["area_name"],
            "kecamatan": r["district_name"],
            "keluarga": r["families"],
            "ekstrem": r["extreme_poor"],
            "ekstrem_persen": r["share"],
            "belum_dibantu": r["unassisted"],
        }
        for r in shown.to_dicts()
    ]
    vulnerable = [{"kelompok": COLUMN_LABELS[key], "jumlah": row[key]} for key in VULNERABLE]
    deprived = [
        {"dimensi": label, "keluarga": row[key], "persen": _percent(row[key], families)}
        for key, label in DEPRIVATIONS.items()
    ]
    groups = [
        {
            "kelompok": g.label,
            "keluarga": g.families,
            **{f"program_{b.rstrip('+')}": n for b, n in g.buckets},
        }
        for g in reach.groups
    ]
    return {
        "registri": registry_figures,
        "program": programs,
        "program_per_orang": ", ".join(p.name for p in reach.programs if p.per_person),
        "ambang_samaran": k,
        "kantong": pockets,
        "rentan": vulnerable,
        "deprivasi": deprived,
        "penyaluran": _distribution(run, area, {p.code: p.name for p in reach.programs}),
        "komplementaritas": groups,
    }


def _distribution(run: Path, area: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """Right amount and right time per program with a distribution rule (``6T``'s two)."""
    path = run / "distribution.parquet"
    if not path.exists():
        return []
    table = (
        pl.read_parquet(path)
        .filter(registry.within(area))
        .group_by("program")
        .agg(
            pl.col("payments", "paid_less", "paid_more", "late", "missed").sum(),
            # A sum over an unknown amount is unknown, not the sum of the others: polars'
            # sum() would skip the nulls and print an entitlement of Rp0.
            *(
                pl.when(pl.col(amount).is_null().any())
                .then(None)
                .otherwise(pl.col(amount).sum())
                .alias(amount)
                for amount in ("amount_paid", "amount_entitled")
            ),
        )
        .sort("program")
    )
    return [
        {
            "program": names.get(r["program"], r["program"]),
            "pembayaran": r["payments"],
            # Right amount is judged against the entitlement: unknown where one is.
            "tepat_jumlah": None
            if r["amount_entitled"] is None
            else _percent(r["payments"] - r["paid_less"] - r["paid_more"], r["payments"]),
            "tepat_waktu": _percent(r["payments"] - r["late"], paid),
            "terlewat": r["missed"],
            "dibayar": r["amount_paid"],
            "hak": r["amount_entitled"],
        }
        for r in table.to_dicts()
        for paid in [r["payments"]]
    ]


def _plan(area: str, year: int, found: Bundle) -> dict[str, Any]:
    """The current version of the area's plan of ``year``, with realisation; else None."""
    plan = Plan.objects.filter(area_code=area, year=year).first()
    if plan is None:
        return {"rencana": None}
    version = plan.current
    found.sources["rencana"] = {"tahun": year, "versi": version.number, "status": version.status}
    rows = plan_reads.rows(version)
    groups = plan_reads.matrix(rows)
    return {
        "rencana": {
            "versi": version.number,
            "dikunci": version.locked,
            "jumlah": _total(plan_reads.overall(rows)),
            "strategi": [_total(t) for t in plan_reads.by_strategy(rows, INPRES)],
            "strategi_perpres": [_total(t) for t in plan_reads.by_strategy(rows, PERPRES)],
            "opd": [_total(t) for t in plan_reads.by_opd(rows)],
            "satuan": [_total(t) for t in plan_reads.by_unit(rows)],
            "matriks": [
                {
                    "strategi": g.total.label,
                    "jumlah": _total(g.total),
                    "baris": [_line(r) for _, lines in g.opds for r in lines],
                }
                for g in groups
            ],
            "rat_rows": [rat_row(r) for r in rows],
        }
    }


def _total(total: plan_reads.Total) -> dict[str, Any]:
    return {
        "nama": str(total.label),
        "baris": total.lines,
        "anggaran": total.budget,
        "realisasi_s1": total.realised_s1,
        "realisasi_s2": total.realised_s2,
        "realisasi": total.realised,
        "realisasi_persen": None if total.share is None else total.share * 100,
        # None where the lines count beneficiaries in several units (see plan_reads.Total).
        "sasaran": total.target,
        "tercapai": total.reached,
        "satuan": total.unit or "",
        "beragam_satuan": total.mixed_units,
        "tercapai_persen": None if total.reached_share is None else total.reached_share * 100,
    }


def _line(row: plan_reads.Row) -> dict[str, Any]:
    line = row.line
    return {
        "no": row.number,
        "opd": line.opd.name,
        "kode": line.code,
        "program": line.program,
        "kegiatan": line.kegiatan,
        "sub_kegiatan": line.sub_kegiatan,
        "anggaran": line.budget,
        "sumber": line.funding_source,
        "lokasi": line.location,
        "sasaran": line.target_beneficiaries,
        "satuan": line.target_unit or "",
        "realisasi": row.realised,
        "realisasi_persen": None if row.share is None else row.share * 100,
        "tercapai": row.reached,
    }


def _targets(area: str) -> dict[str, Any]:
    rows = scorecard.rows(area, timezone.localdate(), charts=False)
    return {
        "target": [
            {
                "indikator": str(r.indicator.name),
                "awal": r.baseline_text,
                "capaian": r.actual_text,
                "periode": period_label(r.actual.period) if r.actual else None,
                "target": r.target_text,
                # Where the target comes from; an example target says it is not an official one.
                "sumber": r.target.source if r.target else None,
                "contoh": bool(r.target and r.target.grade == "example"),
                "selisih": r.gap_text,
                "status": r.state_label,
                "lampu": r.light_label,
            }
            for r in rows
        ]
    }


def _coordination(area: str, year: int) -> dict[str, Any]:
    today = timezone.localdate()
    meetings = list(coordination.year_meetings(area, year))
    held = [m for m in meetings if m.status == MeetingStatus.TERLAKSANA]
    follow_ups = [f for m in held for d in m.decisions.all() for f in d.follow_ups.all()]
    return {
        "rakor": [_meeting(m, n, today) for n, m in enumerate(held, start=1)],
        "rakor_minimum": MINIMUM_RAKOR.value,
        "rakor_direncanakan": sum(m.status == MeetingStatus.DIRENCANAKAN for m in meetings),
        "tindak_lanjut": {
            "jumlah": len(follow_ups),
            "selesai": sum(f.status == FollowUpStatus.SELESAI for f in follow_ups),
            "terlambat": sum(is_overdue(f.status, f.due, today) for f in follow_ups),
        },
    }


def _meeting(meeting: Meeting, number: int, today: date) -> dict[str, Any]:
    invitees = list(meeting.invitees.all())
    decisions = list(meeting.decisions.all())
    return {
        "ke": number,
        "judul": meeting.title,
        "tanggal": meeting.date,
        "pukul": f"{meeting.start_time:%H.%M}",
        "tempat": meeting.place or "–",
        "daring": meeting.online_link,
        "agenda": agenda_items(meeting.agenda),
        "status": str(COORDINATION_LABELS[MeetingStatus(meeting.status)]),
        "notulen": [p.strip() for p in meeting.minutes.splitlines() if p.strip()],
        "undangan": [
            {
                "no": n,
                "nama": i.name,
                "instansi": i.institution or i.opd,
                "hadir": {True: "hadir", False: "tidak hadir", None: "–"}[i.attended],
            }
            for n, i in enumerate(invitees, start=1)
        ],
        "hadir": sum(1 for i in invitees if i.attended),
        # The follow-ups' states are today's, not the meeting day's: the paper says as of when.
        "keadaan_per": today,
        "keputusan": [
            {
                "nomor": d.number,
                "isi": d.text,
                "tindak_lanjut": [
                    {
                        "tindakan": f.action,
                        "opd": f.owner_opd,
                        "tenggat": f.due,
                        "status": str(COORDINATION_LABELS[FollowUpStatus(f.status)]),
                        "terlambat": is_overdue(f.status, f.due, today),
                    }
                    for f in d.follow_ups.all()
                ],
            }
            for d in decisions
        ],
    }


def agenda_items(text: str) -> list[str]:
    r"""The agenda's lines without the numbers or bullets people typed (the template numbers them).

    Examples:
        >>> agenda_items("1. Pembukaan\n2) Paparan\n- Diskusi\n\nPenutup")
        ['Pembukaan', 'Paparan', 'Diskusi', 'Penutup']
    """
    items = (_LIST_MARK.sub("", line.strip()).strip() for line in text.splitlines())
    return [item for item in items if item]


# A typed list number ("1.", "2)") or bullet at the start of an agenda line.
_LIST_MARK = re.compile(r"^(?:\d{1,3}[.)](?!\d)|[-•*·–])\s*")


def k_anonymity() -> int:
    """The smallest count tables leaving Sinergi show (the diagnosis rules' setting)."""
    return load_rule_set(Path(settings.HOME) / "rules").settings.k_anonymity


def _reached(run: DocumentRun) -> pl.DataFrame:
    """Families on an imported program list, head's name and address: read through the one door.

    ``scoping.read_people`` checks the asker may export people in the area, masks
    NIK and KK unless their role shows them, and writes the audit row.
    """
    folder = registry.run_folder()
    listed = json.loads((folder / "manifest.json").read_text()).get("listed_programs", [])
    received = [f"receives_{p}" for p in listed]
    heads = pl.scan_parquet(registry.run_folder("linked") / "persons.parquet").select(
        pl.col("pid").alias("head_pid"), "name", "nik", "address", "rt", "rw"
    )
    families = (
        pl.scan_parquet(folder / "families.parquet")
        .select("hid", "kk", "head_pid", "area_code", *received)
        .filter(pl.any_horizontal(received) if received else pl.lit(False))
        .join(heads, on="head_pid", how="left")
        .with_columns(
            pl.concat_str(
                [pl.when(pl.col(c)).then(pl.lit(p)) for c, p in zip(received, listed, strict=True)],
                separator=", ",
                ignore_nulls=True,
            ).alias("programs")
        )
        .sort("area_code", "name", "hid")
    )
    user = run.user if run.user is not None else AnonymousUser()
    try:
        rows = scoping.read_people(
            user,
            families,
            what="lp2kd_bnba",
            area=run.scope,
            action="export",
            filters={"lampiran": "penerima program", "tahun": run.year},
        )
    except PermissionDenied as refused:  # read_people wrote the "denied" audit row
        raise SinergiError(
            f"{run.username} tidak berwenang mengekspor data orang di {run.scope}, jadi lampiran "
            "nama dan alamat tidak dapat dibuat. Buat dokumen tanpa lampiran itu.",
            english=f"{run.username} may not export people in {run.scope}",
            code="NAMES_DENIED",
        ) from refused
    return rows.select("area_code", "kk", "name", "nik", "address", "rt", "rw", "programs")


BNBA_LABELS = {
    "area_code": "Kode desa",
    "kk": "Nomor KK",
    "name": "Nama kepala keluarga",
    "nik": "NIK kepala keluarga",
    "address": "Alamat",
    "rt": "RT",
    "rw": "RW",
    "programs": "Program yang diterima",
}


def _percent(part: int | float | None, whole: int | float | None) -> float | None:
    return None if part is None or not whole else part / whole * 100


# --- charts, annex, findings -------------------------------------------------------------


def _charts(context: dict[str, Any]) -> dict[str, Chart]:
    """The charts a template may show: ``grafik_cakupan``, ``grafik_kecamatan``, ...

    Every name exists (a template must not break when a source is missing); a
    chart without data draws its own "no data" note.
    """
    charts: dict[str, Chart] = {}
    programs = [p for p in context.get("program", []) if p["cakupan"] is not None]
    charts["grafik_cakupan"] = Chart(
        "Cakupan program: keluarga layak yang terdaftar (%)",
        "Program",
        "Cakupan (%)",
        (
            Series(
                "Cakupan",
                [p["nama"] for p in programs],
                [p["cakupan"] for p in programs],
                kind="bar",
            ),
        ),
        horizontal=True,
    )
    districts = context.get("kemiskinan_kecamatan", [])
    charts["grafik_kecamatan"] = Chart(
        "Persentase penduduk miskin per kecamatan (P0, %)",
        "Kecamatan",
        "P0 (%)",
        (Series("P0", [d["nama"] for d in districts], [d["p0"] for d in districts], kind="bar"),),
        horizontal=True,
        note="Sebagian angka dari model Fay–Herriot; lihat tabel.",
    )
    trend = context.get("kemiskinan_tren", [])
    charts["grafik_tren"] = Chart(
        "Persentase penduduk miskin (P0) per putaran survei",
        "Periode",
        "P0 (%)",
        (
            Series(
                "P0",
                [t["periode"] for t in trend],
                [t["p0"] for t in trend],
                low=[t["bawah"] for t in trend],
                high=[t["atas"] for t in trend],
                kind="points" if len(trend) < 2 else "line",
            ),
        ),
        note="Batang galat: selang kepercayaan 95%.",
    )
    plan = context.get("rencana")
    strategies = plan["strategi"] if plan else []
    charts["grafik_anggaran"] = Chart(
        "Alokasi dan realisasi anggaran per strategi (juta rupiah)",
        "Strategi",
        "Juta rupiah",
        (
            Series(
                "Alokasi",
                [s["nama"] for s in strategies],
                [float(s["anggaran"]) / 1e6 for s in strategies],
                kind="bar",
            ),
            Series(
                "Realisasi",
                [s["nama"] for s in strategies],
                [float(s["realisasi"]) / 1e6 for s in strategies],
                kind="bar",
            ),
        ),
        horizontal=True,
    )
    return {
        name: chart if chart.series[0].x else _empty(chart.title) for name, chart in charts.items()
    }


def _empty(title: str) -> Chart:
    return Chart(
        title,
        "",
        "",
        (Series("", ["(belum ada data)"], [0.0], kind="bar"),),
        note="Data untuk grafik ini belum tersedia.",
    )


# The annex' sheets: context key, title, description, and per column its header; a column
# not named is left out (internal flags), "%" columns are percentages (46,2%, not 46.19...).
ANNEX: tuple[tuple[str, str, str, dict[str, str]], ...] = (
    ("program", "Cakupan program",
     "Cakupan program terhadap keluarga layak (keluarga). * Program per orang: keluarga "
     "dihitung di setiap kolom bila ada anggotanya yang termasuk, jadi kolom tidak selalu "
     "berjumlah sama.",
     {"nama": "Program", "terdaftar": "Terdaftar", "layak": "Layak",
      "layak_terdaftar": "Layak dan terdaftar", "cakupan%": "Cakupan",
      "belum_terdaftar": "Layak belum terdaftar", "tidak_layak": "Terdaftar tidak layak"}),
    ("kantong", "Kantong kemiskinan",
     "Desa kantong kemiskinan, peringkat teratas. Jumlah 1 sampai {k1} disamarkan (<{k}).",
     {"peringkat": "Peringkat", "desa": "Desa", "kecamatan": "Kecamatan",
      "keluarga": "Keluarga", "ekstrem": "Keluarga miskin ekstrem",
      "ekstrem_persen%": "Persen miskin ekstrem", "belum_dibantu": "Desil 1–4 belum dibantu"}),
    ("kemiskinan_kecamatan", "Kemiskinan kecamatan", "P0 per kecamatan (%).",
     {"kode": "Kode kecamatan", "nama": "Kecamatan", "langsung%": "P0 langsung (survei)",
      "p0%": "P0 (estimasi)", "metode": "Metode"}),
    ("rentan", "Kelompok rentan", "Kelompok rentan (keluarga; ATS dalam anak).",
     {"kelompok": "Kelompok", "jumlah": "Jumlah"}),
    ("deprivasi", "Deprivasi", "Keluarga dengan deprivasi per dimensi.",
     {"dimensi": "Dimensi", "keluarga": "Keluarga", "persen%": "Persen keluarga"}),
    ("penyaluran", "Penyaluran",
     "Ketepatan jumlah dan waktu penyaluran per program; '–': tidak diketahui (hak atau "
     "jumlah bayar sebagian penerima tidak tercatat).",
     {"program": "Program", "pembayaran": "Pembayaran", "tepat_jumlah%": "Tepat jumlah",
      "tepat_waktu%": "Tepat waktu", "terlewat": "Pembayaran terlewat",
      "dibayar": "Dibayar (Rp)", "hak": "Hak (Rp)"}),
    ("target", "Target", "Indikator, target dan capaian.",
     {"indikator": "Indikator", "awal": "Awal", "capaian": "Capaian terakhir",
      "periode": "Periode capaian", "target": "Target", "sumber": "Sumber target",
      "selisih": "Selisih", "status": "Status", "lampu": "Lampu"}),
)  # fmt: skip
PLAN_ANNEX = {
    "strategi": "Strategi", "no": "No", "opd": "Perangkat daerah", "kode": "Kode",
    "program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub kegiatan",
    "anggaran": "Anggaran (Rp)", "sumber": "Sumber dana", "lokasi": "Lokasi",
    "sasaran": "Sasaran", "satuan": "Satuan", "realisasi": "Realisasi (Rp)",
    "realisasi_persen%": "Realisasi", "tercapai": "Tercapai",
}  # fmt: skip


def _annex(context: dict[str, Any]) -> list[AnnexTable]:
    """The document's tables again as formatted sheets, for those who work on the numbers."""
    k = context.get("ambang_samaran") or k_anonymity()
    annex = []
    for key, title, description, columns in ANNEX:
        if context.get(key):
            frame, labels = _labelled(pl.DataFrame(context[key]), columns)
            hidden = f"<{k}" if key == "kantong" else MISSING
            text = description.format(k=k, k1=k - 1)
            annex.append(AnnexTable(title, text, frame, labels, hidden))
    plan = context.get("rencana")
    if plan:
        lines = [line | {"strategi": g["strategi"]} for g in plan["matriks"] for line in g["baris"]]
        money = pl.DataFrame(lines).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
        frame, labels = _labelled(money, PLAN_ANNEX)
        annex.append(
            AnnexTable("Rencana aksi", "Baris rencana aksi dengan realisasi.", frame, labels)
        )
    return annex


def _labelled(frame: pl.DataFrame, columns: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """The named columns in order with their headers; percentages as shares the sheet formats.

    The sheet writer formats a column as a percentage by its name (``…_share``), from a
    share (0.462 shows 46,2%), so a percent column is divided by 100 and renamed.
    """
    picked, labels = [], {}
    for name, label in columns.items():
        column = name.rstrip("%")
        if column not in frame.columns:
            continue
        if name.endswith("%"):
            picked.append((pl.col(column).cast(pl.Float64) / 100).alias(f"{column}_share"))
            labels[f"{column}_share"] = label
        else:
            picked.append(pl.col(column))
            labels[column] = label
    return frame.select(picked), labels


def findings(context: dict[str, Any]) -> list[str]:
    """Plain sentences of what the numbers show, each from a figure in ``context``."""
    said = []
    figures = context.get("registri")
    if figures:
        said.append(
            f"Sebanyak {id_number(figures['ekstrem_tanpa_program'])} keluarga miskin ekstrem di "
            f"{id_number(figures['desa_ekstrem_tanpa_program'])} desa belum menerima bantuan "
            "apa pun dari program yang daftarnya sudah diimpor."
        )
    poverty = context.get("kemiskinan")
    if poverty:
        said.append(
            f"Persentase penduduk miskin (P0) {_share(poverty['p0'])} pada {poverty['periode']} "
            f"(selang kepercayaan 95%: {_share(poverty['p0_bawah'])} sampai "
            f"{_share(poverty['p0_atas'])}; keandalan {poverty['p0_keandalan']})."
        )
    weakest = min(
        (p for p in context.get("program", []) if p["cakupan"] is not None),
        key=lambda p: p["cakupan"],
        default=None,
    )
    if weakest:
        said.append(
            f"Cakupan terendah ada pada {weakest['nama']}: {_share(weakest['cakupan'])} dari "
            f"{id_number(weakest['layak'])} keluarga layak terdaftar, "
            f"{id_number(weakest['belum_terdaftar'])} keluarga layak belum terdaftar."
        )
    if context.get("kantong"):
        top = context["kantong"][0]
        if top["ekstrem"] is not None and top["keluarga"] is not None:
            said.append(
                f"Kantong kemiskinan teratas adalah Desa {top['desa']} (Kecamatan "
                f"{top['kecamatan']}) dengan {id_number(top['ekstrem'])} dari "
                f"{id_number(top['keluarga'])} keluarga miskin ekstrem."
            )
        else:  # a small count stays hidden in the sentence too
            said.append(
                f"Kantong kemiskinan teratas adalah Desa {top['desa']} (Kecamatan "
                f"{top['kecamatan']})."
            )
    plan = context.get("rencana")
    if plan and plan["jumlah"]["realisasi_persen"] is not None:
        said.append(
            f"Realisasi anggaran rencana aksi {context['tahun']} mencapai "
            f"{_share(plan['jumlah']['realisasi_persen'])} dari alokasi."
        )
    return said


def _share(percent: float) -> str:
    return f"{percent:.1f}%".replace(".", ",")
