"""Design-based totals and ratios, with standard errors, from a stratified cluster sample.

A SUSENAS-style sample selects census blocks (PSUs) within strata and then
households within blocks; every household carries a design weight. This module
estimates totals ``Σ w·y`` and ratios ``Σ w·y / Σ w·x`` and their precision the
way R's ``survey`` package and samplics do by default:

* **Taylor linearisation** with the **with-replacement (ultimate cluster)**
  approximation: in stratum ``h`` with ``n_h`` PSUs,
  ``v = Σ_h n_h/(n_h−1) · Σ_i (z_hi − z̄_h)²`` where ``z_hi`` is the PSU total of
  the weighted linearised values (``w·y`` for a total; ``w·(y − R·x)/X̂`` for a
  ratio). No finite population correction: BPS block sampling fractions are
  small, and leaving it out errs on the safe (larger) side.
* **Domains** (a district, urban areas) by the zero-outside-domain method:
  units outside the domain keep their stratum and PSU and contribute zeros, so a
  stratum keeps all of its PSUs. Subsetting the design instead would drop PSUs
  without domain units and understate the variance.
* **Degrees of freedom** are PSUs minus strata of the whole design, for every
  domain, and confidence intervals use Student's t with those degrees of freedom.
* **Strata with one PSU** ("lonely" PSUs) have no within-stratum variance. The
  default, ``lonely_psu="adjust"``, follows R ``survey``'s
  ``options(survey.lonely.psu = "adjust")`` (``onestage()`` in ``R/multistage.R``,
  survey ≥ 4.2): the single PSU total is centred at the grand mean of all PSU
  totals, ``Σ z / (number of PSUs)``, and counted with factor 1. For ratios the
  linearised values sum to zero, so this is ``z²``; a lonely stratum without any
  unit of a domain still adds the square of that domain's grand mean.
  ``lonely_psu="error"`` refuses such a design instead.

Every estimate carries the coefficient of variation (the relative standard
error, RSE) and a reliability code from the BPS rule of thumb (see
:func:`reliability`). :func:`total_by` and :func:`ratio_by` estimate many
domains in one pass (group sums with :func:`numpy.bincount`), for tables by
district or village.

Error codes raised here (all :class:`~sinergi.errors.PipelineError`):
``STATS_LENGTH_MISMATCH``, ``STATS_BAD_WEIGHT``, ``STATS_BAD_VALUES``,
``STATS_MISSING_LABEL``, ``STATS_PSU_NOT_NESTED``, ``STATS_LONELY_PSU``,
``STATS_BAD_OPTION``, ``STATS_EMPTY_DOMAIN``, ``STATS_ZERO_DENOMINATOR``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from sinergi.errors import PipelineError

__all__ = [
    "CAUTION_RSE",
    "RELIABLE_RSE",
    "Design",
    "Estimate",
    "GroupEstimates",
    "difference",
    "ratio",
    "ratio_by",
    "reliability",
    "total",
    "total_by",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# BPS rule of thumb on the relative standard error (RSE = CV = se / estimate):
# RSE <= 25 % the estimate is accurate enough to use; 25 % < RSE <= 50 % use it
# with caution; RSE > 50 % it is not accurate and should be combined with other
# estimates. Source [S]: "Bagaimana peranan data pemutakhiran terhadap RSE?"
# (Y. E.-Q. Sasmita, BPS; 123dok.com/document/yr3l86pv-b-a-g-a-i-m-a-rse.html),
# citing Soedarti et al. (2007), with a Susenas Maret 2015 worked example.
# Not yet checked against an official BPS regulation: keep the thresholds here.
RELIABLE_RSE = 0.25
CAUTION_RSE = 0.50


def reliability(cv: float | None) -> str:
    """The BPS reliability code of a coefficient of variation (RSE as a fraction).

    ``"reliable"`` up to and including 25 %, ``"caution"`` above 25 % up to and
    including 50 %, ``"unreliable"`` above 50 %. An undefined CV (the estimate is
    zero, or not a number) is ``"unreliable"``: no relative precision can be
    claimed for it.

    Examples:
        >>> reliability(0.25), reliability(0.2501), reliability(0.5), reliability(None)
        ('reliable', 'caution', 'caution', 'unreliable')
    """
    if cv is None or not math.isfinite(cv):
        return "unreliable"
    if cv <= RELIABLE_RSE:
        return "reliable"
    if cv <= CAUTION_RSE:
        return "caution"
    return "unreliable"


@dataclass(frozen=True, eq=False)
class Design:
    """A stratified (multi-stage) sample: weights, strata and PSUs of its units.

    Args:
        weight: design weight of each unit (household), positive and finite.
        strata: stratum label of each unit; ``None`` means one stratum.
        psu: PSU (census block) label of each unit; ``None`` means each unit is
            its own PSU.
        nest: PSU labels are only unique within a stratum, so a PSU is the pair
            (stratum, psu). Without it a PSU label found in two strata is an
            error, as in R's ``svydesign(nest = FALSE)``: it usually means the
            strata or PSU columns were mixed up.
        lonely_psu: ``"adjust"`` (default) or ``"error"`` for strata with a
            single PSU; see the module docstring.

    Examples:
        >>> d = Design(np.array([2.0, 2.0, 3.0, 3.0]), np.array(["a", "a", "b", "b"]),
        ...            np.array([1, 2, 3, 4]))
        >>> d.n_units, d.n_psus, d.n_strata, d.df
        (4, 4, 2, 2)
    """

    weight: FloatArray
    strata: npt.NDArray[Any] | None = None
    psu: npt.NDArray[Any] | None = None
    nest: bool = False
    lonely_psu: Literal["adjust", "error"] = "adjust"
    # Derived layout: stratum code and PSU code (0-based, PSUs unique across
    # strata) of each unit, the stratum of each PSU and the PSUs per stratum.
    stratum_code: IntArray = field(init=False, repr=False)
    psu_code: IntArray = field(init=False, repr=False)
    stratum_of_psu: IntArray = field(init=False, repr=False)
    psus_per_stratum: IntArray = field(init=False, repr=False)
    stratum_labels: npt.NDArray[Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.lonely_psu not in ("adjust", "error"):
            raise PipelineError(
                f"Pilihan lonely_psu {self.lonely_psu!r} tidak dikenal; pakai 'adjust' atau "
                "'error'.",
                english=f"Unknown lonely_psu option {self.lonely_psu!r}; use 'adjust' or 'error'.",
                code="STATS_BAD_OPTION",
            )
        try:
            weight = np.asarray(self.weight, dtype=np.float64)
        except (TypeError, ValueError):
            weight = np.array([])  # refused just below, with the message people read
        if weight.ndim != 1 or weight.size == 0:
            raise PipelineError(
                "Bobot harus berupa satu deret angka yang tidak kosong.",
                english="Weights must be a non-empty one-dimensional array of numbers.",
                code="STATS_BAD_WEIGHT",
            )
        bad = ~np.isfinite(weight) | (weight <= 0)
        if bad.any():
            raise PipelineError(
                # A position in the array, counted from 1: no file row is known here
                # (`stats.run` names the file's rows and column before this is reached).
                f"{int(bad.sum())} bobot tidak positif atau bukan angka (yang pertama: unit "
                f"ke-{int(np.argmax(bad)) + 1}). Bobot desain harus lebih dari nol.",
                english=f"{int(bad.sum())} weights are not positive finite numbers (first: unit "
                f"{int(np.argmax(bad)) + 1}). Design weights must be greater than zero.",
                code="STATS_BAD_WEIGHT",
            )
        n = weight.size
        if self.strata is None:
            stratum_labels: npt.NDArray[Any] = np.array(["(all)"])
            stratum_code = np.zeros(n, dtype=np.int64)
        else:
            stratum_labels, stratum_code = _codes(self.strata, "strata", n)
        n_strata = stratum_labels.size
        if self.psu is None:
            psu_labels: npt.NDArray[Any] = np.arange(n)
            raw_psu = np.arange(n, dtype=np.int64)
        else:
            psu_labels, raw_psu = _codes(self.psu, "psu", n)
        # One PSU per (stratum, psu label) pair; a label in two strata is two PSUs
        # only when the caller says labels are nested in strata.
        pairs, psu_code = np.unique(raw_psu * n_strata + stratum_code, return_inverse=True)
        label_of_pair = pairs // n_strata
        if not self.nest and pairs.size != psu_labels.size:
            strata_per_label = np.bincount(label_of_pair, minlength=psu_labels.size)
            example = psu_labels[int(np.argmax(strata_per_label))]
            raise PipelineError(
                f"PSU '{example}' muncul di lebih dari satu strata. Perbaiki kolom strata/PSU, "
                "atau pakai nest=True bila kode PSU hanya unik di dalam strata.",
                english=f"PSU {example!r} appears in more than one stratum. Fix the strata/PSU "
                "columns, or use nest=True if PSU labels are only unique within a stratum.",
                code="STATS_PSU_NOT_NESTED",
            )
        stratum_of_psu = (pairs % n_strata).astype(np.int64)
        psus_per_stratum = np.bincount(stratum_of_psu, minlength=n_strata).astype(np.int64)
        if self.lonely_psu == "error" and (psus_per_stratum == 1).any():
            lonely = stratum_labels[psus_per_stratum == 1]
            shown = ", ".join(str(label) for label in lonely[:5])
            raise PipelineError(
                f"Strata dengan satu PSU saja: {shown} ({lonely.size} strata); variansnya tidak "
                "bisa dihitung. Gabungkan strata atau pakai lonely_psu='adjust'.",
                english=f"Strata with a single PSU: {shown} ({lonely.size} in all); their variance "
                "cannot be estimated. Collapse strata or use lonely_psu='adjust'.",
                code="STATS_LONELY_PSU",
            )
        object.__setattr__(self, "weight", weight)
        object.__setattr__(self, "stratum_code", stratum_code)
        object.__setattr__(self, "psu_code", psu_code.astype(np.int64))
        object.__setattr__(self, "stratum_of_psu", stratum_of_psu)
        object.__setattr__(self, "psus_per_stratum", psus_per_stratum)
        object.__setattr__(self, "stratum_labels", stratum_labels)

    @property
    def n_units(self) -> int:
        """Sample units (households)."""
        return int(self.weight.size)

    @property
    def n_psus(self) -> int:
        """PSUs in the whole design."""
        return int(self.stratum_of_psu.size)

    @property
    def n_strata(self) -> int:
        """Strata in the whole design."""
        return int(self.psus_per_stratum.size)

    @property
    def df(self) -> int:
        """Degrees of freedom: PSUs minus strata of the whole design."""
        return self.n_psus - self.n_strata


@dataclass(frozen=True)
class Estimate:
    """One design-based estimate with its precision.

    Attributes:
        value: the estimate.
        se: its standard error.
        ci_low, ci_high: the confidence interval ``value ± t(df) · se``
            (not a number when ``df < 1``).
        cv: coefficient of variation ``se / |value|`` (the RSE as a fraction);
            ``None`` when the estimate is zero.
        df: degrees of freedom of the design.
        n: sample units (households) in the domain.
        reliability: ``"reliable"``, ``"caution"`` or ``"unreliable"``
            (see :func:`reliability`).
    """

    value: float
    se: float
    ci_low: float
    ci_high: float
    cv: float | None
    df: int
    n: int
    reliability: str


@dataclass(frozen=True, eq=False)
class GroupEstimates:
    """Estimates for many domains at once, one array element per group.

    ``groups`` holds the group labels in sorted order; ``cv`` is not a number
    where the estimate is zero. ``estimate(i)`` gives row ``i`` as an
    :class:`Estimate`.
    """

    groups: npt.NDArray[Any]
    value: FloatArray
    se: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    cv: FloatArray
    df: int
    n: IntArray
    reliability: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.value.size)

    def estimate(self, i: int) -> Estimate:
        """Group ``i`` as an :class:`Estimate`."""
        cv = float(self.cv[i])
        return Estimate(
            value=float(self.value[i]),
            se=float(self.se[i]),
            ci_low=float(self.ci_low[i]),
            ci_high=float(self.ci_high[i]),
            cv=cv if math.isfinite(cv) else None,
            df=self.df,
            n=int(self.n[i]),
            reliability=str(self.reliability[i]),
        )


def total(
    y: npt.ArrayLike,
    design: Design,
    domain: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The total ``Σ w·y`` over the sample, or over ``domain`` (a boolean mask).

    Examples:
        >>> d = Design(np.array([10.0, 10.0, 20.0, 20.0]), np.array([1, 1, 2, 2]))
        >>> e = total(np.array([1.0, 3.0, 2.0, 2.0]), d)
        >>> e.value, e.se
        (120.0, 20.0)
    """
    values = as_numbers(y, design.n_units, "y")
    grouping = _domain_grouping(domain, design)
    point, score = _total_parts(values, design, grouping)
    variance = _variance(design, grouping, score)
    return _single(_group_estimates(_DOMAIN_LABELS, point, variance, design, grouping, level))


def ratio(
    y: npt.ArrayLike,
    x: npt.ArrayLike,
    design: Design,
    domain: npt.ArrayLike | None = None,
    level: float = 0.95,
) -> Estimate:
    """The ratio ``R = Σ w·y / Σ w·x`` over the sample, or over ``domain`` (a boolean mask).

    A weighted mean is the ratio with ``x = 1``; a person-weighted poverty rate
    is the ratio with ``x`` the household size.

    Examples:
        >>> d = Design(np.ones(4), np.array([1, 1, 2, 2]))
        >>> ratio(np.array([1.0, 0.0, 1.0, 1.0]), np.ones(4), d).value
        0.75
    """
    numerator = as_numbers(y, design.n_units, "y")
    denominator = as_numbers(x, design.n_units, "x")
    grouping = _domain_grouping(domain, design)
    point, score = _ratio_parts(numerator, denominator, design, grouping)
    if grouping.units[_DOMAIN] and not math.isfinite(float(point[_DOMAIN])):
        raise PipelineError(
            "Penyebut rasio (Σ w·x) bernilai nol di domain ini; rasio tidak bisa dihitung.",
            english="The ratio denominator (Σ w·x) is zero in this domain; no ratio exists.",
            code="STATS_ZERO_DENOMINATOR",
        )
    variance = _variance(design, grouping, score)
    return _single(_group_estimates(_DOMAIN_LABELS, point, variance, design, grouping, level))


def total_by(
    y: npt.ArrayLike,
    design: Design,
    groups: npt.ArrayLike,
    level: float = 0.95,
) -> GroupEstimates:
    """Totals ``Σ w·y`` for every group of ``groups`` (one label per unit), in one pass.

    Each group is a domain of the whole design (zero outside the group).
    """
    values = as_numbers(y, design.n_units, "y")
    labels, codes = _codes(groups, "groups", design.n_units)
    grouping = _Grouping.build(design, codes, labels.size)
    point, score = _total_parts(values, design, grouping)
    return _group_estimates(
        labels, point, _variance(design, grouping, score), design, grouping, level
    )


def ratio_by(
    y: npt.ArrayLike,
    x: npt.ArrayLike,
    design: Design,
    groups: npt.ArrayLike,
    level: float = 0.95,
) -> GroupEstimates:
    """Ratios ``Σ w·y / Σ w·x`` for every group of ``groups`` (one label per unit), in one pass.

    Each group is a domain of the whole design (zero outside the group). A group
    whose denominator is zero gets a ratio that is not a number.
    """
    numerator = as_numbers(y, design.n_units, "y")
    denominator = as_numbers(x, design.n_units, "x")
    labels, codes = _codes(groups, "groups", design.n_units)
    grouping = _Grouping.build(design, codes, labels.size)
    point, score = _ratio_parts(numerator, denominator, design, grouping)
    return _group_estimates(
        labels, point, _variance(design, grouping, score), design, grouping, level
    )


def difference(a: Estimate, b: Estimate, level: float = 0.95) -> tuple[Estimate, bool]:
    """``a − b`` for estimates from independent samples (two survey rounds), and whether it
    is significant.

    ``se = √(se_a² + se_b²)``, ``df = min(df_a, df_b)``; the change is significant
    when its confidence interval at ``level`` excludes zero. ``n`` is the units
    behind both estimates. Do not use it for two domains of one sample: they
    share PSUs and are not independent.

    Examples:
        >>> a = Estimate(10.0, 1.0, 8.0, 12.0, 0.1, 100, 500, "reliable")
        >>> b = Estimate(7.0, 1.0, 5.0, 9.0, 1 / 7, 100, 500, "reliable")
        >>> change, significant = difference(a, b)
        >>> round(change.value, 6), round(change.se, 6), significant
        (3.0, 1.414214, True)
    """
    _check_level(level)
    value = a.value - b.value
    se = math.sqrt(a.se**2 + b.se**2)
    df = min(a.df, b.df)
    half = _t_quantile(level, df) * se
    cv = se / abs(value) if value != 0 else None
    estimate = Estimate(
        value=value,
        se=se,
        ci_low=value - half,
        ci_high=value + half,
        cv=cv,
        df=df,
        n=a.n + b.n,
        reliability=reliability(cv),
    )
    significant = bool(estimate.ci_low > 0 or estimate.ci_high < 0)
    return estimate, significant


# --------------------------------------------------------------------------- internals


@dataclass(frozen=True, eq=False)
class _Grouping:
    """Units split into groups (domains), with the (PSU, group) and (stratum, group) cells
    the variance sums run over. Only cells that hold units exist: 300,000 households in
    500 districts give at most 300,000 cells, never PSUs × groups."""

    codes: IntArray  # group of each unit
    size: int  # number of groups
    units: IntArray  # units per group
    cell_of_unit: IntArray  # (PSU, group) cell of each unit
    block_of_cell: IntArray  # (stratum, group) block of each cell
    block_stratum: IntArray  # stratum of each block
    block_group: IntArray  # group of each block

    @classmethod
    def build(cls, design: Design, codes: IntArray, size: int) -> _Grouping:
        cell_keys, cell_of_unit = np.unique(design.psu_code * size + codes, return_inverse=True)
        cell_stratum = design.stratum_of_psu[cell_keys // size]
        cell_group = cell_keys % size
        block_keys, block_of_cell = np.unique(cell_stratum * size + cell_group, return_inverse=True)
        return cls(
            codes=codes,
            size=size,
            units=np.bincount(codes, minlength=size).astype(np.int64),
            cell_of_unit=cell_of_unit.astype(np.int64),
            block_of_cell=block_of_cell.astype(np.int64),
            block_stratum=(block_keys // size).astype(np.int64),
            block_group=(block_keys % size).astype(np.int64),
        )


def _total_parts(
    values: FloatArray, design: Design, grouping: _Grouping
) -> tuple[FloatArray, FloatArray]:
    """Point totals per group and the per-unit linearised values (``w·y``)."""
    score = design.weight * values
    return group_sum(grouping.codes, score, grouping.size), score


def _ratio_parts(
    numerator: FloatArray, denominator: FloatArray, design: Design, grouping: _Grouping
) -> tuple[FloatArray, FloatArray]:
    """Point ratios per group and the per-unit linearised values ``w·(y − R·x)/X̂``."""
    codes, size = grouping.codes, grouping.size
    y_hat = group_sum(codes, design.weight * numerator, size)
    x_hat = group_sum(codes, design.weight * denominator, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        point = np.where(x_hat != 0, y_hat / x_hat, np.nan)
        score = design.weight * (numerator - point[codes] * denominator) / x_hat[codes]
    return point, np.where(np.isfinite(score), score, 0.0)


def _variance(design: Design, grouping: _Grouping, score: FloatArray) -> FloatArray:
    """Σ_h n_h/(n_h−1) Σ_i (z_hi − z̄_h)² per group, lonely strata centred at the grand mean."""
    size = grouping.size
    cells = group_sum(grouping.cell_of_unit, score)  # z: PSU totals within each group
    block_sum = group_sum(grouping.block_of_cell, cells)
    n_h = design.psus_per_stratum[grouping.block_stratum].astype(np.float64)
    # Two passes (mean, then squared deviations) rather than Σz² − (Σz)²/n, which
    # loses digits when PSU totals are large and alike. PSUs of the stratum with
    # no unit of the group have z = 0 and still count: (0 − z̄)² each.
    block_mean = block_sum / n_h
    deviation = cells - block_mean[grouping.block_of_cell]
    present = np.bincount(grouping.block_of_cell).astype(np.float64)
    squares = group_sum(grouping.block_of_cell, deviation**2) + (n_h - present) * block_mean**2
    regular = n_h > 1
    with np.errstate(divide="ignore", invalid="ignore"):
        block_variance = np.where(regular, n_h / (n_h - 1) * squares, 0.0)
    variance = group_sum(grouping.block_group, block_variance, size)
    lonely_strata = int((design.psus_per_stratum == 1).sum())
    if lonely_strata:
        # R survey's "adjust": a single PSU total z is centred at c = Σz / PSUs of the
        # design. A lonely stratum without units of the group has z = 0, adding c².
        centre = group_sum(grouping.codes, score, size) / design.n_psus
        lonely = ~regular
        group = grouping.block_group[lonely]
        z = block_sum[lonely]
        variance += group_sum(group, (z - centre[group]) ** 2 - centre[group] ** 2, size)
        variance += lonely_strata * centre**2
    return np.maximum(variance, 0.0)


def _group_estimates(
    labels: npt.NDArray[Any],
    point: FloatArray,
    variance: FloatArray,
    design: Design,
    grouping: _Grouping,
    level: float,
) -> GroupEstimates:
    _check_level(level)
    se = np.sqrt(variance)
    se = np.where(np.isfinite(point), se, np.nan)
    half = _t_quantile(level, design.df) * se
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(point != 0, se / np.abs(point), np.nan)
    codes = np.select(
        [cv <= RELIABLE_RSE, cv <= CAUTION_RSE], ["reliable", "caution"], "unreliable"
    )
    return GroupEstimates(
        groups=labels,
        value=point,
        se=se,
        ci_low=point - half,
        ci_high=point + half,
        cv=cv,
        df=design.df,
        n=grouping.units,
        reliability=codes.astype(np.str_),
    )


# A single domain is group 1 of two; group 0 is the rest of the sample, which keeps
# its strata and PSUs (zero outside the domain). Without a domain every unit is in
# group 1 and group 0 is empty.
_DOMAIN = 1
_DOMAIN_LABELS = np.array(["rest", "domain"])


def _domain_grouping(domain: npt.ArrayLike | None, design: Design) -> _Grouping:
    if domain is None:
        return _Grouping.build(design, np.ones(design.n_units, dtype=np.int64), 2)
    mask = np.asarray(domain)
    if mask.shape != (design.n_units,) or mask.dtype != np.bool_:
        raise PipelineError(
            f"Domain harus berupa deret benar/salah sepanjang {design.n_units} unit.",
            english=f"The domain must be a boolean array of {design.n_units} units.",
            code="STATS_LENGTH_MISMATCH",
        )
    return _Grouping.build(design, mask.astype(np.int64), 2)


def _single(result: GroupEstimates) -> Estimate:
    if result.n[_DOMAIN] == 0:
        raise PipelineError(
            "Domain tidak berisi satu pun unit sampel; estimasi tidak bisa dibuat.",
            english="The domain holds no sample unit; no estimate can be made.",
            code="STATS_EMPTY_DOMAIN",
        )
    return result.estimate(_DOMAIN)


def as_numbers(y: npt.ArrayLike, n: int, name: str) -> FloatArray:
    """``y`` as ``n`` finite floats, or a clear error naming ``name``."""
    try:
        values = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError):
        raise PipelineError(
            f"Nilai {name} harus berupa angka.",
            english=f"The values of {name} must be numbers.",
            code="STATS_BAD_VALUES",
        ) from None
    if values.shape != (n,):
        raise PipelineError(
            f"{name} berisi {values.size} nilai, desain berisi {n} unit.",
            english=f"{name} holds {values.size} values; the design holds {n} units.",
            code="STATS_LENGTH_MISMATCH",
        )
    if not np.isfinite(values).all():
        raise PipelineError(
            f"{name} berisi nilai kosong atau tak hingga; lengkapi atau keluarkan unitnya.",
            english=f"{name} holds missing or infinite values; complete or drop those units.",
            code="STATS_BAD_VALUES",
        )
    return values


def _codes(labels: npt.ArrayLike, name: str, n: int) -> tuple[npt.NDArray[Any], IntArray]:
    """Sorted distinct labels and the 0-based code of each unit's label."""
    array = np.asarray(labels)
    if array.shape != (n,):
        raise PipelineError(
            f"Kolom {name} berisi {array.size} nilai, seharusnya {n}.",
            english=f"The {name} column holds {array.size} values; expected {n}.",
            code="STATS_LENGTH_MISMATCH",
        )
    missing = 0
    if array.dtype == np.object_:
        # None and NaN (NaN is the one value unequal to itself); labels of mixed
        # types are compared as text.
        missing = int((np.equal(array, np.array(None, dtype=object)) | (array != array)).sum())
        if not missing:
            array = array.astype(np.str_)
    elif array.dtype.kind == "f":
        missing = int(np.isnan(array).sum())
    if missing:
        raise PipelineError(
            f"Kolom {name} kosong di {missing} unit; setiap unit harus punya label.",
            english=f"The {name} column is missing for {missing} units; every unit needs a label.",
            code="STATS_MISSING_LABEL",
        )
    uniques, inverse = np.unique(array, return_inverse=True)
    return uniques, inverse.astype(np.int64)


def group_sum(codes: IntArray, values: FloatArray, size: int = 0) -> FloatArray:
    """``Σ values`` per code (0 … size−1 at least): the one group-by of this module."""
    return np.bincount(codes, weights=values, minlength=size).astype(np.float64, copy=False)


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise PipelineError(
            f"Tingkat kepercayaan {level} harus di antara 0 dan 1 (misalnya 0.95).",
            english=f"Confidence level {level} must lie between 0 and 1 (e.g. 0.95).",
            code="STATS_BAD_OPTION",
        )


def _t_quantile(level: float, df: int) -> float:
    """Student's t quantile for a two-sided interval; not a number without degrees of freedom."""
    if df < 1:
        return math.nan
    return float(stats.t.ppf((1 + level) / 2, df))
