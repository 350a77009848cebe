"""A whole province through import, padanan and diagnosis, on DuckDB and on Spark local mode.

    python benchmarks/province.py                                   # NTB (52), 10 million persons
    python benchmarks/province.py --persons 200000 --engines duckdb,spark
    python benchmarks/province.py --engines spark --import-engine duckdb --no-diagnose
    SINERGI_SPARK_DRIVER_MEMORY=12g python benchmarks/province.py --regency 52.01 \
        --persons 1065000 --import-engine duckdb --no-diagnose

The province is built once into ``--work`` (``sinergi synth --province``) and
reused; each engine gets a fresh data home. ``--regency`` builds one regency
instead, as large as one partition of a larger province (Lombok Barat is a tenth
of a ten-million NTB): Spark links that within a working session, given a 12 GB
driver. Every stage runs as the `sinergi` command a user runs, in its own
process; its peak memory is that of the whole process tree (the Spark JVM
included), sampled from /proc. At the end the engines' registers are compared
through their digests: persons, families and links must be the same, as the
parity test asserts on the small regency; the digest also compares runs made on
different days.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

SINERGI = str(Path(sys.executable).with_name("sinergi"))
PAGE_MIB = 4096 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--province", default="52")
    parser.add_argument("--regency", help="one regency instead of the province (e.g. 52.01)")
    parser.add_argument("--persons", type=int, default=10_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--work", type=Path, default=Path("/tmp/sinergi-bench-province"))
    parser.add_argument(
        "--import-engine",
        help="import on this engine whatever the engine measured (the lake is the same): "
        "a Spark padanan at ten million fits a working session only without Spark's import",
    )
    parser.add_argument(
        "--no-diagnose", action="store_true", help="stop after padanan (its digest is the check)"
    )
    args = parser.parse_args()
    level, area = ("regency", args.regency) if args.regency else ("province", args.province)
    built = args.work / f"{level}-{area}-{args.persons}-{args.seed}"
    if not (built / "manifest.json").exists():
        seconds, peak, _ = run([SINERGI, "synth", f"--{level}", area, "--persons",
                                str(args.persons), "--seed", str(args.seed), "--out", str(built),
                                "--force", "--json"])  # fmt: skip
        print(f"synth {args.persons:,} persons: {seconds:.1f} s, peak {peak:,.0f} MiB")
    # A province is built as one folder per regency, a regency as one folder.
    folders = [built / "sources"] if args.regency else sorted(built.glob("*/sources"))
    sources = [str(folder) for folder in folders]
    results, digests = {}, {}
    for engine in args.engines.split(","):
        home = args.work / f"home-{engine}"
        shutil.rmtree(home, ignore_errors=True)
        importer = args.import_engine or engine
        imported = "import" if importer == engine else f"import/{importer}"
        stages = [
            (imported, [SINERGI, "import", *sources, "--home", str(home), "--engine", importer,
                        "--wilayah", area, "--json"]),
            ("padanan", [SINERGI, "link", "--home", str(home), "--engine", engine, "--json"]),
            ("diagnose", [SINERGI, "diagnose", "--home", str(home), "--engine", engine,
                          "--json"]),
        ][: 2 if args.no_diagnose else 3]  # fmt: skip
        rows = []
        for name, command in stages:
            rows.append((name, *run(command)))
            # As each stage ends, so that a stage that fails later leaves these figures.
            print(f"{engine} {name}: {rows[-1][1]:.1f} s, peak {rows[-1][2]:,.0f} MiB", flush=True)
        link = json.loads(rows[1][3])
        records = link["counts"]["records"]
        results[engine] = link["counts"]
        print(f"\n{engine}: {level} {area}, {args.persons:,} persons, {records:,} records")
        print(f"{'stage':10} {'seconds':>9} {'records/s':>10} {'peak MiB':>9}")
        for name, seconds, peak, _ in rows:
            print(f"{name:10} {seconds:9.1f} {records / seconds:10,.0f} {peak:9,.0f}")
        total = sum(seconds for _, seconds, _, _ in rows)
        print(f"{'total':10} {total:9.1f} {records / total:10,.0f} "
              f"{max(peak for _, _, peak, _ in rows):9,.0f}")  # fmt: skip
        digests[engine] = register_digest(home)
        print(f"register digest: {digests[engine]}")
    if len(results) > 1:
        counts = list(results.values())
        print("\nsame counts on every engine:", all(c == counts[0] for c in counts))
        print("same register on every engine:", len(set(digests.values())) == 1)


def register_digest(home: Path) -> str:
    """A digest of the latest padanan run's register: which records are one person and
    one family, and each link's decision. Equal digests are the same register, also
    for runs that cannot share a machine's disk (ten million on Spark takes longer
    than one working session here).

    Stable for one lock file: Polars' row hash may change between its versions.
    """
    digest = hashlib.sha256()
    for table in _register(home):
        digest.update(table.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def _register(home: Path) -> tuple[Any, Any]:
    """The records labelled by person and family, and the links' decisions, in key order.

    Ids are names only, so each record is labelled by the smallest record key of its
    person and of its family, as the parity test compares them.
    """
    import polars as pl

    from sinergi.lake.home import DataHome
    from sinergi.pipeline.link.run import latest_run

    folder = latest_run(DataHome(home))
    assert folder is not None, f"no padanan run in {home}"
    key = pl.col("record_key")
    records = (
        pl.scan_parquet(folder / "records.parquet")
        .select(key, key.min().over("pid").alias("person"), key.min().over("hid").alias("family"))
        .sort("record_key")
        .collect()
    )
    links = (
        pl.scan_parquet(folder / "links.parquet")
        .select("record_key_l", "record_key_r", "status")
        .sort("record_key_l", "record_key_r")
        .collect()
    )
    return records, links


def run(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak resident MiB of the process tree, and the last stdout line of a command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    peak = [0.0]
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(process.pid, peak, done), daemon=True)
    watcher.start()
    output, _ = process.communicate()
    done.set()
    watcher.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{command[1]} failed with exit code {process.returncode}")
    lines = output.strip().splitlines()
    return seconds, peak[0], lines[-1] if lines else ""


def _watch(root: int, peak: list[float], done: threading.Event) -> None:
    while not done.wait(0.5):
        peak[0] = max(peak[0], sum(_rss_mib(pid) for pid in _tree(root)))


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue.extend(children.get(pid, []))
    return found


def _rss_mib(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_MIB
    except (OSError, IndexError, ValueError):
        return 0.0


if __name__ == "__main__":
    main()
