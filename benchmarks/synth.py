"""Benchmark `sinergi synth`: persons per second and peak memory for given regency sizes.

Each size runs in its own process so that peak memory (max RSS) belongs to that
size alone. Usage:

    .venv/bin/python benchmarks/synth.py                 # 250,000 and 2,000,000 persons
    .venv/bin/python benchmarks/synth.py 50000 --keep    # one size, keep the output
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_one(persons: int, out: Path) -> dict[str, float]:
    """Build Dompu with ``persons`` persons into ``out``; return figures of this process."""
    from sinergi.synth.build import synthesize
    from sinergi.synth.config import SynthConfig, default_calibration
    from sinergi.synth.programs import Amounts

    config = SynthConfig(
        regency="52.05", persons=persons, seed=1, out=out, calibration=default_calibration("52.05")
    )
    started = time.perf_counter()
    result = synthesize(config, Amounts.from_reference(), force=True)
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {
        "persons": persons,
        "households": result.manifest["counts"]["households"],
        "seconds": round(seconds, 1),
        "persons_per_second": round(persons / seconds),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "output_mib": round(size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[250_000, 2_000_000])
    parser.add_argument("--keep", action="store_true", help="keep the generated folders")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.out)))
        return
    print(f"{'persons':>10} {'households':>10} {'seconds':>8} {'persons/s':>10} "
          f"{'peak MiB':>9} {'output MiB':>10}")  # fmt: skip
    for persons in args.sizes:
        out = Path(tempfile.mkdtemp(prefix="sinergi-bench-")) / "regency"
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(persons), "--out", str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        row = json.loads(child.stdout.strip().splitlines()[-1])
        print(f"{row['persons']:>10,} {row['households']:>10,} {row['seconds']:>8} "
              f"{row['persons_per_second']:>10,} {row['peak_memory_mib']:>9,} "
              f"{row['output_mib']:>10}")  # fmt: skip
        if not args.keep:
            shutil.rmtree(out.parent)


if __name__ == "__main__":
    main()
