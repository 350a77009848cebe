"""The whole pipeline for one regency: import, padanan and diagnosis, stage by stage.

Each stage runs as the `sinergi` command a user runs, in its own process, so
its seconds and peak memory are its own. The synthetic regency is built once
into ``--work`` and reused; the data home is rebuilt on every run.

    python benchmarks/pipeline.py                      # the demo regency, 250,000 persons
    python benchmarks/pipeline.py --persons 50000 --evaluate

With ``--evaluate`` the diagnosis is also scored against the synthetic truth
(exclusion and inclusion errors found, next to a NIK-only join); that scoring
is not part of the timed pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SINERGI = str(Path(sys.executable).with_name("sinergi"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sinergi-bench-pipeline"))
    parser.add_argument("--evaluate", action="store_true", help="score against the truth")
    args = parser.parse_args()
    regency = args.work / f"dompu-{args.persons}-{args.seed}"
    home = args.work / "home"
    if not (regency / "manifest.json").exists():
        _run([SINERGI, "synth", "--persons", str(args.persons), "--seed", str(args.seed),
              "--out", str(regency), "--force"])  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    stages = [
        ("import", [SINERGI, "import", str(regency / "sources"), "--home", str(home),
                    "--wilayah", "52.05", "--json"]),
        ("padanan", [SINERGI, "link", "--home", str(home), "--json"]),
        ("diagnose", [SINERGI, "diagnose", "--home", str(home), "--json"]),
    ]  # fmt: skip
    rows = [(name, *_run(command)) for name, command in stages]
    records = json.loads(rows[1][3])["counts"]["records"]
    print(f"Dompu 52.05, {args.persons:,} persons, seed {args.seed}; {records:,} records")
    print(f"{'stage':10} {'seconds':>8} {'records/s':>10} {'peak MiB':>9}")
    for name, seconds, peak, _ in rows:
        print(f"{name:10} {seconds:8.1f} {records / seconds:10,.0f} {peak:9,.0f}")
    total = sum(seconds for _, seconds, _, _ in rows)
    peak = max(peak for _, _, peak, _ in rows)
    print(f"{'total':10} {total:8.1f} {records / total:10,.0f} {peak:9,.0f}")
    if args.evaluate:
        _, _, output = _run(
            [SINERGI, "diagnose", "--home", str(home), "--json",
             "--evaluate", str(regency / "truth")]
        )  # fmt: skip
        quality = json.loads(output)["quality"]
        for measure in ("exclusion", "inclusion"):
            for method in ("sinergi", "nik_only"):
                o = quality[measure][method]["overall"]
                print(
                    f"{measure:9} {method:8} precision {o['precision']:.4f} "
                    f"recall {o['recall']:.4f} F1 {o['f1']:.4f} ({o['found']:,} found, "
                    f"{o['true']:,} true)"
                )


def _run(command: list[str]) -> tuple[float, float, str]:
    """Seconds, peak resident MiB and the last stdout line of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[1]} failed with exit code {os.waitstatus_to_exitcode(status)}")
    lines = output.strip().splitlines()
    return seconds, usage.ru_maxrss / 1024, lines[-1] if lines else ""


if __name__ == "__main__":
    main()
