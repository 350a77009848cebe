"""The traffic light of one target: met, on the path, a little behind, behind, missed, no data.

The rule, judged in this order:

1. **grey** (``tanpa_data``): there is no actual (``tanpa_target``: no target either).
2. **green** (``tercapai``): the actual meets the target's bound.
3. **red** (``lewat_tenggat``): the target is past due and missed: the actual is of
   the target's year or later, or the target's year has ended.
4. **amber** (``tanpa_lintasan``): there is no baseline before the target's year, so
   no path can be drawn; the target is not met and not yet due.
5. Otherwise the *path* runs straight from the baseline (year, value) to the target
   (year, value); its value in the actual's year is where the area should be by then.

   - **green** (``sesuai_lintasan``): on the path or ahead of it;
   - **amber** (``sedikit_tertinggal``): behind it by at most a quarter of the
     distance from the baseline to the target;
   - **red** (``tertinggal``): further behind.

"Ahead" follows the bound: lower is better for ``le``/``lt``, higher for ``ge``/``gt``.
Every light has a text label as well (:data:`LABELS`), never colour alone.

Examples:
    P0 12% in 2020, target at most 8% in 2028: the path is at 10% in 2024, and a
    quarter of the distance is 1 point.

    >>> goal = dict(comparator="le", target=8.0, target_year=2028, baseline=12.0,
    ...             baseline_year=2020, today_year=2025)
    >>> [judge(actual=a, actual_year=2024, **goal).state.value for a in (7.9, 10.0, 11.0, 11.5)]
    ['tercapai', 'sesuai_lintasan', 'sedikit_tertinggal', 'tertinggal']
    >>> judge(actual=9.0, actual_year=2028, **goal).light.value
    'merah'
    >>> judge(actual=None, actual_year=None, **goal).light.value
    'abu-abu'
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

QUARTER = 0.25  # how far behind the path (share of baseline-to-target) is still amber
_EPSILON = 1e-9  # floats that print the same are the same: 12 + (8 - 12) * 0.5 is 10


class Light(StrEnum):
    GREEN = "hijau"
    AMBER = "kuning"
    RED = "merah"
    GREY = "abu-abu"


class State(StrEnum):
    NO_TARGET = "tanpa_target"
    NO_ACTUAL = "tanpa_data"
    MET = "tercapai"
    MISSED = "lewat_tenggat"
    NO_PATH = "tanpa_lintasan"
    ON_PATH = "sesuai_lintasan"
    BEHIND = "sedikit_tertinggal"
    FAR_BEHIND = "tertinggal"


LIGHTS = {
    State.NO_TARGET: Light.GREY,
    State.NO_ACTUAL: Light.GREY,
    State.MET: Light.GREEN,
    State.ON_PATH: Light.GREEN,
    State.NO_PATH: Light.AMBER,
    State.BEHIND: Light.AMBER,
    State.FAR_BEHIND: Light.RED,
    State.MISSED: Light.RED,
}
LABELS = {
    State.NO_TARGET: _("Belum ada target"),
    State.NO_ACTUAL: _("Belum ada data capaian"),
    State.MET: _("Tercapai"),
    State.ON_PATH: _("Sesuai lintasan"),
    State.NO_PATH: _("Belum tercapai (tanpa garis dasar)"),
    State.BEHIND: _("Sedikit tertinggal"),
    State.FAR_BEHIND: _("Tertinggal"),
    State.MISSED: _("Tidak tercapai, lewat tenggat"),
}
LIGHT_LABELS = {
    Light.GREEN: _("Hijau"),
    Light.AMBER: _("Kuning"),
    Light.RED: _("Merah"),
    Light.GREY: _("Abu-abu"),
}


@dataclass(frozen=True)
class Judgement:
    """The light, the state it stands for, and the numbers behind it.

    Attributes:
        path: where the path is in the actual's year (None without a path).
        gap: actual minus target, in the indicator's unit (None without an actual).
        behind: how far the actual is behind the path, positive when behind.
    """

    state: State
    path: float | None = None
    gap: float | None = None
    behind: float | None = None

    @property
    def light(self) -> Light:
        return LIGHTS[self.state]


def met(comparator: str, actual: float, target: float) -> bool:
    """Whether ``actual`` satisfies the bound ``comparator target``.

    Examples:
        >>> met("lt", 5.0, 5.0), met("le", 5.0, 5.0), met("ge", 0.9, 1.0)
        (False, True, False)
    """
    return {
        "lt": actual < target - _EPSILON,
        "le": actual <= target + _EPSILON,
        "gt": actual > target + _EPSILON,
        "ge": actual >= target - _EPSILON,
        "eq": abs(actual - target) <= _EPSILON,
    }[comparator]


def path_value(
    baseline: float, baseline_year: int, target: float, target_year: int, year: int
) -> float:
    """The straight path from baseline to target, read in ``year`` (held flat outside them).

    Examples:
        >>> path_value(12.0, 2020, 8.0, 2028, 2024), path_value(12.0, 2020, 8.0, 2028, 2019)
        (10.0, 12.0)
    """
    share = (year - baseline_year) / (target_year - baseline_year)
    return baseline + (target - baseline) * min(max(share, 0.0), 1.0)


def judge(
    *,
    comparator: str,
    target: float,
    target_year: int,
    actual: float | None,
    actual_year: int | None,
    baseline: float | None,
    baseline_year: int | None,
    today_year: int,
) -> Judgement:
    """The light of a target for the latest actual (the rule of this module)."""
    if actual is None or actual_year is None:
        return Judgement(State.NO_ACTUAL)
    gap = actual - target
    if met(comparator, actual, target):
        return Judgement(State.MET, gap=gap)
    if actual_year >= target_year or today_year > target_year:
        return Judgement(State.MISSED, gap=gap)
    if baseline is None or baseline_year is None or baseline_year >= target_year:
        return Judgement(State.NO_PATH, gap=gap)
    path = path_value(baseline, baseline_year, target, target_year, actual_year)
    lower_is_better = comparator in ("le", "lt")
    behind = (actual - path) if lower_is_better else (path - actual)
    if behind <= _EPSILON:
        state = State.ON_PATH
    elif behind <= QUARTER * abs(target - baseline) + _EPSILON:
        state = State.BEHIND
    else:
        state = State.FAR_BEHIND
    return Judgement(state, path=path, gap=gap, behind=behind)
