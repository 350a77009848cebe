"""The review queue in the lake: the latest padanan run's pairs still waiting for a decision.

:func:`pending` is one row per pair with no person data (keys, probability,
weight, comparison levels, which fields agree and the pair's ``area_code``);
:func:`sides` is the person data, two rows per pair, and must be read through
:func:`sinergi.web.scoping.read_people`, which masks ``nik`` and ``kk``.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sinergi.lake.home import DataHome
from sinergi.pipeline.link import decisions
from sinergi.web import registry

KEYS = ["record_key_l", "record_key_r"]
SIDE_FIELDS = ("pid", "source", "nik", "kk", "name", "sex", "birth_date", "address")
# Compared on the raw values here, so that agreement shows even where NIK and KK are masked.
AGREEMENT = ("name", "nik", "kk", "sex", "birth_date", "area_code", "address", "source")
COMPARISONS = {
    "nik": gettext_noop("NIK"),
    "name": gettext_noop("Nama"),
    "birth": gettext_noop("Tanggal lahir"),
    "sex": gettext_noop("Jenis kelamin"),
    "patronym": gettext_noop("Nama bin/binti"),
    "mother_norm": gettext_noop("Nama ibu kandung"),
    "place": gettext_noop("KK dan tempat tinggal"),
}


def home() -> DataHome:
    return DataHome.resolve(Path(settings.HOME))


def pending() -> pl.LazyFrame:
    """Pairs of the latest padanan run still undecided, most likely the same person first.

    ``area_code`` is the smallest area holding both records, so a pair shows in
    an area only when both of its records lie inside it.
    """
    folder = registry.run_folder("linked")
    review = pl.scan_parquet(folder / "review.parquet")
    places = pl.scan_parquet(folder / "records.parquet").select("record_key", "area_code")
    for side in ("l", "r"):
        review = review.join(
            places.rename({"record_key": f"record_key_{side}", "area_code": f"area_code_{side}"}),
            on=f"record_key_{side}",
            how="left",
        )
    # Decisions are stored with the two keys in sorted order.
    lo, hi = pl.min_horizontal(KEYS), pl.max_horizontal(KEYS)
    decided = decisions.load(home()).select(KEYS).lazy()
    undecided = review.with_columns(lo.alias("_lo"), hi.alias("_hi")).join(
        decided, left_on=["_lo", "_hi"], right_on=KEYS, how="anti"
    )
    return undecided.select(
        *KEYS,
        "match_probability",
        "match_weight",
        pl.col("^gamma_.*$"),
        "area_code_l",
        "area_code_r",
        _shared_area("area_code_l", "area_code_r").alias("area_code"),
        *[_agree(field).alias(f"same_{field}") for field in AGREEMENT],
    ).sort(["match_probability", *KEYS], descending=[True, False, False])


def find(key_a: str, key_b: str) -> pl.DataFrame:
    """The pending pair of two records, in either order (no row when there is none)."""
    left, right = pl.col("record_key_l"), pl.col("record_key_r")
    either = ((left == key_a) & (right == key_b)) | ((left == key_b) & (right == key_a))
    return pending().filter(either).collect()


def sides(pairs: pl.LazyFrame) -> pl.LazyFrame:
    """Both records of each pair as two rows (``side`` ``l`` then ``r``), in the pairs' order.

    ``area_code`` stays the pair's, so a record is never shown apart from its
    pair; ``desa`` is the record's own area.
    """
    review = pl.scan_parquet(registry.run_folder("linked") / "review.parquet")
    numbered = pairs.with_row_index("_pair").select(
        "_pair", *KEYS, "area_code", "area_code_l", "area_code_r"
    )
    rows = [
        numbered.join(
            review.select(*KEYS, *[pl.col(f"{c}_{side}").alias(c) for c in SIDE_FIELDS]),
            on=KEYS,
            how="left",
        ).select(
            "_pair",
            *KEYS,
            pl.lit(side).alias("side"),
            pl.col(f"record_key_{side}").alias("record_key"),
            *SIDE_FIELDS,
            pl.col(f"area_code_{side}").alias("desa"),
            "area_code",
        )
        for side in ("l", "r")
    ]
    return pl.concat(rows).sort("_pair", "side").drop("_pair")


def side_by_side(pairs: pl.DataFrame, rows: pl.DataFrame) -> list[dict[str, Any]]:
    """Each pair of ``pairs`` with its two records from ``rows`` (as `read_people` gave them)."""
    by_key: dict[tuple[str, str, str], dict[str, Any]] = {
        (row["record_key_l"], row["record_key_r"], row["side"]): row
        for row in rows.iter_rows(named=True)
    }
    joined = []
    for pair in pairs.iter_rows(named=True):
        key = (pair["record_key_l"], pair["record_key_r"])
        left, right = by_key.get((*key, "l")), by_key.get((*key, "r"))
        if left is None or right is None:  # outside the area read: never half a pair
            continue
        joined.append({**pair, "left": left, "right": right})
    return joined


def evidence(pair: dict[str, Any]) -> list[dict[str, Any]]:
    """What each comparison of the model found for the pair, and its weight (log2 m/u).

    The weights leave out the term-frequency adjustment of names and birth
    dates and the prior, so they do not add up exactly to the pair's weight.
    """
    levels = _levels(str(registry.run_folder("linked") / "manifest.json"))
    found = []
    for comparison, title in COMPARISONS.items():
        value = pair.get(f"gamma_{comparison}")
        if value is None:
            continue
        label, weight = levels.get(comparison, {}).get(
            value, (_("kosong atau tidak dihitung"), 0.0)
        )
        found.append({"comparison": _(title), "level": label, "weight": weight})
    return found


@lru_cache(maxsize=4)
def _levels(manifest: str) -> dict[str, dict[int, tuple[str, float | None]]]:
    """Per comparison, the label and weight of each level value (Splink's gamma)."""
    model = json.loads(Path(manifest).read_text(encoding="utf-8"))["model"]
    found: dict[str, dict[int, tuple[str, float | None]]] = {}
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        found[comparison["output_column_name"]] = {
            len(levels) - 1 - at: (level["label_for_charts"], _weight(level))
            for at, level in enumerate(levels)
        }
    return found


def _weight(level: dict[str, Any]) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else None


def _shared_area(left: str, right: str) -> pl.Expr:
    """The smallest area holding both codes (Kemendagri codes are 2.2.2.4 wide); "" if none."""
    a, b = pl.col(left).fill_null(""), pl.col(right).fill_null("")
    shared = pl.lit("")
    for width in (2, 5, 8):  # provinsi, kabupaten, kecamatan: the deepest that agrees wins
        shared = (
            pl.when(a.str.slice(0, width) == b.str.slice(0, width))
            .then(a.str.slice(0, width))
            .otherwise(shared)
        )
    return pl.when(a == b).then(a).otherwise(shared)


def _agree(field: str) -> pl.Expr:
    """Whether both records say the same (null when either is empty)."""
    left, right = pl.col(f"{field}_l"), pl.col(f"{field}_r")
    if field in ("name", "address"):
        left, right = (c.str.to_uppercase().str.strip_chars() for c in (left, right))
    return left == right
