"""Sum an assessment into the tables a TKPK reads: areas, programs, pockets, complementarity.

Every table holds exact counts. Small counts are hidden only when a table leaves
the machine, by :func:`suppress_small_counts` with the settings' k-anonymity
threshold; :func:`count_columns` and :func:`rate_numerators` say which columns of
each table that applies to.

Tables (keys of :func:`aggregates`):

``areas``
    One row per desa, kecamatan and kabupaten (``level``), in tree order of
    ``area_code``. Kecamatan and kabupaten rows are sums of their desa rows;
    shares, means and coverage are recomputed from those sums. Program columns
    count families, also for person-level programs (a family counts when any
    member is eligible, excluded, included or doubled).
``programs``
    One row per program rule, counted in the program's own unit (families or
    persons) from the statuses. Programs without an imported list have only
    ``eligible``.
``pockets``
    One row per desa, ranked worst first by a composite of four components; see
    :func:`aggregates`.
``complementarity`` and ``complementarity_matrix``
    Which listed programs extreme-poor families receive together.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TypeVar

import polars as pl

from sinergi.domain import wilayah
from sinergi.pipeline.diagnose.rules import RuleSet
from sinergi.pipeline.diagnose.status import Assessment

TABLES = ("areas", "programs", "pockets", "complementarity", "complementarity_matrix")
AREA_LEVELS = ("desa", "kecamatan", "kabupaten")
UNITS = {"family": "keluarga", "person": "individu"}
NONE_RECEIVED = "Tidak menerima program apa pun"

# The poor-and-vulnerable range (desil 1-4, P3KE's reach) that the shipped `unassisted`
# rule uses; unserved_share divides by the same families so it stays between 0 and 1.
POOR_AND_VULNERABLE_DESIL_MAX = 4

# Setting name in `[pockets]` -> the pockets column it weighs.
POCKET_COMPONENTS = {
    "extreme_share": "extreme_poor_share",
    "extreme_count": "extreme_poor",
    "deprivation": "deprivation_mean",
    "unserved_share": "unserved_share",
}

# Counts of families with a flag, per area, in the order of the `areas` table.
_FAMILY_FLAG_COUNTS = (
    "unassisted",
    "ats_children",
    "elderly_alone",
    "female_head",
    "disabled_families",
    "severe_disability_families",
    "migrant_families",
    "missing_documents",
    "rtlh",
)

# Columns of each table that count people or families; program and dimension columns of
# `areas` and every program column of `complementarity_matrix` are found by count_columns.
COUNT_COLUMNS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "areas": (
            "families",
            "persons",
            "extreme_poor",
            "multidim_poor",
            *_FAMILY_FLAG_COUNTS,
        ),
        "programs": (
            "eligible",
            "received",
            "served",
            "exclusion",
            "inclusion",
            "unregistered",
            "double",
        ),
        "pockets": ("families", "extreme_poor", "unassisted"),
        "complementarity": ("families",),
        "complementarity_matrix": (),
    }
)
_AREA_PROGRAM_COUNTS = (
    "eligible",
    "served",
    "exclusion",
    "inclusion",
    "unregistered",
    "double",
)

# A mean over families is as revealing as a share of them, so it goes with `families`.
_RATE_NUMERATORS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "areas": {
            "extreme_poor_share": "extreme_poor",
            "multidim_poor_share": "multidim_poor",
            "deprivation_mean": "families",
        },
        "programs": {"coverage": "served", "inclusion_rate": "inclusion"},
        "pockets": {
            "extreme_poor_share": "extreme_poor",
            "deprivation_mean": "families",
            "unserved_share": "unassisted",
        },
        "complementarity": {"share": "families"},
        "complementarity_matrix": {},
    }
)
_NO_RATES: Mapping[str, str] = MappingProxyType({})
_T = TypeVar("_T")


def aggregates(assessment: Assessment, rule_set: RuleSet) -> dict[str, pl.DataFrame]:
    """The five tables of one diagnosis, keyed by :data:`TABLES`, with exact counts.

    ``pockets`` ranks the desa by a composite of four components: ``extreme_poor_share``
    (extreme-poor families over all families), ``extreme_poor`` (their number),
    ``deprivation_mean`` (mean Alkire-Foster deprivation score) and ``unserved_share``
    (``unassisted`` families over families in desil 1-4; null where there are none).
    Each component becomes its percentile rank across the desa, ``(r - 1) / (n - 1)``
    where ``r`` is the desa's rank counted from the lowest value, ties taking their
    average rank; a desa without a value ranks below every other and scores 0.
    ``composite`` is the sum of the four percentiles weighted by ``[pockets]`` in the
    settings, the weights scaled to sum to 1 (all zero: composite 0), so it runs from
    0 to 1. ``rank`` 1 is the highest composite, the worst pocket; equal composites
    share a rank. Percentiles rather than raw values put a count and a share on one
    scale and keep one outlying desa from flattening the rest.
    """
    desa = _desa_sums(assessment, rule_set)
    names = _area_names(desa)
    return {
        "areas": _areas(desa, names, rule_set, assessment.listed),
        "programs": _programs(assessment, rule_set),
        "pockets": _pockets(desa, names, rule_set.settings.pocket_weights),
        "complementarity": _complementarity(assessment, rule_set),
        "complementarity_matrix": _complementarity_matrix(assessment),
    }


def suppress_small_counts(
    frame: pl.DataFrame,
    k: int,
    count_columns: Sequence[str],
    rate_columns: Mapping[str, str] = _NO_RATES,
) -> pl.DataFrame:
    """``frame`` with counts from 1 to ``k - 1`` made null, and the rates built on them.

    A count of 0 stays: it points at no one. ``rate_columns`` maps a rate (or mean)
    column to the count column it was computed from; the rate is nulled wherever
    that count is small, judged on the counts before suppression. Cells are judged
    one by one, with no secondary suppression: a total printed next to its parts,
    or a count next to counts it adds up to, can still give a hidden cell away.

    Examples:
        >>> frame = pl.DataFrame({"n": [0, 2, 7], "share": [0.0, 0.1, 0.4]})
        >>> suppress_small_counts(frame, 5, ["n"], {"share": "n"}).rows()
        [(0, 0.0), (None, None), (7, 0.4)]
    """
    small = {
        name: pl.col(name).is_between(1, k - 1) for name in (*count_columns, *rate_columns.values())
    }
    hidden = [pl.when(~small[name]).then(pl.col(name)).alias(name) for name in count_columns]
    hidden += [
        pl.when(~small[numerator]).then(pl.col(rate)).alias(rate)
        for rate, numerator in rate_columns.items()
    ]
    return frame.with_columns(hidden)


def count_columns(table: str, frame: pl.DataFrame) -> list[str]:
    """The columns of aggregate ``table`` (a key of :func:`aggregates`) that are counts."""
    fixed = _known(table, COUNT_COLUMNS)
    if table == "complementarity_matrix":
        return [c for c in frame.columns if c != "program"]
    if table == "areas":
        prefixes = ("d_", *(f"{kind}_" for kind in _AREA_PROGRAM_COUNTS))
        return [c for c in frame.columns if c in fixed or c.startswith(prefixes)]
    return [c for c in frame.columns if c in fixed]


def rate_numerators(table: str, frame: pl.DataFrame) -> dict[str, str]:
    """Rate and mean columns of aggregate ``table`` mapped to the count each rests on."""
    rates = dict(_known(table, _RATE_NUMERATORS))
    if table == "areas":
        rates |= {
            c: "served_" + c.removeprefix("coverage_")
            for c in frame.columns
            if c.startswith("coverage_")
        }
    return {r: n for r, n in rates.items() if r in frame.columns and n in frame.columns}


def _known(table: str, by_table: Mapping[str, _T]) -> _T:
    if table not in by_table:
        raise ValueError(f"no aggregate table {table!r} (known: {', '.join(TABLES)})")
    return by_table[table]


def _flag(column: str | pl.Expr) -> pl.Expr:
    expr = pl.col(column) if isinstance(column, str) else column
    return expr.fill_null(False).sum().cast(pl.Int64)


def _total(column: str) -> pl.Expr:
    return pl.col(column).fill_null(0).sum().cast(pl.Int64)


def _ratio(numerator: str, denominator: str) -> pl.Expr:
    return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))


def _dimensions(rule_set: RuleSet) -> list[str]:
    return [f"d_{d.name}" for d in rule_set.settings.dimensions]


def _desa_sums(assessment: Assessment, rule_set: RuleSet) -> pl.DataFrame:
    """Per desa, every count column of ``areas`` plus the sums its rates are built from."""
    programs = [
        expr.alias(f"{kind}_{p}")
        for p in assessment.listed
        for kind, expr in (
            ("eligible", _flag(f"eligible_{p}")),
            ("served", _flag(pl.col(f"eligible_{p}") & pl.col(f"receives_{p}"))),
            ("exclusion", _flag(f"exclusion_{p}")),
            ("inclusion", _flag(f"inclusion_{p}")),
            ("unregistered", _flag(f"unregistered_{p}")),
            ("double", _flag(f"double_{p}")),
        )
    ]
    # A family without an area code belongs to no desa and so to no row.
    return (
        assessment.families.filter(pl.col("area_code").is_not_null())
        .group_by("area_code")
        .agg(
            pl.len().cast(pl.Int64).alias("families"),
            _total("members_present").alias("persons"),
            _flag("extreme_poor").alias("extreme_poor"),
            _flag("multidim_poor").alias("multidim_poor"),
            *(_flag(d).alias(d) for d in _dimensions(rule_set)),
            _flag("unassisted").alias("unassisted"),
            _total("n_ats").alias("ats_children"),
            _flag("elderly_alone").alias("elderly_alone"),
            _flag("head_female").alias("female_head"),
            _flag(pl.col("n_disabled") > 0).alias("disabled_families"),
            _flag(pl.col("n_severe_disability") > 0).alias("severe_disability_families"),
            _flag(pl.col("n_migrant") > 0).alias("migrant_families"),
            _flag("missing_documents").alias("missing_documents"),
            _flag("rtlh").alias("rtlh"),
            *programs,
            pl.col("deprivation_score").sum().alias("_deprivation_sum"),
            pl.col("deprivation_score").count().cast(pl.Int64).alias("_scored"),
            _flag(pl.col("desil") <= POOR_AND_VULNERABLE_DESIL_MAX).alias("_poor_vulnerable"),
        )
    )


def _prefix(code: pl.Expr, segments: int) -> pl.Expr:
    return code.str.split(".").list.head(segments).list.join(".")


def _area_names(desa: pl.DataFrame) -> dict[str, str | None]:
    codes: set[str] = set()
    for desa_code in desa["area_code"].to_list():
        parts = desa_code.split(".")
        codes |= {".".join(parts[:n]) for n in (2, 3, 4)}
    return {code: _name(code) for code in sorted(codes)}


def _name(code: str) -> str | None:
    try:
        area = wilayah.find(code)
    except wilayah.WilayahError:
        return None
    return area.name if area is not None else None


def _areas(
    desa: pl.DataFrame, names: Mapping[str, str | None], rule_set: RuleSet, listed: Sequence[str]
) -> pl.DataFrame:
    sums = [c for c in desa.columns if c != "area_code"]
    levels = [desa.with_columns(pl.lit("desa").alias("level"))]
    for level, segments in (("kecamatan", 3), ("kabupaten", 2)):
        rolled = (
            desa.with_columns(_prefix(pl.col("area_code"), segments))
            .group_by("area_code")
            .agg(pl.col(sums).sum())
            .with_columns(pl.lit(level).alias("level"))
        )
        levels.append(rolled.select(levels[0].columns))
    areas = pl.concat(levels, how="vertical").with_columns(
        area_name=pl.col("area_code").replace_strict(names, default=None, return_dtype=pl.String),
        parent_code=pl.col("area_code").str.replace(r"\.[^.]*$", ""),
        extreme_poor_share=_ratio("extreme_poor", "families"),
        multidim_poor_share=_ratio("multidim_poor", "families"),
        deprivation_mean=_ratio("_deprivation_sum", "_scored"),
        **{f"coverage_{p}": _ratio(f"served_{p}", f"eligible_{p}") for p in listed},
    )
    columns = [
        "level",
        "area_code",
        "area_name",
        "parent_code",
        "families",
        "persons",
        "extreme_poor",
        "extreme_poor_share",
        "multidim_poor",
        "multidim_poor_share",
        "deprivation_mean",
        *_dimensions(rule_set),
        *_FAMILY_FLAG_COUNTS,
        *(f"{kind}_{p}" for p in listed for kind in (*_AREA_PROGRAM_COUNTS, "coverage")),
    ]
    return areas.select(columns).sort("area_code")


def _programs(assessment: Assessment, rule_set: RuleSet) -> pl.DataFrame:
    counted = (
        assessment.statuses.group_by("program")
        .agg(
            _flag("eligible").alias("eligible"),
            _flag("received").alias("received"),
            _flag(pl.col("status") == "served").alias("served"),
            _flag(pl.col("status") == "exclusion").alias("exclusion"),
            _flag(pl.col("status") == "inclusion").alias("inclusion"),
            _flag(pl.col("status") == "unregistered").alias("unregistered"),
            _flag("double").alias("double"),
        )
        .rows_by_key("program", named=True, unique=True)
    )
    rows = []
    for program in rule_set.programs:
        listed = program.id in assessment.listed
        if listed:
            counts = counted.get(program.id, dict.fromkeys(COUNT_COLUMNS["programs"], 0))
        else:
            # Without a list nothing is received, but who should be is still known.
            units = assessment.persons if program.level == "person" else assessment.families
            eligible = units.select(_flag(f"eligible_{program.id}")).item()
            counts = dict.fromkeys(COUNT_COLUMNS["programs"]) | {"eligible": eligible}
        rows.append(
            {
                "program": program.id,
                "name": program.name,
                "level": program.level,
                "unit": UNITS[program.level],
                "listed": listed,
                **counts,
            }
        )
    schema = {
        "program": pl.String,
        "name": pl.String,
        "level": pl.String,
        "unit": pl.String,
        "listed": pl.Boolean,
        **dict.fromkeys(COUNT_COLUMNS["programs"], pl.Int64),
    }
    return pl.DataFrame(rows, schema=schema, orient="row").with_columns(
        coverage=_ratio("served", "eligible"),
        inclusion_rate=_ratio("inclusion", "received"),
    )


def _percentile(column: str, n: int) -> pl.Expr:
    # Nulls take the bottom positions, so the lowest real value ranks above them.
    position = pl.col(column).rank("average") + pl.col(column).null_count() - 1
    return (position / max(n - 1, 1)).fill_null(0.0)


def _pockets(
    desa: pl.DataFrame, names: Mapping[str, str | None], weights: Mapping[str, float]
) -> pl.DataFrame:
    frame = desa.select(
        "area_code",
        pl.col("area_code")
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("area_name"),
        _prefix(pl.col("area_code"), 3)
        .replace_strict(names, default=None, return_dtype=pl.String)
        .alias("district_name"),
        "families",
        "extreme_poor",
        _ratio("extreme_poor", "families").alias("extreme_poor_share"),
        _ratio("_deprivation_sum", "_scored").alias("deprivation_mean"),
        "unassisted",
        _ratio("unassisted", "_poor_vulnerable").alias("unserved_share"),
    )
    total = sum(weights.get(name, 0.0) for name in POCKET_COMPONENTS)
    scaled = (
        {name: weights.get(name, 0.0) / total for name in POCKET_COMPONENTS} if total > 0 else {}
    )
    composite = pl.sum_horizontal(
        pl.lit(0.0),
        *(
            _percentile(column, frame.height) * scaled[name]
            for name, column in POCKET_COMPONENTS.items()
            if name in scaled
        ),
    )
    # Rounded so that equal composites reached by different sums of floats tie.
    return (
        frame.with_columns(composite=composite.round(6))
        .with_columns(rank=pl.col("composite").rank("min", descending=True).cast(pl.Int64))
        .sort("rank", "area_code")
    )


def _received_flags(assessment: Assessment) -> pl.DataFrame:
    """One row per extreme-poor family, one bool column per listed program it receives."""
    extreme = assessment.families.filter(pl.col("extreme_poor").fill_null(False))
    return extreme.select(
        "hid", *(pl.col(f"receives_{p}").fill_null(False).alias(p) for p in assessment.listed)
    )


def _complementarity(assessment: Assessment, rule_set: RuleSet) -> pl.DataFrame:
    flags = _received_flags(assessment)
    names = [pl.when(pl.col(p)).then(pl.lit(rule_set.program(p).name)) for p in assessment.listed]
    combination = pl.concat_list(names).list.drop_nulls().list.join(" + ") if names else pl.lit("")
    counted = (
        flags.with_columns(combination.alias("combination"))
        .with_columns(
            pl.when(pl.col("combination") == "")
            .then(pl.lit(NONE_RECEIVED))
            .otherwise(pl.col("combination"))
            .alias("combination")
        )
        .group_by("combination")
        .agg(pl.len().cast(pl.Int64).alias("families"))
    )
    # The row of families with no program at all is the one a TKPK asks about first,
    # so it is there even when it is zero.
    if NONE_RECEIVED not in counted["combination"].to_list():
        none = pl.DataFrame(
            {"combination": [NONE_RECEIVED], "families": [0]},
            schema={"combination": pl.String, "families": pl.Int64},
        )
        counted = pl.concat([counted, none], how="vertical")
    extreme = flags.height
    return counted.with_columns(
        share=pl.col("families") / extreme if extreme else pl.lit(None, pl.Float64)
    ).sort(["families", "combination"], descending=[True, False])


def _complementarity_matrix(assessment: Assessment) -> pl.DataFrame:
    listed = assessment.listed
    flags = _received_flags(assessment)
    both = flags.select(
        _flag(pl.col(row) & pl.col(column)).alias(f"{row}\t{column}")
        for row in listed
        for column in listed
    )
    counts = both.row(0, named=True) if listed else {}
    return pl.DataFrame(
        {
            "program": list(listed),
            **{column: [counts[f"{row}\t{column}"] for row in listed] for column in listed},
        },
        schema={"program": pl.String, **dict.fromkeys(listed, pl.Int64)},
    )
