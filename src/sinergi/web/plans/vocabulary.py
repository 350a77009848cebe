"""The tags a program line takes: both strategy taxonomies and the diagnostics' rule codes.

Strategies are versioned reference data (``sinergi/data/reference/strategies.csv``);
the eligibility rules are the program rules the diagnosis uses (the shipped ones,
replaced or extended by ``<home>/rules/``), so a line tagged ``pkh`` can later be
compared with what the diagnosis found for PKH.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import get_language

from sinergi.domain.reference import Strategy, strategies
from sinergi.errors import SinergiError
from sinergi.pipeline.diagnose.rules import load_rule_set

log = logging.getLogger(__name__)

INPRES = "inpres_8_2025"
PERPRES = "perpres_15_2010"


def strategy_choices(taxonomy: str) -> list[tuple[str, str]]:
    """``(code, "code. name")`` of every strategy of ``taxonomy``, in the current language."""
    return [(s.code, f"{s.code}. {_name(s)}") for s in strategies(taxonomy)]


def strategy_label(taxonomy: str, code: str) -> str:
    """``"1. Pengurangan beban pengeluaran"``; the bare code when the taxonomy lacks it."""
    return dict(strategy_choices(taxonomy)).get(code, code)


def _name(strategy: Strategy) -> str:
    english = (get_language() or "").startswith("en")
    return strategy.name_en if english else strategy.name_id


def rule_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every program rule of the diagnosis (pkh, sembako, pbi, ...)."""
    return list(_rules(Path(settings.HOME) / "rules"))


@lru_cache(maxsize=4)
def _rules(own: Path) -> tuple[tuple[str, str], ...]:
    try:
        rule_set = load_rule_set(own)
    except SinergiError as error:  # a broken own rule costs its rules here, never the page
        log.warning("own rules in %s unreadable, using the shipped ones: %s", own, error)
        rule_set = load_rule_set(None)
    return tuple((p.id, p.name) for p in rule_set.programs)
