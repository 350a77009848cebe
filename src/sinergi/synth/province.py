"""A whole synthetic province: every regency of it built as `synthesize` builds one, in parallel.

The province's persons are shared among its regencies in proportion to their
number of villages (the code list carries no population; villages follow it
roughly), each regency getting at least ``MIN_PERSONS``. Regency ``i`` (in code
order) uses the seed ``seed * 1000 + i``, so the same province, persons and seed
give the same files. Each regency lands in ``<out>/<kode>/`` with its own
``sources/`` (file names carry the regency code) and ``truth/``;
``sinergi import <out>/*/sources`` takes them all. The folder appears whole or
not at all.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from sinergi.domain import wilayah
from sinergi.errors import SynthError
from sinergi.lake.home import write_atomically
from sinergi.synth.build import SynthResult, refuse_full_folder, synthesize
from sinergi.synth.config import SynthConfig, default_calibration
from sinergi.synth.programs import Amounts

MIN_PERSONS = 200
# Record numbers of regency i start at i * ID_SPAN: unique while a regency has fewer
# persons than this and the province fewer than ~100 regencies (ids wrap at ~1e9).
ID_SPAN = 10_000_000


def province_shares(province: str, persons: int) -> dict[str, int]:
    """Persons per regency of ``province``, in proportion to villages, adding up to ``persons``.

    Examples:
        >>> shares = province_shares("52", 100_000)
        >>> len(shares), sum(shares.values()), min(shares.values()) >= MIN_PERSONS
        (10, 100000, True)
    """
    area = wilayah.get(province)
    if area.level is not wilayah.Level.PROVINCE:
        raise SynthError(
            f"{area.code} ({area.label}) bukan provinsi.",
            english=f"{area.code} is not a province",
            code="SYNTH_NOT_A_PROVINCE",
        )
    regencies = [a for a in wilayah.children(area.code) if a.level is wilayah.Level.REGENCY]
    if persons < MIN_PERSONS * len(regencies):
        raise SynthError(
            f"{area.label} punya {len(regencies)} kabupaten/kota: perlu sedikitnya "
            f"{MIN_PERSONS * len(regencies)} penduduk.",
            english=f"{area.code} needs at least {MIN_PERSONS * len(regencies)} persons",
            code="SYNTH_TOO_FEW_PERSONS",
        )
    if persons >= ID_SPAN * len(regencies):
        raise SynthError(
            f"Paling banyak {ID_SPAN * len(regencies) - 1} penduduk untuk {area.label}.",
            english=f"at most {ID_SPAN * len(regencies) - 1} persons for {area.code}",
            code="SYNTH_TOO_MANY_PERSONS",
        )
    villages = {r.code: len(wilayah.villages_of(r.code)) for r in regencies}
    spare = persons - MIN_PERSONS * len(regencies)
    total = sum(villages.values())
    shares = {code: MIN_PERSONS + spare * n // total for code, n in villages.items()}
    # What integer division left over goes to the largest regencies, one each.
    for code in sorted(villages, key=lambda c: (-villages[c], c))[: persons - sum(shares.values())]:
        shares[code] += 1
    return shares


def synthesize_province(
    province: str, persons: int, seed: int, out: Path, *, workers: int = 1, force: bool = False
) -> list[SynthResult]:
    """Build every regency of ``province`` under ``out`` with ``workers`` processes."""
    shares = province_shares(province, persons)
    refuse_full_folder(out, force)
    started = time.perf_counter()
    with write_atomically(out) as work:
        work.mkdir(parents=True)
        configs = [
            SynthConfig(
                regency=code,
                persons=count,
                seed=seed * 1000 + index,
                out=work / code,
                calibration=default_calibration(code),
                id_offset=index * ID_SPAN,
            )
            for index, (code, count) in enumerate(sorted(shares.items()))
        ]
        with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
            built = list(pool.map(_build, configs))
        manifest = {
            "province": wilayah.get(province).code,
            "persons": persons,
            "seed": seed,
            "regencies": {r.out.name: r.manifest["counts"] for r in built},
            "seconds": round(time.perf_counter() - started, 2),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return [SynthResult(out=out / r.out.name, manifest=r.manifest) for r in built]


def _build(config: SynthConfig) -> SynthResult:
    result = synthesize(config, Amounts.from_reference())
    _name_by_regency(result)
    return result


def _name_by_regency(result: SynthResult) -> None:
    """Put the regency's code in every source file name that lacks one, as regional exports do.

    A file imported again under the same name replaces the earlier import, so ten
    regencies' ``pkh_2026.csv`` must be told apart: ``pkh_2026_5205.csv``.
    """
    digits = wilayah.get(result.out.name).digits
    renamed = {}
    for path in sorted((result.out / "sources").rglob("*.*")):
        if digits not in path.name:
            target = path.with_name(f"{path.stem}_{digits}{path.suffix}")
            path.rename(target)
            renamed[path.relative_to(result.out).as_posix()] = target.relative_to(result.out)
    files = result.manifest.get("files", {})
    result.manifest["files"] = {str(renamed.get(name, name)): rows for name, rows in files.items()}
    (result.out / "manifest.json").write_text(
        json.dumps(result.manifest, indent=2, ensure_ascii=False, default=str)
    )
