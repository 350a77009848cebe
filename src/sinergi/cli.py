"""The `sinergi` command line: a thin skin over the functions notebooks and jobs call.

Messages for people are in Bahasa Indonesia; logs stay in English. Exit codes:
0 success, 1 rejected data or a failed check, 2 misuse or a bug.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sinergi.domain import wilayah
from sinergi.errors import SinergiError
from sinergi.reports.formats import id_decimal, id_number, id_percent

if TYPE_CHECKING:  # imported lazily at run time, to keep `sinergi --help` fast
    from sinergi.pipeline.stats.export import StatsFiles
    from sinergi.pipeline.stats.run import StatsRun

app = typer.Typer(
    help="Sinergi: data dan koordinasi penanggulangan kemiskinan daerah (TKPK).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)
log = logging.getLogger("sinergi")


EngineOption = Annotated[
    str | None,
    typer.Option(
        help="Mesin: duckdb (satu mesin) atau spark (lokal, atau klaster lewat "
        "SINERGI_SPARK_MASTER).",
        envvar="SINERGI_ENGINE",
    ),
]


def _engine(asked: str | None) -> Any:
    """The engine asked for; an unknown one is misuse."""
    from sinergi.lake.engine import engine_name

    try:
        return engine_name(asked)
    except SinergiError as error:
        _misuse(str(error))


@app.callback()
def _setup(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Tampilkan log (Inggris).")
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


@app.command()
def synth(
    regency: Annotated[
        str,
        typer.Option(
            help="Kode kabupaten/kota Kemendagri, misalnya 52.05.", envvar="SINERGI_REGENCY"
        ),
    ] = "52.05",
    province: Annotated[
        str | None,
        typer.Option(
            help="Kode provinsi: bangun semua kabupaten/kotanya (menggantikan --regency).",
            envvar="SINERGI_PROVINCE",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="--province: jumlah proses paralel (bawaan: jumlah inti CPU)."),
    ] = None,
    persons: Annotated[
        int,
        typer.Option(help="Jumlah penduduk yang dibangkitkan.", envvar="SINERGI_PERSONS", min=50),
    ] = 250_000,
    seed: Annotated[
        int, typer.Option(help="Benih acak; benih sama, hasil sama.", envvar="SINERGI_SEED")
    ] = 1,
    out: Annotated[Path, typer.Option(help="Folder keluaran.", envvar="SINERGI_SYNTH_OUT")] = Path(
        "sinergi-data/synth"
    ),
    poverty_rate: Annotated[
        float | None,
        typer.Option(
            help="Tingkat kemiskinan P0 dalam persen (bawaan: angka BPS).",
            envvar="SINERGI_POVERTY_RATE",
        ),
    ] = None,
    extreme_rate: Annotated[
        float | None,
        typer.Option(
            help="Tingkat kemiskinan ekstrem dalam persen (bawaan: angka resmi).",
            envvar="SINERGI_EXTREME_RATE",
        ),
    ] = None,
    poverty_line: Annotated[
        float | None,
        typer.Option(
            help="Garis kemiskinan, Rp/kapita/bulan (bawaan: GK BPS).",
            envvar="SINERGI_POVERTY_LINE",
        ),
    ] = None,
    noise: Annotated[
        Path | None,
        typer.Option(
            help="Berkas TOML berisi tingkat derau (lihat docs/synth.md).", envvar="SINERGI_NOISE"
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Timpa folder keluaran yang sudah berisi.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak ringkasan sebagai JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa bilah kemajuan.")] = False,
) -> None:
    """Bangun kabupaten sintetis: registri, daftar program, survei, dan kebenaran dasar.

    Contoh:

        sinergi synth --regency 52.05 --persons 250000 --seed 1 --out data/dompu
    """
    from sinergi.synth.build import synthesize
    from sinergi.synth.config import SynthConfig, default_calibration
    from sinergi.synth.noise import NoiseRates
    from sinergi.synth.programs import Amounts

    if province is not None:
        if any(v is not None for v in (poverty_rate, extreme_rate, poverty_line, noise)):
            _misuse("--province memakai angka resmi tiap kabupaten; tanpa --poverty-rate dll.")
        _synth_province(province, persons, seed, out, workers, force, as_json)
        return
    try:
        code = wilayah.normalise_code(regency)
        area = wilayah.get(code)
        if area.level != wilayah.Level.REGENCY:
            raise typer.BadParameter(
                f"{code} ({area.name}) bukan kabupaten/kota.", param_hint="--regency"
            )
        calibration = default_calibration(code)
        overrides = {
            "poverty_rate": None if poverty_rate is None else poverty_rate / 100,
            "extreme_rate": None if extreme_rate is None else extreme_rate / 100,
            "poverty_line": poverty_line,
        }
        chosen: dict[str, float] = {k: v for k, v in overrides.items() if v is not None}
        calibration = replace(calibration, **chosen)  # type: ignore[arg-type]
        rates = NoiseRates.from_toml(noise) if noise else NoiseRates()
        config = SynthConfig(
            regency=code, persons=persons, seed=seed, out=out, calibration=calibration, noise=rates
        )
        with _progress(quiet or as_json, persons) as advance:
            result = synthesize(config, Amounts.from_reference(), force=force, progress=advance)
    except SinergiError as error:
        log.info("synth failed: %s (%s)", error.english, error.code)
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(
            json.dumps(
                {"ok": True, "errors": [], **result.manifest}, ensure_ascii=False, default=str
            )
        )
        return
    _print_summary(f"{area.label} ({code})", result.manifest, out)


def _synth_province(
    province: str,
    persons: int,
    seed: int,
    out: Path,
    workers: int | None,
    force: bool,
    as_json: bool,
) -> None:
    from sinergi.synth.province import synthesize_province

    try:
        built = synthesize_province(
            province, persons, seed, out, workers=workers or os.cpu_count() or 1, force=force
        )
    except SinergiError as error:
        log.info("synth failed: %s (%s)", error.english, error.code)
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    if as_json:
        regencies = {r.out.name: r.manifest["counts"] for r in built}
        typer.echo(json.dumps({"ok": True, "errors": [], "regencies": regencies}))
        return
    table = Table("Kabupaten/kota", "Penduduk", "Rumah tangga", title=f"Provinsi {province}")
    for result in built:
        counts = result.manifest["counts"]
        table.add_row(wilayah.get(result.out.name).label, id_number(counts["persons"]),
                      id_number(counts["households"]))  # fmt: skip
    console.print(table)
    console.print(f"Folder: {out}  (impor semuanya dengan `sinergi import {out}/*/sources`)")


@app.command("import")
def import_(
    paths: Annotated[
        list[Path], typer.Argument(help="Berkas atau folder yang diimpor (CSV, TXT, XLSX).")
    ],
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    profile: Annotated[
        str,
        typer.Option(help="Nama profil pemetaan kolom, atau 'auto'.", envvar="SINERGI_PROFILE"),
    ] = "auto",
    period: Annotated[
        str | None,
        typer.Option(
            help="Periode data YYYY-MM (bawaan: dari nama berkas).", envvar="SINERGI_PERIOD"
        ),
    ] = None,
    area: Annotated[
        str | None,
        typer.Option(
            "--wilayah",
            help="Kode wilayah tempat nama desa/kecamatan dicari, misalnya 52.05.",
            envvar="SINERGI_WILAYAH",
        ),
    ] = None,
    engine: EngineOption = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Jumlah berkas yang diimpor bersamaan (bawaan: jumlah inti CPU)."),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Pakai profil dari --profile walau kolom berkas kurang cocok dengannya.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa bilah kemajuan.")] = False,
) -> None:
    """Impor berkas registri, survei atau daftar program menjadi snapshot, dengan karantina.

    Setiap baris dibaca tercatat: diterima (dengan peringatan bila ada kolom yang salah)
    atau dikarantina dengan alasannya. Laporan XLSX per berkas ada di reports/impor/.

    Contoh:

        sinergi import sinergi-data/demo/sources --wilayah 52.05
        sinergi import data/ntb/*/sources --wilayah 52 --engine spark
    """
    from sinergi.lake.home import DataHome
    from sinergi.pipeline.ingest.run import import_files
    from sinergi.reports.import_report import report_path, write_import_report

    data_home = DataHome.resolve(home)
    chosen = _engine(engine)
    try:
        scope = wilayah.normalise_code(area) if area else None
        with _progress(quiet or as_json, None, "Mengimpor baris") as advance:
            outcomes = import_files(
                paths, home=data_home, profile=profile, period=period, scope=scope,
                progress=advance, engine=chosen, workers=workers or os.cpu_count() or 1,
                force=force,
            )  # fmt: skip
    except SinergiError as error:
        log.info("import failed: %s (%s)", error.english, error.code)
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    reports = {}
    for outcome in outcomes:
        if outcome.status == "imported":
            path = report_path(outcome, data_home.root / "reports")
            reports[id(outcome)] = write_import_report(outcome, path)
        elif outcome.status == "unchanged":
            path = report_path(outcome, data_home.root / "reports")
            reports[id(outcome)] = path
    failed = any(o.status == "failed" for o in outcomes)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": not failed,
                    "imports": [
                        {
                            "file": str(o.path), "sheet": o.sheet, "status": o.status,
                            "message": o.message, "snapshot": str(o.snapshot or "") or None,
                            "report": str(reports.get(id(o), "")) or None,
                            "manifest": o.manifest,
                        }
                        for o in outcomes
                    ],
                },
                ensure_ascii=False,
            )
        )  # fmt: skip
    else:
        _print_imports(outcomes, reports)
    if failed:
        raise typer.Exit(1)


def _print_imports(outcomes: list[Any], reports: dict[int, Path]) -> None:
    status_words = {
        "imported": "[green]diimpor[/green]",
        "unchanged": "sudah ada",
        "skipped": "dilewati",
        "failed": "[red]gagal[/red]",
    }
    table = Table(title="Impor")
    table.add_column("Berkas", overflow="fold")  # the whole name: it is how people find a file
    for heading in ("Status", "Dibaca", "Diterima", "Karantina", "Profil"):
        table.add_column(heading, overflow="fold")
    totals: dict[str, dict[str, Any]] = {}
    sheets_per_file = Counter(outcome.path for outcome in outcomes)

    def label(outcome: Any) -> str:
        several = sheets_per_file[outcome.path] > 1  # a lone sheet's name is noise
        return outcome.path.name + (f" [{outcome.sheet}]" if several and outcome.sheet else "")

    for outcome in outcomes:
        name = label(outcome)
        manifest = outcome.manifest
        if manifest is None:
            table.add_row(name, status_words[outcome.status], "", "", "", "")
            continue
        counts = manifest["counts"]
        table.add_row(
            name, status_words[outcome.status], id_number(counts["rows_read"]),
            id_number(counts["accepted"]), id_number(counts["quarantined"]),
            manifest["profile"]["name"],
        )  # fmt: skip
        for code, tally in manifest["reasons"].items():
            entry = totals.setdefault(code, {"count": 0, "severity": tally["severity"]})
            entry["count"] += tally["count"]
    console.print(table)
    if totals:
        from sinergi.pipeline.ingest.reasons import REASONS

        reasons = Table("Kode", "Tingkat", "Jumlah", "Keterangan", title="Alasan")
        for code, entry in sorted(totals.items(), key=lambda kv: -kv[1]["count"]):
            level = "karantina" if entry["severity"] == "quarantine" else "peringatan"
            reasons.add_row(code, level, id_number(entry["count"]), REASONS[code].message)
        console.print(reasons)
    for outcome in outcomes:
        if outcome.status in ("failed", "skipped"):
            console.print(f"{label(outcome)}: {outcome.message}")
    if reports:
        folder = next(iter(reports.values())).parent
        console.print(f"Laporan per berkas (XLSX): {folder}")


@app.command("link")
def link_(
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    evaluate: Annotated[
        Path | None,
        typer.Option(
            help="Folder `truth` dari `sinergi synth`: ukur presisi dan recall padanan.",
            envvar="SINERGI_TRUTH",
        ),
    ] = None,
    engine: EngineOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa bilah kemajuan.")] = False,
) -> None:
    """Padanan: satukan DTSEN, P3KE, DTKS dan semua daftar program menjadi satu register.

    Setiap catatan dari setiap snapshot terkini menjadi milik tepat satu orang (pid) dan
    satu keluarga (hid). Pasangan yang meragukan masuk antrean tinjauan; keputusan
    peninjau dipakai pada proses berikutnya. Hasil ada di linked/<run>/.

    Contoh:

        sinergi link --evaluate sinergi-data/demo/truth
        sinergi link --engine spark
    """
    from sinergi.lake.home import DataHome
    from sinergi.pipeline.link.evaluate import evaluate as measure
    from sinergi.pipeline.link.run import STAGES, link

    data_home = DataHome.resolve(home)
    chosen = _engine(engine)
    try:
        with _stages(quiet or as_json, STAGES) as stage:
            run = link(data_home, stage=stage, engine=chosen)
        quality = measure(run.folder, evaluate) if evaluate else None
    except SinergiError as error:
        log.info("link failed: %s (%s)", error.english, error.code)
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    if as_json:
        summary = {"run_id": run.run_id, "folder": str(run.folder), "counts": run.counts}
        typer.echo(json.dumps({**summary, "seconds": run.seconds, "quality": quality}))
        return
    _print_link(run, quality)


@app.command("diagnose")
def diagnose_(
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option(
            help="Folder aturan program dan settings.toml milik daerah "
            "(bawaan: <home>/rules; yang tidak ada diambil dari aturan bawaan).",
            envvar="SINERGI_RULES",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Tanggal acuan umur, YYYY-MM-DD (bawaan: akhir periode registri terbaru).",
        ),
    ] = None,
    reveal_identifiers: Annotated[
        bool,
        typer.Option(
            "--reveal-identifiers",
            help="Tampilkan NIK dan KK penuh di daftar tindak lanjut (hanya pengguna di "
            "access.toml; dicatat).",
        ),
    ] = False,
    reason: Annotated[
        str | None,
        typer.Option(help="Alasan menampilkan NIK dan KK (wajib bersama --reveal-identifiers)."),
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Nama pengguna yang dicatat (bawaan: pengguna sistem).")
    ] = None,
    evaluate: Annotated[
        Path | None,
        typer.Option(
            help="Folder `truth` dari `sinergi synth`: ukur presisi dan recall temuan, "
            "dibandingkan dengan penggabungan NIK saja.",
            envvar="SINERGI_TRUTH",
        ),
    ] = None,
    engine: EngineOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa bilah kemajuan.")] = False,
) -> None:
    """Diagnosis sasaran: siapa miskin dan belum terlayani, siapa menerima tapi tidak layak.

    Menerapkan aturan kelayakan program (TOML berversi) pada register hasil `sinergi
    link`: status per program, kelompok rentan, anak tidak sekolah, kemiskinan
    multidimensi, penyaluran, angka per desa/kecamatan, kantong kemiskinan; lalu
    menulis tabel di diagnostics/<run>/ dan buku kerja XLSX dengan daftar tindak
    lanjut per desa di reports/diagnosis/.

    Contoh:

        sinergi diagnose --evaluate sinergi-data/demo/truth
    """
    from datetime import date

    from sinergi.lake.audit import authorise_reveal
    from sinergi.lake.home import DataHome, current_user
    from sinergi.pipeline.diagnose.evaluate import evaluate as measure
    from sinergi.pipeline.diagnose.export import export_workbook, summary_lines
    from sinergi.pipeline.diagnose.run import STAGES, assessment_of, diagnose

    data_home = DataHome.resolve(home)
    chosen = _engine(engine)
    who = user or current_user()
    try:
        reference = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err_console.print(f"[red]Gagal:[/red] --as-of '{as_of}' bukan tanggal YYYY-MM-DD.")
        raise typer.Exit(2) from None
    try:
        if reveal_identifiers:
            authorise_reveal(data_home, who, reason)
        with _stages(quiet or as_json, STAGES) as stage:
            run = diagnose(
                data_home, rules_dir=rules, as_of=reference, user=who, stage=stage, engine=chosen
            )
        workbook, *follow_up_books = export_workbook(
            data_home, run, reveal_identifiers=reveal_identifiers, user=who, reason=reason
        )
        quality = (
            measure(
                data_home,
                data_home.root / "linked" / run.link_run,
                assessment_of(run),
                evaluate,
                run.rule_set,
                run.as_of,
            )
            if evaluate
            else None
        )
    except SinergiError as error:
        log.info("diagnose failed: %s (%s)", error.english, error.code)
        from rich.markup import escape  # "[reveal_identifiers]" is text, not Rich markup

        err_console.print(f"[red]Gagal:[/red] {escape(str(error))}")
        raise typer.Exit(1) from error
    lines = summary_lines(run)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "run_id": run.run_id,
                    "folder": str(run.folder),
                    "workbook": str(workbook),
                    "follow_up_workbooks": [str(book) for book in follow_up_books],
                    "seconds": run.seconds,
                    "summary": dict(lines),
                    "quality": quality,
                },
                ensure_ascii=False,
            )
        )
        return
    table = Table("Ukuran", "Nilai", title=f"Diagnosis sasaran {run.run_id}")
    for label, value in lines:
        table.add_row(label, value)
    table.add_row("Waktu", f"{id_decimal(sum(run.seconds.values()), 1)} detik")
    console.print(table)
    if quality:
        _print_diagnosis_quality(quality)
    console.print(f"Hasil: {run.folder}")
    console.print(f"Buku kerja: {workbook}")
    if follow_up_books:
        console.print(
            f"Daftar tindak lanjut per kabupaten/kota ({len(follow_up_books)} buku kerja): "
            f"{follow_up_books[0].parent}"
        )


def _print_diagnosis_quality(quality: dict[str, Any]) -> None:
    scores = Table("Temuan terhadap kebenaran", "Cara", "Presisi", "Recall", "F1")
    for measure, label in (
        ("exclusion", "Layak tetapi belum menerima"),
        ("inclusion", "Menerima tetapi tidak layak"),
    ):
        for method, name in (("sinergi", "Sinergi"), ("nik_only", "NIK saja")):
            overall = quality[measure][method]["overall"]
            scores.add_row(
                label,
                name,
                *(id_decimal(overall[m], 4) for m in ("precision", "recall", "f1")),
            )
    console.print(scores)


@app.command("stats")
def stats_(
    survey: Annotated[
        str | None,
        typer.Argument(
            help="ID impor survei rumah tangga, atau berkas survei (CSV/XLSX) yang diimpor "
            "dulu (bawaan: survei terbaru)."
        ),
    ] = None,
    lines: Annotated[
        str | None,
        typer.Option(
            help="ID garis kemiskinan (bawaan Sinergi atau yang diimpor), dipisah koma "
            "(bawaan: GK BPS kabupaten terbaru dan garis ekstrem USD 2,15 PPP 2017). Satu "
            "basis satu garis, atau sepasang perkotaan/perdesaan.",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(help="Kolom survei tambahan untuk pengelompokan, dipisah koma."),
    ] = None,
    compare: Annotated[
        str | None,
        typer.Option(
            help="ID impor survei periode sebelumnya sebagai pembanding (bawaan: putaran "
            "terakhir sebelum survei ini)."
        ),
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Tanpa bilah kemajuan.")] = False,
) -> None:
    """Angka kemiskinan dari survei: P0, P1, P2, jumlah penduduk miskin, ketimpangan.

    Dengan galat baku menurut rancangan sampel (strata dan PSU), selang kepercayaan 95%
    dan tanda keandalan BPS; per kabupaten, perkotaan/perdesaan dan kecamatan; model
    Fay-Herriot untuk setiap kecamatan; perubahan sejak survei sebelumnya dan kemajuan
    menuju target. Tabel ada di stats/<run>/, buku kerja XLSX dan grafik (PNG dan
    HTML) di reports/statistik/<run>/.

    Contoh:

        sinergi stats --lines gk_52.05_2024-03_total,ext_usd190_00_2021-03
    """
    from sinergi.lake.home import DataHome
    from sinergi.pipeline.stats.export import export_stats
    from sinergi.pipeline.stats.run import STAGES, import_survey, poverty_statistics

    data_home = DataHome.resolve(home)
    try:
        if survey is not None and Path(survey).is_file():
            survey = import_survey(data_home, Path(survey))
        with _stages(quiet or as_json, STAGES) as stage:
            run = poverty_statistics(
                data_home,
                survey=survey,
                compare=compare,
                line_ids=[x for x in (lines or "").split(",") if x.strip()] or None,
                by=[x.strip() for x in (by or "").split(",") if x.strip()],
                stage=stage,
            )
        files = export_stats(data_home, run)
    except SinergiError as error:
        log.info("stats failed: %s (%s)", error.english, error.code)
        from rich.markup import escape  # a message's "[...]" is text, not Rich markup

        err_console.print(f"[red]Gagal:[/red] {escape(str(error))}")
        raise typer.Exit(1) from error
    if as_json:
        typer.echo(json.dumps(_stats_report(run, files), default=str))
        return
    _print_stats(run)
    from rich.markup import escape

    from sinergi.pipeline.stats.run import run_warnings

    for line in run_warnings(run):
        err_console.print(f"[yellow]Perhatian:[/yellow] {escape(line)}")
    console.print(f"Tabel: {run.folder}")
    console.print(f"Buku kerja dan grafik: {files.folder}")


def _stats_report(run: StatsRun, files: StatsFiles) -> dict[str, object]:
    import polars as pl

    from sinergi.pipeline.stats.run import run_warnings

    return {
        "run_id": run.run_id,
        "folder": str(run.folder),
        "survey": run.survey["import_id"],
        "compared_with": run.compared_with,
        "lines": {c.basis: [line.line_id for line in c.lines] for c in run.lines},
        "workbook": str(files.workbook),
        "charts": [str(path) for path in files.charts],
        "estimates": run.tables["estimates"].filter(pl.col("level") != "kecamatan").to_dicts(),
        "small_areas": run.tables["small_areas"].to_dicts(),
        "history": run.tables["history"].to_dicts(),
        "changes": run.tables["changes"].filter(pl.col("level") != "kecamatan").to_dicts(),
        "targets": run.tables["targets"].to_dicts(),
        "quarantined": run.quarantined,
        "notes": run.notes,
        "warnings": run_warnings(run),
    }


def _print_stats(run: StatsRun) -> None:
    import polars as pl

    main = run.tables["estimates"].filter(
        pl.col("level").is_in(["kabupaten", "perkotaan"]),
        pl.col("indicator").is_in(["P0", "P1", "P2"]),
    )
    table = Table("Basis", "Wilayah", "Ukuran", "Nilai", "SK 95%", "KK", "Keandalan",
                  title=f"Kemiskinan menurut survei {run.survey['period']}")  # fmt: skip
    for row in main.iter_rows(named=True):
        table.add_row(
            row["basis"],
            {"rural": "perdesaan", "urban": "perkotaan"}.get(row["group"] or "", "kabupaten"),
            row["indicator"],
            id_decimal(row["value"]),
            f"{id_decimal(row['ci_low'])} – {id_decimal(row['ci_high'])}",
            f"{id_decimal(row['cv'] * 100, 1)}%" if row["cv"] is not None else "-",
            _RELIABILITY.get(row["reliability"], "-"),
        )
    console.print(table)
    areas = Table("Kecamatan", "P0 langsung", "P0 model", "KK model", "Sampel",
                  title="Peta kemiskinan kecamatan (Fay-Herriot, berbasis model)")  # fmt: skip
    for row in run.tables["small_areas"].iter_rows(named=True):
        areas.add_row(
            row["district_name"],
            id_decimal(row["direct"], 1) if row["direct"] is not None else "-",
            id_decimal(row["estimate"], 1),
            f"{row['cv'] * 100:.0f}%" if row["cv"] == row["cv"] else "-",
            id_number(int(row["n_households"] or 0)),
        )
    console.print(areas)
    changes = run.tables["changes"].filter(
        pl.col("level") == "kabupaten", pl.col("indicator").is_in(["P0", "P1", "P2"])
    )
    if changes.height:
        moved = Table("Basis", "Ukuran", "Sebelum", "Sekarang", "Perubahan", "SK 95%",
                      "Signifikan",
                      title=f"Perubahan sejak survei {changes['period_before'][0]}")  # fmt: skip
        for row in changes.iter_rows(named=True):
            moved.add_row(
                row["basis"],
                row["indicator"],
                id_decimal(row["value_before"]),
                id_decimal(row["value"]),
                id_decimal(row["change"], signed=True),
                f"{id_decimal(row['ci_low'])} – {id_decimal(row['ci_high'])}",
                "ya" if row["significant"] else "tidak",
            )
        console.print(moved)
    goals = Table("Target", "Tahun", "Perkiraan", "Selisih", "Turun per tahun", "Tercapai",
                  title="Kemajuan menuju target")  # fmt: skip
    for row in run.tables["targets"].iter_rows(named=True):
        needed = row["reduction_per_year"]
        goals.add_row(
            f"{row['indicator']} {row['bound']}".replace(".", ","),
            str(row["year"]),
            id_decimal(row["estimate"]),
            f"{id_decimal(row['gap_points'], signed=True)} poin",
            "sudah tercapai"
            if row["met"]
            else (f"{id_decimal(needed)} poin" if needed is not None else "-"),
            "ya" if row["met"] else "belum",
        )
    console.print(goals)


_RELIABILITY = {"reliable": "andal", "caution": "hati-hati", "unreliable": "tidak andal"}


@app.command("review")
def review(
    export: Annotated[
        Path | None,
        typer.Option(help="Tulis antrean tinjauan padanan terakhir ke berkas XLSX ini."),
    ] = None,
    apply: Annotated[
        Path | None,
        typer.Option(help="Baca keputusan (sama/beda) dari berkas tinjauan XLSX yang sudah diisi."),
    ] = None,
    user: Annotated[
        str | None, typer.Option(help="Nama peninjau yang dicatat bersama keputusan.")
    ] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
) -> None:
    """Tinjau pasangan padanan yang meragukan lewat berkas Excel.

    --export menulis antrean tinjauan proses `sinergi link` terakhir; isi kolom
    Keputusan dengan 'sama' atau 'beda', lalu --apply menyimpan keputusan itu.
    Keputusan dipakai pada `sinergi link` berikutnya.

    Contoh:

        sinergi review --export tinjauan.xlsx
        sinergi review --apply tinjauan.xlsx --user "Rina (Bappeda)"
    """
    import polars as pl

    from sinergi.lake.home import DataHome
    from sinergi.pipeline.link import decisions
    from sinergi.pipeline.link.run import latest_run
    from sinergi.reports.review_workbook import write_review_workbook

    if (export is None) == (apply is None):
        err_console.print(
            "[red]Gagal:[/red] pilih salah satu: --export BERKAS atau --apply BERKAS."
        )
        raise typer.Exit(2)
    data_home = DataHome.resolve(home)
    folder = latest_run(data_home)
    if folder is None:
        err_console.print(
            f"[red]Gagal:[/red] belum ada hasil padanan di {data_home.root}; "
            "jalankan `sinergi link` lebih dulu."
        )
        raise typer.Exit(1)
    if export is not None:
        queue = pl.read_parquet(folder / "review.parquet")
        write_review_workbook(queue, export)
        console.print(f"{id_number(queue.height)} pasangan untuk ditinjau: {export}")
        return
    assert apply is not None
    try:
        keys = set(
            pl.read_parquet(folder / "records.parquet", columns=["record_key"])["record_key"]
        )
        rows = decisions.read_workbook(apply, keys)
        if user is None:
            raise SinergiError(
                "Sebutkan nama peninjau dengan --user.",
                english="--user is required with --apply",
                code="REVIEW_USER_MISSING",
            )
        stored = decisions.record_many(data_home, rows, user=user)
    except SinergiError as error:
        log.info("review failed: %s (%s)", error.english, error.code)
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    console.print(
        f"{id_number(stored)} keputusan disimpan; dipakai pada `sinergi link` berikutnya."
    )


def _print_link(run: Any, quality: dict[str, Any] | None) -> None:
    counts = run.counts
    table = Table("Ukuran", "Nilai", title=f"Padanan {run.run_id}")
    for label, key in (
        ("Catatan dibaca", "records"),
        ("Identitas berbeda dibandingkan", "variants"),
        ("Pasangan berpeluang 1% atau lebih", "pairs_scored"),
        ("Tautan diterima", "links_accepted"),
        ("Pasangan untuk ditinjau", "pairs_for_review"),
        ("Orang (pid)", "persons"),
        ("Keluarga (hid)", "families"),
    ):
        table.add_row(label, id_number(counts[key]))
    table.add_row("Waktu", f"{id_decimal(sum(run.seconds.values()), 1)} detik")
    console.print(table)
    if quality:
        scores = Table("Mutu terhadap kebenaran", "Presisi", "Recall", "F1")
        for label, key in (
            ("Tautan otomatis", "auto"),
            ("Bila semua tinjauan diterima", "with_review"),
        ):
            pairwise = quality[key]["pairwise"]
            scores.add_row(
                f"{label} (pasangan)",
                *(id_decimal(pairwise[m], 4) for m in ("precision", "recall", "f1")),
            )
            cluster = quality[key]["cluster"]
            scores.add_row(
                f"{label} (orang utuh)",
                *(id_decimal(cluster[m], 4) for m in ("precision", "recall")),
                "",
            )
        console.print(scores)
    console.print(f"Hasil: {run.folder}")


@contextmanager
def _stages(quiet: bool, stages: tuple[str, ...]) -> Iterator[Callable[[str], None] | None]:
    """A Rich progress bar over the named stages of a job, on a terminal only."""
    if quiet or not err_console.is_terminal:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console) as bar:  # fmt: skip
        task = bar.add_task(stages[0], total=len(stages))
        started = False

        def stage(label: str) -> None:
            nonlocal started
            if started:
                bar.advance(task)
            started = True
            bar.update(task, description=label)

        yield stage
        bar.update(task, completed=len(stages))


@contextmanager
def _progress(
    quiet: bool, total: int | None, label: str = "Membangkitkan penduduk"
) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr, only on a terminal; yields its advance function."""
    if quiet or not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, TimeElapsedColumn(), console=err_console) as bar:
        task = bar.add_task("synth", total=total)
        yield lambda persons: bar.advance(task, persons)


def _print_summary(name: str, manifest: dict[str, Any], out: Path) -> None:
    counts = manifest["counts"]
    achieved = manifest["calibration_achieved"]
    cal = manifest["config"]["calibration"]
    console.print(
        f"[bold]Wilayah sintetis {name}[/bold] selesai dalam {manifest['seconds']:.0f} detik."
    )
    table = Table("Ukuran", "Nilai", title="Ringkasan")
    table.add_row("Penduduk", id_number(counts["persons"]))
    table.add_row("Rumah tangga", id_number(counts["households"]))
    table.add_row("Rata-rata anggota rumah tangga", id_decimal(achieved["mean_household_size"]))
    table.add_row(
        "Penduduk miskin (P0)",
        f"{id_percent(achieved['poverty_rate'], 2)} (target {id_percent(cal['poverty_rate'], 2)})",
    )
    table.add_row(
        "Miskin ekstrem",
        f"{id_percent(achieved['extreme_rate'], 2)} (target {id_percent(cal['extreme_rate'], 2)})",
    )
    table.add_row("Gini pengeluaran per kapita", id_decimal(achieved["gini"], 3))
    table.add_row("Sampel survei (rumah tangga)", id_number(counts["survey_households"]))
    console.print(table)
    files = Table("Berkas", "Baris", title="Berkas sumber")
    for path, rows in sorted(manifest["files"].items()):
        files.add_row(path, id_number(rows))
    console.print(files)
    console.print(
        f"Folder: {out}  (kebenaran dasar di {out / 'truth'} tidak pernah dibaca pipeline)"
    )


REPORT_KINDS = ("rpkd", "rat", "lp2kd", "notulen")


@app.command("report")
def report(
    kind: Annotated[
        str,
        typer.Argument(
            help="rpkd, rat, lp2kd, notulen; atau templat (salin templat bawaan untuk disunting)."
        ),
    ],
    area: Annotated[
        str | None,
        typer.Option(
            "--wilayah", help="Kode provinsi atau kabupaten/kota.", envvar="SINERGI_WILAYAH"
        ),
    ] = None,
    year: Annotated[int | None, typer.Option(help="Tahun dokumen (bawaan: tahun ini).")] = None,
    out: Annotated[Path | None, typer.Option(help="Salin juga berkas hasil ke folder ini.")] = None,
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    rakor: Annotated[
        int | None,
        typer.Option(help="Notulen: nomor (ID) satu rakor; bawaan semua rakor tahun itu."),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf/--no-pdf", help="Buat juga PDF (LibreOffice).")
    ] = True,
    templates: Annotated[
        Path | None,
        typer.Option(help="Folder templat sendiri (bawaan: <home>/templat, bila ada)."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option("--user", help="Akun situs yang meminta dokumen; hak aksesnya yang berlaku."),
    ] = None,
    names: Annotated[
        bool,
        typer.Option(
            "--names",
            help="LP2KD: lampirkan penerima menurut nama dan alamat (perlu --user berhak ekspor).",
        ),
    ] = False,
) -> None:
    """Buat dokumen TKPK dari data Sinergi: DOCX untuk disunting, PDF, dan lampiran XLSX.

    Berkas ditulis ke <home>/reports/dokumen/<folder>/ dan dicatat (siapa, kapan, data
    mana). Templat sendiri di <home>/templat/ menggantikan templat bawaan.

    Contoh:

        sinergi report lp2kd --wilayah 52.05 --year 2026 --out laporan/
        sinergi report templat --out templat-saya/
    """
    if kind == "templat":
        _copy_templates(out)
        return
    if kind not in REPORT_KINDS:
        _misuse(
            f"jenis dokumen {kind!r} tidak dikenal; pilih {', '.join(REPORT_KINDS)} atau templat."
        )
    if not area:
        _misuse("--wilayah wajib diisi (kode provinsi atau kabupaten/kota).")
    code = _team_area(area)
    if names and not user:
        _misuse("--names perlu --user: lampiran nama dan alamat dibaca dengan hak akun itu.")
    _app_database(home)
    from django.utils import timezone

    from sinergi.lake.home import current_user
    from sinergi.web.documents import produce

    asker = _account(user, code, names)
    run = produce.create(
        asker, user or f"cli:{current_user()}", kind, code, year or timezone.localdate().year,
        meeting=_meeting(rakor, code) if rakor is not None else None, pdf=pdf, names=names,
    )  # fmt: skip
    # produce logs a failure in English for the site's logs; here the user reads it below in
    # Bahasa Indonesia, so that log line reaches the console only with --verbose.
    produce_log = logging.getLogger(produce.__name__)
    if not logging.getLogger().isEnabledFor(logging.INFO):
        produce_log.setLevel(logging.ERROR)
    try:
        paths = produce.make(run, own_templates=templates)
    except SinergiError as error:
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error
    finally:
        produce_log.setLevel(logging.NOTSET)
    table = Table("Berkas", "Ukuran (bita)", title=f"Dokumen {kind} {run.scope} {run.year}")
    for path in paths:
        table.add_row(path.name, id_number(path.stat().st_size))
    console.print(table)
    console.print(f"Folder: {paths[0].parent}  (tercatat sebagai pekerjaan #{run.pk})")
    if out is not None:
        import shutil

        out.mkdir(parents=True, exist_ok=True)
        for path in paths:
            shutil.copyfile(path, out / path.name)
        console.print(f"Disalin ke {out}")


def _misuse(message: str) -> NoReturn:
    err_console.print(f"[red]Salah pakai:[/red] {message}")
    raise typer.Exit(2)


def _copy_templates(out: Path | None) -> None:
    from sinergi.reports.documents import copy_templates

    if out is None:
        _misuse("templat perlu --out: folder tujuan salinan templat.")
    copied = copy_templates(out)
    console.print(
        f"{len(copied)} templat disalin ke {out} (yang sudah ada tidak ditimpa). Sunting, lalu "
        "taruh di <home>/templat/ atau pakai --templates."
    )


def _team_area(area: str) -> str:
    """The dotted province or regency code; misuse for any other level or a bad code."""
    try:
        found = wilayah.get(area)
    except SinergiError as error:
        _misuse(str(error))
    if found.level not in (wilayah.Level.PROVINCE, wilayah.Level.REGENCY):
        _misuse(
            "dokumen TKPK dibuat untuk provinsi atau kabupaten/kota, bukan kecamatan atau desa."
        )
    return found.code


def _account(username: str | None, area: str, names: bool) -> Any:
    """The site account named by --user, checked for the rights the request needs."""
    if username is None:
        return None
    from django.contrib.auth import get_user_model

    from sinergi.web import scoping
    from sinergi.web.documents import produce

    account = get_user_model().objects.filter(username=username).first()
    if account is None:
        _misuse(f"akun {username!r} tidak ada di basis data aplikasi.")
    if not scoping.may(account, "report", area):
        err_console.print(
            f"[red]Ditolak:[/red] akun {username} tidak berhak membuat dokumen {area}."
        )
        raise typer.Exit(1)
    if names and not produce.may_read_names(account, area):
        err_console.print(
            f"[red]Ditolak:[/red] akun {username} tidak berhak mengekspor data orang di {area}."
        )
        raise typer.Exit(1)
    return account


def _meeting(pk: int, area: str) -> Any:
    from sinergi.web.coordination.models import Meeting

    meeting = Meeting.objects.filter(pk=pk, area_code=area).first()
    if meeting is None:
        _misuse(f"rakor #{pk} tidak ada untuk wilayah {area}.")
    return meeting


@app.command()
def serve(
    home: Annotated[
        Path | None,
        typer.Option(help="Folder data (bawaan: ./sinergi-data).", envvar="SINERGI_HOME"),
    ] = None,
    host: Annotated[str, typer.Option(help="Alamat yang didengarkan.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port yang didengarkan.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Jumlah proses server web (gunicorn).")] = 3,
    threads: Annotated[int, typer.Option(min=1, help="Utas per proses server web.")] = 4,
    demo_users: Annotated[
        bool,
        typer.Option(
            "--demo-users", help="Buat akun demo untuk setiap peran (hanya untuk data sintetis)."
        ),
    ] = False,
    setup_only: Annotated[
        bool,
        typer.Option("--setup-only", help="Siapkan basis data dan peran, lalu berhenti."),
    ] = False,
    http: Annotated[
        bool,
        typer.Option(
            "--http",
            help="Izinkan cookie lewat http biasa (hanya di 127.0.0.1/localhost, untuk demo). "
            "Tanpa ini cookie hanya lewat HTTPS: pasang proxy TLS di depan situs.",
        ),
    ] = False,
) -> None:
    """Jalankan situs Sinergi: siapkan basis data aplikasi dan peran, lalu layani situsnya.

    Basis data aplikasi: <home>/app.sqlite3, atau PostgreSQL bila SINERGI_DATABASE_URL
    diisi. Peran dibaca dari <home>/roles.toml bila ada, selain itu dari bawaan. Situs
    dilayani gunicorn; pekerjaan latar (impor unggahan) dijalankan `db_worker` di sampingnya.

    Contoh:

        sinergi serve --demo-users --http
    """
    import subprocess
    import sys

    if http:
        if host not in ("127.0.0.1", "localhost"):
            _misuse("--http hanya untuk 127.0.0.1 atau localhost; di jaringan pakai proxy TLS.")
        # Plain http on this machine only: HTTPS-only cookies would never come back.
        os.environ["SINERGI_INSECURE_COOKIES"] = "1"
    roles = _app_database(home)
    from sinergi.web.accounts.roles import roles_file

    console.print(f"Basis data siap; {len(roles)} peran dari {roles_file()}.")
    if demo_users:
        _print_demo_users()
    if setup_only:
        return
    worker = subprocess.Popen([sys.executable, "-m", "django", "db_worker", "--no-reload"])
    console.print(f"Situs: http://{host}:{port}/  (hentikan dengan Ctrl+C)")
    try:
        subprocess.run(
            [sys.executable, "-m", "gunicorn", "sinergi.web.wsgi:application",
             "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
             "--timeout", "120", "--preload", "--access-logfile", "-",
             "--config", "python:sinergi.web.gunicorn_hooks"],
            check=False,
        )  # fmt: skip
    except KeyboardInterrupt:
        pass
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def _app_database(home: Path | None) -> list[Any]:
    """Set Django up on the data folder, migrate the app database and load the roles."""
    data_home = (home or Path(os.environ.get("SINERGI_HOME", "sinergi-data"))).resolve()
    os.environ["SINERGI_HOME"] = str(data_home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinergi.web.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from sinergi.web.accounts.roles import sync_roles

    try:
        call_command("migrate", verbosity=0, interactive=False)
        return sync_roles()
    except SinergiError as error:
        err_console.print(f"[red]Gagal:[/red] {error}")
        raise typer.Exit(1) from error


def _print_demo_users() -> None:
    from sinergi.web import registry
    from sinergi.web.accounts.demo import create_demo_users

    try:
        areas = registry.diagnosis_table("areas")
    except registry.NoDiagnosis:
        err_console.print("[red]Gagal:[/red] akun demo perlu hasil `sinergi diagnose` lebih dulu.")
        raise typer.Exit(1) from None
    regency = str(areas.filter(areas["level"] == "kabupaten")["area_code"][0])
    top_pocket = str(registry.pockets(regency)["area_code"][0])
    table = Table("Pengguna", "Kata sandi", "Peran", "Wilayah", title="Akun demo")
    for account in create_demo_users(regency, top_pocket):
        table.add_row(account.username, account.password, account.role,
                      account.see_scope or "Indonesia")  # fmt: skip
    console.print(table)
    _seed_demo_coordination(regency)


def _seed_demo_coordination(regency: str) -> None:
    """The demo regency's action plan, TKPK and rakor of this year (once; synthetic)."""
    from django.utils import timezone

    from sinergi.web.coordination.demo import seed_demo_coordination
    from sinergi.web.plans.demo import seed_demo_plan

    today = timezone.localdate()
    seed_demo_plan(regency, today.year)
    seed_demo_coordination(regency, today.year, today)
    console.print(
        f"Contoh rencana aksi {today.year} dengan realisasi, keanggotaan TKPK dan tiga rakor "
        "dengan keputusan dan tindak lanjutnya siap (data sintetis)."
    )


def main() -> None:
    """Entry point of the `sinergi` script."""
    app()


if __name__ == "__main__":  # `spark-submit .../sinergi/cli.py link --engine spark`
    main()
