"""What the plan pages and the API show: lines with realisation, totals, groupings, changes.

Realisation counts per line and semester by its latest entry; a line's realised
budget is semester I plus semester II, and so are the beneficiaries it reached
(each semester reports those newly reached, so the sum does not count anyone
twice). Beneficiaries are compared with targets per unit (individu, keluarga,
rumah...), never summed across units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from sinergi.domain.reference import strategies
from sinergi.web.plans.models import Plan, PlanVersion, ProgramLine, Realisation
from sinergi.web.plans.templatetags.rencana import rupiah
from sinergi.web.plans.vocabulary import INPRES, PERPRES, strategy_label

ZERO = Decimal(0)


@dataclass
class Row:
    """A line of a version with its latest realisation per semester (``None``: not reported)."""

    line: ProgramLine
    s1: Realisation | None = None
    s2: Realisation | None = None
    number: int = 0  # the "No" of the matrix

    @property
    def realised(self) -> Decimal:
        return sum((e.budget for e in (self.s1, self.s2) if e is not None), ZERO)

    @property
    def reached(self) -> int:
        return sum(e.reached for e in (self.s1, self.s2) if e is not None)

    @property
    def share(self) -> float | None:
        return share(self.realised, self.line.budget)


def unit_of(line: ProgramLine) -> str:
    """The unit a line's target and reached beneficiaries are counted in."""
    return line.target_unit or _("(tanpa satuan)")


@dataclass
class Total:
    """Lines summed under one label: allocation, realisation per semester, target, reached.

    Targets and beneficiaries reached are summed only while every line counted in
    them has the same unit: 100 keluarga and 20 desa are not 120 of anything, so a
    total over several units has no target (``None``) and shows them per unit
    (:func:`by_unit`) instead.
    """

    label: str
    lines: int = 0
    budget: Decimal = ZERO
    realised_s1: Decimal = ZERO
    realised_s2: Decimal = ZERO
    target_sum: int = 0
    reached_sum: int = 0
    units: set[str] = field(default_factory=set)
    key: str = ""

    def add(self, row: Row) -> None:
        self.lines += 1
        self.budget += row.line.budget
        self.realised_s1 += row.s1.budget if row.s1 else ZERO
        self.realised_s2 += row.s2.budget if row.s2 else ZERO
        # A line with neither a target nor anyone reached says nothing about units.
        if row.line.target_beneficiaries is not None or row.reached:
            self.units.add(unit_of(row.line))
        self.target_sum += row.line.target_beneficiaries or 0
        self.reached_sum += row.reached

    @property
    def unit(self) -> str | None:
        """The one unit of the total's targets; None when there are none or several."""
        return next(iter(self.units)) if len(self.units) == 1 else None

    @property
    def mixed_units(self) -> bool:
        return len(self.units) > 1

    @property
    def target(self) -> int | None:
        """The summed target, or None when its lines count in several units."""
        return None if self.mixed_units else self.target_sum

    @property
    def reached(self) -> int | None:
        """The summed beneficiaries reached, or None when counted in several units."""
        return None if self.mixed_units else self.reached_sum

    @property
    def realised(self) -> Decimal:
        return self.realised_s1 + self.realised_s2

    @property
    def share(self) -> float | None:
        return share(self.realised, self.budget)

    @property
    def reached_share(self) -> float | None:
        if self.target is None or self.reached is None:
            return None
        return share(Decimal(self.reached), Decimal(self.target))


@dataclass
class Group:
    """A strategy's lines by OPD, each OPD with its subtotal, and the strategy's total."""

    total: Total
    opds: list[tuple[Total, list[Row]]] = field(default_factory=list)


def share(part: Decimal, whole: Decimal) -> float | None:
    return float(part / whole) if whole else None


def latest(plan: Plan) -> dict[tuple[str, int], Realisation]:
    """The latest realisation entry per (line key, semester) of the plan."""
    found: dict[tuple[str, int], Realisation] = {}
    for entry in plan.realisations.select_related("recorded_by").order_by("pk"):
        found[(str(entry.line_key), entry.semester)] = entry
    return found


def rows(version: PlanVersion, *, opd: int | None = None) -> list[Row]:
    """The version's lines (of one OPD if asked) in matrix order, with realisation."""
    lines = version.lines.select_related("opd", "updated_by")
    if opd is not None:
        lines = lines.filter(opd_id=opd)
    done = latest(version.plan)
    return [
        Row(line, done.get((str(line.key), 1)), done.get((str(line.key), 2)))
        for line in lines.order_by("strategy_inpres", "opd__name", "code", "pk")
    ]


def overall(found: Iterable[Row]) -> Total:
    total = Total(_("Jumlah"))
    for row in found:
        total.add(row)
    return total


def matrix(found: list[Row]) -> list[Group]:
    """The RAT matrix: lines grouped by Inpres strategy, then by OPD (``rows`` order)."""
    groups: dict[str, Group] = {}
    for number, row in enumerate(found, start=1):
        row.number = number
        code = row.line.strategy_inpres
        group = groups.setdefault(code, Group(Total(strategy_label(INPRES, code), key=code)))
        group.total.add(row)
        if not group.opds or group.opds[-1][0].key != str(row.line.opd_id):
            group.opds.append((Total(row.line.opd.name, key=str(row.line.opd_id)), []))
        group.opds[-1][0].add(row)
        group.opds[-1][1].append(row)
    return list(groups.values())


def by_strategy(found: Iterable[Row], taxonomy: str) -> list[Total]:
    """Every strategy of the taxonomy (none left out, even without lines), then untagged."""
    totals = {
        s.code: Total(strategy_label(taxonomy, s.code), key=s.code) for s in strategies(taxonomy)
    }
    column = "strategy_inpres" if taxonomy == INPRES else "strategy_perpres"
    for row in found:
        code = getattr(row.line, column)
        if code not in totals:
            label = strategy_label(taxonomy, code) if code else _("(tanpa strategi)")
            totals[code] = Total(label, key=code)
        totals[code].add(row)
    return list(totals.values())


def by_opd(found: Iterable[Row]) -> list[Total]:
    return _by(found, lambda line: line.opd.name)


def by_unit(found: Iterable[Row]) -> list[Total]:
    """Target against reached beneficiaries, per unit of the target."""
    return _by(found, unit_of)


def _by(found: Iterable[Row], label: Callable[[ProgramLine], str]) -> list[Total]:
    totals: dict[str, Total] = {}
    for row in found:
        name = label(row.line)
        totals.setdefault(name, Total(name, key=name)).add(row)
    return [totals[name] for name in sorted(totals)]


def summaries(found: list[Row]) -> dict[str, Any]:
    """Every summary table of the plan page."""
    return {
        "total": overall(found),
        "inpres": by_strategy(found, INPRES),
        "perpres": by_strategy(found, PERPRES),
        "opds": by_opd(found),
        "units": by_unit(found),
    }


# --- what changed between versions -------------------------------------------------------

COMPARED = (
    "opd", "code", "program", "kegiatan", "sub_kegiatan", "strategy_inpres", "strategy_perpres",
    "activity_type", "budget", "funding_source", "assistance_nature", "assistance_type",
    "benefit_amount", "duration", "location", "location_code", "target_beneficiaries",
    "target_unit", "eligibility_rule",
)  # fmt: skip


@dataclass
class Change:
    """A line added, removed or changed (with each field: label, before, after)."""

    kind: str
    line: ProgramLine
    fields: list[tuple[str, str, str]] = field(default_factory=list)


def changes(before: Iterable[ProgramLine], after: Iterable[ProgramLine]) -> list[Change]:
    """What ``after`` (a version's lines) changed against ``before`` (the previous version)."""
    old = {line.key: line for line in before}
    new = {line.key: line for line in after}
    found = [Change("added", line) for key, line in new.items() if key not in old]
    for key, line in new.items():
        if key in old:
            differ = [
                (
                    str(ProgramLine._meta.get_field(name).verbose_name),
                    _display(old[key], name),
                    _display(line, name),
                )
                for name in COMPARED
                if shown(line, name) != shown(old[key], name)
            ]
            if differ:
                found.append(Change("changed", line, differ))
    found += [Change("removed", line) for key, line in old.items() if key not in new]
    return found


def shown(line: ProgramLine, name: str) -> str:
    """A field of a line as text, for comparing and showing."""
    value = getattr(line, name)
    if name == "opd":
        return str(value.name)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return "" if value is None else str(value)


def _display(line: ProgramLine, name: str) -> str:
    """A field of a line as people read it: rupiah as ``1.800.000.000``."""
    value = getattr(line, name)
    return rupiah(value) if isinstance(value, Decimal) else shown(line, name)


def history(versions: list[PlanVersion]) -> list[tuple[PlanVersion, list[Change]]]:
    """Each version, newest first, with what it changed against the one before."""
    lines: dict[int, list[ProgramLine]] = defaultdict(list)
    ids = [v.pk for v in versions]
    for line in ProgramLine.objects.filter(version_id__in=ids).select_related("opd"):
        lines[line.version_id].append(line)
    ordered = sorted(versions, key=lambda v: v.number)
    found = [
        (v, changes(lines[ordered[i - 1].pk] if i else [], lines[v.pk]))
        for i, v in enumerate(ordered)
    ]
    return found[::-1]
