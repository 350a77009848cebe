"""Poverty statistics at national scale: every indicator with its standard error for 500 regencies.

A synthetic SUSENAS-like sample (default 300,000 households: 500 regencies, each
with urban and rural strata of 10-household PSUs) is drawn with numpy, then
`poverty_table` computes P0, P1, P2, poor persons (with design-based SEs) and
Gini, Palma, bottom-40% share for Indonesia and for every regency.

    python benchmarks/stats.py
    python benchmarks/stats.py --households 600000
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import polars as pl

from sinergi.pipeline.stats.poverty import poverty_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--regencies", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sample = _sample(args.households, args.regencies, np.random.default_rng(args.seed))
    started = time.perf_counter()
    table = poverty_table(sample, by=["regency"])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    regencies = table.filter(pl.col("regency").is_not_null())["regency"].n_unique()
    print(f"{args.households:,} households, {regencies} regencies, {table.height:,} figures")
    print(f"seconds {seconds:.2f}  households/s {args.households / seconds:,.0f}  "
          f"peak MiB {peak:,.0f}")  # fmt: skip


def _sample(households: int, regencies: int, rng: np.random.Generator) -> pl.DataFrame:
    per_psu = 10
    psus = households // per_psu
    psu_regency = rng.integers(0, regencies, psus)
    psu_urban = rng.random(psus) < 0.4
    regency_effect = rng.normal(0, 0.25, regencies)
    psu_effect = rng.normal(0, 0.2, psus)
    psu = np.repeat(np.arange(psus), per_psu)
    log_pce = (
        13.2 + regency_effect[psu_regency[psu]] + psu_effect[psu] + 0.2 * psu_urban[psu]
        + rng.normal(0, 0.45, psus * per_psu)
    )  # fmt: skip
    return pl.DataFrame(
        {
            "regency": psu_regency[psu].astype(str),
            "stratum": (psu_regency[psu] * 2 + psu_urban[psu]).astype(str),
            "psu": psu.astype(str),
            "weight": rng.uniform(80, 250, psus)[psu],
            "household_size": rng.integers(1, 9, psus * per_psu),
            "expenditure_per_capita": np.exp(log_pce),
            "urban": np.where(psu_urban[psu], "urban", "rural"),
            "line": np.where(psu_urban[psu], 601_871.0, 556_874.0),
        }
    )


if __name__ == "__main__":
    main()
