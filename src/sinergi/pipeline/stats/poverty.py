"""Poverty and inequality figures from survey households: FGT indices, poor counts, Gini, Palma.

The measures follow the BPS basic-needs method (DOMAIN.md §4): a person is poor
when the monthly per-capita expenditure of their household is *below* the
poverty line (GK), ``y < z``; someone exactly at the line is not poor. Every
member of a household shares its per-capita expenditure, so household figures
become person figures with the **person weight** ``w·s`` (household design
weight × household size):

* FGT ``P_α = Σ w·s·1[y<z]·((z−y)/z)^α / Σ w·s`` (α = 0 headcount P0, 1 depth
  P1, 2 severity P2), a ratio estimated with its design-based standard error
  (:func:`~sinergi.pipeline.stats.design.ratio`). Functions return fractions;
  :func:`poverty_table` publishes percentages (× 100) as BPS does.
* Poor persons ``Σ w·s·1[y<z]``, a total.
* Gini, Palma and the bottom-40 % share of per-capita expenditure over persons
  (weights ``w·s``), each with a linearised standard error.

A line is a number of rupiah per capita per month, one per household (urban and
rural lines differ, and so do districts). Lines of different bases (BPS GK, a
PPP line) must never be mixed in one computation: the caller attaches the line
of one basis to every household.

Error codes raised here (all :class:`~sinergi.errors.PipelineError`), besides
those of :mod:`sinergi.pipeline.stats.design`: ``STATS_BAD_LINE``,
``STATS_BAD_HOUSEHOLD_SIZE``, ``STATS_BAD_ALPHA``, ``STATS_MISSING_COLUMN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from sinergi.errors import PipelineError
from sinergi.pipeline.stats.design import (
    Design,
    Estimate,
    FloatArray,
    GroupEstimates,
    IntArray,
    as_numbers,
    group_sum,
    ratio,
    ratio_by,
    reliability,
    total,
    total_by,
)

__all__ = [
    "INDICATORS",
    "bottom40_share",
    "fgt",
    "gini",
    "palma",
    "poor_count",
    "poverty_table",
]

# The rows of poverty_table, in order, for every group.
INDICATORS = ("P0", "P1", "P2", "poor_persons", "gini", "palma", "bottom40_share")

REQUIRED_COLUMNS = ("weight", "household_size", "expenditure_per_capita", "stratum", "psu")


def fgt(
    expenditure_pc: npt.ArrayLike,
    household_size: npt.ArrayLike,
    line: float | npt.ArrayLike,
    design: Design,
    alpha: int,
    domain: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The Foster-Greer-Thorbecke index ``P_alpha`` over persons, as a fraction (not × 100).

    Args:
        expenditure_pc: monthly per-capita expenditure of each household.
        household_size: members of each household (the person weight is
            design weight × size).
        line: the poverty line, one number or one per household.
        design: the sample design of the households.
        alpha: 0 (headcount P0), 1 (poverty gap P1), 2 (severity P2) or higher.
        domain: a boolean mask of the households of the domain, or ``None``.
        level: confidence level of the interval.

    Examples:
        >>> d = Design(np.ones(4))
        >>> fgt([100, 110, 150, 160], np.ones(4), 125, d, alpha=1).value
        0.08
    """
    y, size, z = _inputs(expenditure_pc, household_size, line, design)
    estimate = ratio(size * _fgt_terms(y, z, alpha), size, design, domain=domain, level=level)
    return _bounded(estimate, 0.0, 1.0)


def poor_count(
    expenditure_pc: npt.ArrayLike,
    household_size: npt.ArrayLike,
    line: float | npt.ArrayLike,
    design: Design,
    domain: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The number of poor persons ``Σ w·s·1[y<z]``, with its standard error.

    Examples:
        >>> d = Design(np.array([100.0, 100.0]))
        >>> poor_count([90, 200], [4, 2], 100, d).value
        400.0
    """
    y, size, z = _inputs(expenditure_pc, household_size, line, design)
    return _bounded(total(size * (y < z), design, domain=domain, level=level), 0.0)


def gini(values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """The Gini coefficient of ``values`` over units weighted by ``weights``.

    Convention: the weighted covariance formula ``G = 2·cov(y, F) / ȳ`` with
    ``F`` the weighted mid-rank distribution function, ``F_i = (W_<i + w_i/2) / W``
    (units sorted by value, ``W_<i`` the weight of the units before ``i``).
    With equal weights it is the plain sample Gini ``Σ_i Σ_j |y_i − y_j| / (2 n² ȳ)``
    without the small-sample factor ``n/(n−1)``: equal values give 0 and one unit
    holding everything gives ``(n−1)/n``. A unit of weight ``k`` counts exactly as
    ``k`` units of weight 1, and ties need no ordering rule. It equals the area
    formula ``1 − Σ (p_i − p_{i−1})(L_i + L_{i−1})`` on the unit-level Lorenz curve.

    Examples:
        >>> gini([1, 3, 2, 1, 1, 1, 4], np.ones(7))  # R phylotools/ineq doc: 0.3076923
        0.3076923076923077
    """
    value, weight = _distribution(values, weights)
    return float(_inequality_by(value, weight, np.zeros(value.size, dtype=np.int64), 1)[0][0])


def bottom40_share(values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """The share of the total held by the poorest 40 % of the (weighted) units.

    The Lorenz curve is read at 0.4 with a unit's weight spread evenly over its
    span, so a unit straddling the 40 % point counts in part.

    Examples:
        >>> round(bottom40_share(range(1, 11), np.ones(10)), 6)  # (1+2+3+4)/55
        0.181818
    """
    value, weight = _distribution(values, weights)
    return float(_inequality_by(value, weight, np.zeros(value.size, dtype=np.int64), 1)[1][0])


def palma(values: npt.ArrayLike, weights: npt.ArrayLike) -> float:
    """The Palma ratio: share of the richest 10 % over share of the poorest 40 % (weighted).

    Both shares are read from the Lorenz curve as in :func:`bottom40_share`.

    Examples:
        >>> round(palma(range(1, 11), np.ones(10)), 6)  # (10/55) / (10/55)
        1.0
    """
    value, weight = _distribution(values, weights)
    _, bottom, top = _inequality_by(value, weight, np.zeros(value.size, dtype=np.int64), 1)
    return float(top[0] / bottom[0]) if bottom[0] > 0 else float("inf")


def poverty_table(
    households: pl.DataFrame,
    line: str = "line",
    by: Sequence[str] = (),
    level: float = 0.95,
    nest: bool = False,
) -> pl.DataFrame:
    """P0, P1, P2 (in %), poor persons, Gini, Palma and bottom-40 % share, overall and by group.

    Args:
        households: survey households (contract ``survey_household``): ``weight``,
            ``household_size``, ``expenditure_per_capita``, ``stratum``, ``psu``,
            the columns of ``by`` and the ``line`` column.
        line: the column with each household's poverty line (Rp per capita per
            month, one basis only, e.g. the urban or rural GK of its district).
        by: grouping columns (e.g. ``["urban"]`` or ``["area_code"]``); every
            group is a domain of the whole design. Their values must not be empty.
        level: confidence level of the intervals.
        nest: PSU labels are unique only within a stratum (see :class:`Design`).

    Returns:
        Long format, one row per (group, indicator): the ``by`` columns (empty
        for the whole-sample rows, which come first), ``indicator`` (one of
        :data:`INDICATORS`), ``value``, ``se``, ``ci_low``, ``ci_high``, ``cv``,
        ``reliability``, ``df``, ``n_households``. P0, P1 and P2 are percentages
        (× 100, their standard errors too); ``cv`` is a fraction.
    """
    by = list(by)
    needed = list(dict.fromkeys([*REQUIRED_COLUMNS, line, *by]))
    _check_columns(households, needed)
    frame = households.select(needed)
    design = Design(
        frame["weight"].to_numpy(),
        _labels(frame["stratum"]),
        _labels(frame["psu"]),
        nest=nest,
    )
    y, size, z = _inputs(
        frame["expenditure_per_capita"].to_numpy(),
        frame["household_size"].to_numpy(),
        frame[line].to_numpy(),
        design,
    )
    parts = [_table_part(y, size, z, design, np.zeros(design.n_units, dtype=np.int64), level)]
    overall_keys = pl.DataFrame(
        {column: pl.Series(column, [None], dtype=frame.schema[column]) for column in by}
    )
    keys_list = [overall_keys]
    if by:
        keys = frame.select(by).unique().sort(by)
        codes = (
            frame.select(by)
            .with_row_index("_row")
            .join(keys.with_row_index("_group"), on=by, how="left")
            .sort("_row")["_group"]
            .to_numpy()
            .astype(np.int64)
        )
        parts.append(_table_part(y, size, z, design, codes, level))
        keys_list.append(keys)
    tables = []
    for keys, part in zip(keys_list, parts, strict=True):
        table = pl.DataFrame(part)
        if by:
            repeated = keys[np.repeat(np.arange(keys.height), len(INDICATORS))]
            table = pl.concat([repeated, table], how="horizontal")
        tables.append(table)
    return pl.concat(tables, how="vertical")


# --------------------------------------------------------------------------- internals


def _table_part(
    y: FloatArray, size: FloatArray, z: FloatArray, design: Design, codes: IntArray, level: float
) -> dict[str, pl.Series]:
    """The indicator rows of every group of ``codes``: group after group, INDICATORS order."""
    poor = (y < z).astype(np.float64)
    estimates: list[GroupEstimates] = [
        ratio_by(size * _fgt_terms(y, z, alpha), size, design, codes, level=level)
        for alpha in (0, 1, 2)
    ]
    estimates.append(total_by(size * poor, design, codes, level=level))
    estimates = [_bounded(e, 0.0, 1.0) for e in estimates[:3]] + [_bounded(estimates[3], 0.0)]
    # BPS publishes P0, P1 and P2 in percent; the other figures stay as they are.
    scales = (100.0, 100.0, 100.0, 1.0, 1.0, 1.0, 1.0)
    gini_, bottom, top = _inequality_by(y, design.weight * size, codes, len(estimates[0]))
    estimates.append(_bounded(_gini_estimates(gini_, y, size, design, codes, level), 0.0, 1.0))
    bottom_share, palma_ = _share_estimates(bottom, top, y, size, design, codes, level)
    estimates += [_bounded(palma_, 0.0), _bounded(bottom_share, 0.0, 1.0)]

    def stack(rows: Sequence[npt.NDArray[Any]]) -> npt.NDArray[Any]:
        # One array per indicator -> one value per (group, indicator), group-major.
        return np.vstack(rows).T.reshape(-1)

    def scaled(name: str) -> pl.Series:
        rows = [getattr(e, name) * scale for e, scale in zip(estimates, scales, strict=True)]
        return pl.Series(stack(rows), nan_to_null=True)

    n_groups = len(estimates[0])
    return {
        "indicator": pl.Series(np.tile(np.array(INDICATORS), n_groups), dtype=pl.String),
        "value": scaled("value"),
        "se": scaled("se"),
        "ci_low": scaled("ci_low"),
        "ci_high": scaled("ci_high"),
        "cv": pl.Series(stack([e.cv for e in estimates]), nan_to_null=True),
        "reliability": pl.Series(
            stack([e.reliability.astype(object) for e in estimates]).tolist(), dtype=pl.String
        ),
        "df": pl.Series(np.full(n_groups * len(INDICATORS), design.df), dtype=pl.Int64),
        "n_households": pl.Series(np.repeat(estimates[0].n, len(INDICATORS)), dtype=pl.Int64),
    }


_E = TypeVar("_E", Estimate, GroupEstimates)


def _bounded(estimate: _E, low: float, high: float = np.inf) -> _E:
    """The interval cut to what the figure can be: a Wald interval of a small share or count
    runs below zero (P1 -0.36, -2,665 poor persons), which no share or count can be. The
    point estimate and standard error stay as they are; the interval is then no longer
    symmetric around the value (docs/stats.md)."""
    return replace(
        estimate,
        ci_low=np.clip(estimate.ci_low, low, high),
        ci_high=np.clip(estimate.ci_high, low, high),
    )


def _gini_estimates(
    gini_: FloatArray,
    y: FloatArray,
    size: FloatArray,
    design: Design,
    codes: IntArray,
    level: float,
) -> GroupEstimates:
    """The Gini of every group with its linearised standard error.

    The Gini is a smooth functional of the person-weighted distribution, so its
    variance is that of the total of its influence function (Deville 1999;
    Langel & Tillé 2013): for ``G = 2A/μ − 1`` with ``A = ∫ y F dF``,
    ``IF(y) = (2 y F(y) + 2 ∫_{x≥y} x dF(x) − (G + 1) y) / μ − (G + 1)``, each
    household scoring ``size · IF(y) / N`` with its design weight. ``F`` and the
    upper tail use the same mid-rank convention as :func:`gini`, averaged over tied
    values so that the order of equal values does not matter.
    """
    n_groups = gini_.size
    weight = design.weight * size
    order = np.lexsort((y, codes))
    v, w, g = y[order], weight[order], codes[order]
    persons = group_sum(g, w, n_groups)
    amount = group_sum(g, w * v, n_groups)
    start = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=n_groups))[:-1]])
    weight_before = np.cumsum(w) - w - (np.cumsum(w) - w)[start[g]]
    amount_before = np.cumsum(w * v) - w * v - (np.cumsum(w * v) - w * v)[start[g]]
    mid_rank = (weight_before + w / 2) / persons[g]
    upper = (amount[g] - amount_before - w * v / 2) / persons[g]
    # Ties: one value of F and of the upper tail for every unit of a tie.
    tie = np.concatenate([[True], (g[1:] != g[:-1]) | (v[1:] != v[:-1])]).cumsum() - 1
    tie_weight = np.bincount(tie, weights=w)
    mid_rank = (np.bincount(tie, weights=w * mid_rank) / tie_weight)[tie]
    upper = (np.bincount(tie, weights=w * upper) / tie_weight)[tie]
    mean = amount[g] / persons[g]
    g1 = gini_[g] + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        influence = (2 * v * mid_rank + 2 * upper - g1 * v) / mean - g1
    score = np.empty_like(y)
    score[order] = _finite(influence / persons[g])
    return _with_value(total_by(size * score, design, codes, level=level), gini_)


def _share_estimates(
    bottom: FloatArray,
    top: FloatArray,
    y: FloatArray,
    size: FloatArray,
    design: Design,
    codes: IntArray,
    level: float,
) -> tuple[GroupEstimates, GroupEstimates]:
    """The bottom-40 % share and the Palma ratio of every group, with linearised errors.

    An income share ``S(p) = Σ w y 1[y ≤ q_p] / Σ w y`` linearises to
    ``z = (y 1[y ≤ q_p] − q_p (1[y ≤ q_p] − p) − S y) / Σ w y``: the quantile's
    density cancels (Langel & Tillé 2011, the quintile share ratio). The Palma
    ``R = (1 − S(0.9)) / S(0.4)`` then scores ``(−z_0.9 − R z_0.4) / S(0.4)``.
    """
    n_groups = bottom.size
    weight = design.weight * size
    amount = group_sum(codes, weight * y, n_groups)

    def linearised(p: float, share: FloatArray) -> FloatArray:
        q = _quantile_by(p, y, weight, codes, n_groups)[codes]
        below = (y <= q).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            return (y * below - q * (below - p) - share[codes] * y) / amount[codes]

    z40 = linearised(0.4, bottom)
    z90 = linearised(0.9, 1 - top)
    with np.errstate(divide="ignore", invalid="ignore"):
        palma_ = np.where(bottom > 0, top / bottom, np.nan)
        z_palma = (-z90 - palma_[codes] * z40) / bottom[codes]
    return (
        _with_value(total_by(size * _finite(z40), design, codes, level=level), bottom),
        _with_value(total_by(size * _finite(z_palma), design, codes, level=level), palma_),
    )


def _finite(score: FloatArray) -> FloatArray:
    # A group without expenditure has no share (null value); its score must not poison others.
    return np.where(np.isfinite(score), score, 0.0)


def _with_value(spread: GroupEstimates, value: FloatArray) -> GroupEstimates:
    """``spread``'s precision around ``value`` (the total of a score is zero by design)."""
    half = spread.ci_high - spread.value
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(value > 0, spread.se / value, np.nan)
    return replace(
        spread,
        value=value,
        ci_low=value - half,
        ci_high=value + half,
        cv=cv,
        reliability=np.array([reliability(c if np.isfinite(c) else None) for c in cv]),
    )


def _quantile_by(
    p: float, value: FloatArray, weight: FloatArray, codes: IntArray, size: int
) -> FloatArray:
    """The weighted ``p`` quantile of every group: the value of the unit whose span of
    weight holds p, as the Lorenz curve reads it."""
    order = np.lexsort((value, codes))
    v, w, g = value[order], weight[order], codes[order]
    start = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=size))[:-1]])
    weight_before = np.cumsum(w) - w - (np.cumsum(w) - w)[start[g]]
    return v[_unit_at(p, w, g, weight_before, group_sum(g, w, size), start, size)]


def _unit_at(
    p: float,
    w: FloatArray,
    g: IntArray,
    weight_before: FloatArray,
    group_weight: FloatArray,
    start: IntArray,
    size: int,
) -> IntArray:
    """Per group, the index (units sorted by group and value) of the unit whose span of
    weight holds p: the first with weight_before + w >= p·W."""
    below = (weight_before + w) < (p * group_weight)[g]
    return np.minimum(
        start + np.bincount(g, below, minlength=size).astype(np.int64),
        start + np.bincount(g, minlength=size) - 1,
    )


def _fgt_terms(y: FloatArray, z: FloatArray, alpha: int) -> FloatArray:
    """``1[y<z]·((z−y)/z)^α`` per household (0 for the non-poor, also when α = 0)."""
    if isinstance(alpha, bool) or not isinstance(alpha, int | np.integer) or alpha < 0:
        raise PipelineError(
            f"alpha FGT harus bilangan bulat 0 atau lebih (0 = P0, 1 = P1, 2 = P2), bukan "
            f"{alpha!r}.",
            english=f"FGT alpha must be an integer 0 or more (0 = P0, 1 = P1, 2 = P2), "
            f"not {alpha!r}.",
            code="STATS_BAD_ALPHA",
        )
    poor = y < z
    gap = np.where(poor, (z - y) / z, 0.0)
    return np.where(poor, gap ** int(alpha), 0.0)


def _inputs(
    expenditure_pc: npt.ArrayLike,
    household_size: npt.ArrayLike,
    line: float | npt.ArrayLike,
    design: Design,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Checked per-capita expenditure, household size and line of every household."""
    n = design.n_units
    y = as_numbers(expenditure_pc, n, "expenditure_per_capita")
    if (y < 0).any():
        raise PipelineError(
            "Pengeluaran per kapita tidak boleh negatif.",
            english="Per-capita expenditure cannot be negative.",
            code="STATS_BAD_VALUES",
        )
    size = as_numbers(household_size, n, "household_size")
    if (size <= 0).any():
        raise PipelineError(
            f"{int((size <= 0).sum())} rumah tangga punya jumlah anggota 0 atau kurang; "
            "bobot orang = bobot rumah tangga × jumlah anggota.",
            english=f"{int((size <= 0).sum())} households have a size of 0 or less; the person "
            "weight is household weight × household size.",
            code="STATS_BAD_HOUSEHOLD_SIZE",
        )
    if np.ndim(line) == 0:
        z = np.full(n, np.asarray(line, dtype=np.float64))
    else:
        z = as_numbers(line, n, "line")
    if not (np.isfinite(z) & (z > 0)).all():
        raise PipelineError(
            "Garis kemiskinan harus berupa angka lebih dari nol untuk setiap rumah tangga.",
            english="The poverty line must be a number greater than zero for every household.",
            code="STATS_BAD_LINE",
        )
    return y, size, z


def _distribution(values: npt.ArrayLike, weights: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    value = np.asarray(values, dtype=np.float64)
    weight = np.asarray(weights, dtype=np.float64)
    if value.ndim != 1 or value.shape != weight.shape or value.size == 0:
        raise PipelineError(
            "Nilai dan bobot harus dua deret sama panjang yang tidak kosong.",
            english="Values and weights must be two non-empty arrays of the same length.",
            code="STATS_LENGTH_MISMATCH",
        )
    if not (np.isfinite(value).all() and (value >= 0).all()):
        raise PipelineError(
            "Nilai untuk ukuran ketimpangan harus angka nol atau lebih.",
            english="Values for inequality measures must be numbers of zero or more.",
            code="STATS_BAD_VALUES",
        )
    if not (np.isfinite(weight).all() and (weight > 0).all()):
        raise PipelineError(
            "Bobot harus angka lebih dari nol.",
            english="Weights must be numbers greater than zero.",
            code="STATS_BAD_WEIGHT",
        )
    if not (value * weight).sum() > 0:
        raise PipelineError(
            "Total nilai nol: ukuran ketimpangan tidak terdefinisi.",
            english="The values sum to zero: inequality measures are undefined.",
            code="STATS_BAD_VALUES",
        )
    return value, weight


def _inequality_by(
    value: FloatArray, weight: FloatArray, codes: IntArray, size: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Gini, bottom-40 % share and top-10 % share of every group, in one sort.

    Units are sorted by (group, value); cumulative weights restart in each group.
    """
    order = np.lexsort((value, codes))
    v, w, g = value[order], weight[order], codes[order]
    group_weight = group_sum(g, w, size)
    group_amount = group_sum(g, w * v, size)
    start = np.concatenate([[0], np.cumsum(np.bincount(g, minlength=size))[:-1]])
    # Weight and amount of the units before each unit within its group.
    weight_before = np.cumsum(w) - w
    amount_before = np.cumsum(w * v) - w * v
    weight_before -= (np.cumsum(w) - w)[start[g]]
    amount_before -= (np.cumsum(w * v) - w * v)[start[g]]
    with np.errstate(divide="ignore", invalid="ignore"):
        mid_rank = (weight_before + w / 2) / group_weight[g]
        gini_ = group_sum(g, w * v * (2 * mid_rank - 1), size) / group_amount
        bottom = _lorenz_at(
            0.4, v, w, g, weight_before, amount_before, group_weight, group_amount, start, size
        )
        top = 1 - _lorenz_at(
            0.9, v, w, g, weight_before, amount_before, group_weight, group_amount, start, size
        )
    return gini_, bottom, top


def _lorenz_at(
    p: float,
    v: FloatArray,
    w: FloatArray,
    g: IntArray,
    weight_before: FloatArray,
    amount_before: FloatArray,
    group_weight: FloatArray,
    group_amount: FloatArray,
    start: IntArray,
    size: int,
) -> FloatArray:
    """The Lorenz curve L(p) of every group, linear within each unit's span of weight."""
    index = _unit_at(p, w, g, weight_before, group_weight, start, size)
    inside = np.clip(p * group_weight - weight_before[index], 0.0, w[index])
    return (amount_before[index] + inside * v[index]) / group_amount


def _check_columns(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [column for column in dict.fromkeys(columns) if column not in frame.columns]
    if missing:
        raise PipelineError(
            f"Kolom tidak ada di tabel rumah tangga survei: {', '.join(missing)}.",
            english=f"Columns missing from the survey household table: {', '.join(missing)}.",
            code="STATS_MISSING_COLUMN",
        )
    empty = [column for column in dict.fromkeys(columns) if frame[column].null_count()]
    if empty:
        raise PipelineError(
            f"Kolom berikut ada yang kosong: {', '.join(empty)}; lengkapi atau keluarkan "
            "rumah tangganya.",
            english=f"These columns have empty values: {', '.join(empty)}; complete them or "
            "drop those households.",
            code="STATS_BAD_VALUES",
        )


def _labels(series: pl.Series) -> IntArray:
    """Integer codes of a label column (polars codes text faster than numpy sorts it)."""
    return series.rank("dense").to_numpy().astype(np.int64)
