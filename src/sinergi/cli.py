"""The `sinergi` command line: a thin skin over the functions notebooks and jobs call.

Messages for people are in Bahasa Indonesia; logs stay in English. Exit codes:
0 success, 1 rejected data or a failed check, 2 misuse or a bug.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sinergi.domain import wilayah
from sinergi.errors import SinergiError

app = typer.Typer(
    help="Sinergi: data dan koordinasi penanggulangan kemiskinan daerah (TKPK).",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)
log = logging.getLogger("sinergi")


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


@contextmanager
def _progress(quiet: bool, total: int) -> Iterator[Callable[[int], None] | None]:
    """A Rich progress bar on stderr, only on a terminal; yields its advance function."""
    if quiet or not err_console.is_terminal:
        yield None
        return
    columns = (TextColumn("Membangkitkan penduduk"), BarColumn(), MofNCompleteColumn())
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
    table.add_row("Penduduk", _id_number(counts["persons"]))
    table.add_row("Rumah tangga", _id_number(counts["households"]))
    table.add_row(
        "Rata-rata anggota rumah tangga", f"{achieved['mean_household_size']:.2f}".replace(".", ",")
    )
    table.add_row(
        "Penduduk miskin (P0)",
        f"{_id_percent(achieved['poverty_rate'])} (target {_id_percent(cal['poverty_rate'])})",
    )
    table.add_row(
        "Miskin ekstrem",
        f"{_id_percent(achieved['extreme_rate'])} (target {_id_percent(cal['extreme_rate'])})",
    )
    table.add_row("Gini pengeluaran per kapita", f"{achieved['gini']:.3f}".replace(".", ","))
    table.add_row("Sampel survei (rumah tangga)", _id_number(counts["survey_households"]))
    console.print(table)
    files = Table("Berkas", "Baris", title="Berkas sumber")
    for path, rows in sorted(manifest["files"].items()):
        files.add_row(path, _id_number(rows))
    console.print(files)
    console.print(
        f"Folder: {out}  (kebenaran dasar di {out / 'truth'} tidak pernah dibaca pipeline)"
    )


def _id_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _id_percent(share: float) -> str:
    return f"{share * 100:.2f}%".replace(".", ",")


def main() -> None:
    """Entry point of the `sinergi` script."""
    app()
