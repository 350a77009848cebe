"""The indicator catalog: what a target is set on, its unit, which way is better, its actual.

The catalog is data (``indicators.toml`` beside this module), read once. Each
indicator names its Indonesian and English name and unit, whether it is a rate
(targets inherited down the wilayah tree) or a count of the diagnosis (targets
hold only for their own area), and where its actual comes from.

Examples:
    >>> p0 = indicator("p0_percent")
    >>> p0.kind, p0.better, p0.upper_bounds
    ('rate', 'lower', ('le', 'lt'))
    >>> [i.code for i in catalog()][:2]
    ['p0_percent', 'extreme_percent']
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from django.utils.translation import get_language

KINDS = ("rate", "count")
BETTER = {"lower": ("le", "lt"), "higher": ("ge", "gt")}


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalog.

    Attributes:
        code: the key used in targets (``p0_percent``, as in ``targets.csv``).
        kind: ``rate`` (inherited targets) or ``count`` (targets of the area only).
        better: ``lower`` or ``higher``; the comparators a target may use follow from it.
        actual: the key ``actuals.series`` reads the figure by.
    """

    code: str
    name_id: str
    name_en: str
    unit: str
    unit_label_id: str
    unit_label_en: str
    kind: str
    better: str
    actual: str
    source_id: str
    source_en: str

    @property
    def upper_bounds(self) -> tuple[str, ...]:
        """The comparators of a target that point the way of progress."""
        return BETTER[self.better]

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if _english() else self.name_id

    @property
    def unit_label(self) -> str:
        return self.unit_label_en if _english() else self.unit_label_id

    @property
    def source(self) -> str:
        return self.source_en if _english() else self.source_id

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"


def _english() -> bool:
    return (get_language() or "").startswith("en")


@cache
def catalog() -> tuple[Indicator, ...]:
    """Every indicator, in the order of the file (the order of the scorecard)."""
    text = resources.files("sinergi.web.progress").joinpath("indicators.toml").read_text("utf-8")
    found = []
    for code, entry in tomllib.loads(text).items():
        if entry["kind"] not in KINDS or entry["better"] not in BETTER:
            raise ValueError(f"indicators.toml [{code}]: kind or better not known")
        found.append(
            Indicator(
                code=code,
                name_id=entry["name"],
                name_en=entry["name_en"],
                unit=entry["unit"],
                unit_label_id=entry["unit_label"],
                unit_label_en=entry["unit_label_en"],
                kind=entry["kind"],
                better=entry["better"],
                actual=entry["actual"],
                source_id=entry["source"],
                source_en=entry["source_en"],
            )
        )
    return tuple(found)


def indicator(code: str) -> Indicator:
    """The catalog entry ``code``; KeyError for an unknown one."""
    for entry in catalog():
        if entry.code == code:
            return entry
    raise KeyError(code)
