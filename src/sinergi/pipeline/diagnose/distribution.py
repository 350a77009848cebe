"""Right amount, right time (*tepat jumlah, tepat waktu*): each payment against its program rule.

A program rule with a ``[distribution]`` section says what one payment should be
(``entitlement``, an expression over the family facts, or over the person facts
joined with their family's for person-level programs) and when it is due
(``schedule``: the period as the list writes it -> due month, or one
``due_month`` for lists without a period). Every receipt row of such a program
is checked: paid less or more than the entitlement beyond the tolerance, paid
after the end of the due month, or written with a period the schedule does not
know. Every unit (family or person) on a scheduled list is also checked for the
periods it should have been paid for but was not. Nothing is guessed: a
payment whose unit, period, date or entitlement is unknown keeps a null there.

The due year is the year written in the period (``Januari-Februari 2026``) and
otherwise the year of the earliest payment of the same list file, so a payment
made in a later year than its due date is late.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from sinergi.errors import PipelineError
from sinergi.pipeline.diagnose.expressions import Expression
from sinergi.pipeline.diagnose.rules import ProgramRule, RuleSet, normalise_period
from sinergi.pipeline.diagnose.sql import RuleSql
from sinergi.pipeline.diagnose.status import list_codes

PAYMENT_COLUMNS = (
    "program",
    "record_key",
    "file_name",
    "row",
    "pid",
    "hid",
    "area_code",
    "period",
    "period_key",
    "due_month",
    "paid_on",
    "amount",
    "entitlement",
    "paid_less",
    "paid_more",
    "late",
    "unknown_period",
    "channel",
)
MISSED_COLUMNS = (
    "program",
    "unit",
    "hid",
    "pid",
    "area_code",
    "channel",
    "period_key",
    "due_month",
    "entitlement",
)
SUMMARY_KEYS = ("program", "period_key", "area_code", "channel")
# The order of the payments and missed periods tables.
PAYMENT_ORDER = ("program", "file_name", "row")
MISSED_ORDER = ("program", "unit", "due_month")
SUMMARY_COUNTS = ("payments", "paid_less", "paid_more", "late", "unknown_period", "missed")
# A rupiah amount this close to the tolerance limit counts as within it (float rounding).
_EPSILON = 0.005


@dataclass(frozen=True)
class DistributionCheck:
    """The payments of every program with a ``[distribution]`` section, checked.

    Attributes:
        payments: one row per receipt row of such a program (:data:`PAYMENT_COLUMNS`):
            ``program`` is the program id, ``period_key`` the period as
            :func:`~sinergi.pipeline.diagnose.rules.normalise_period` compares it,
            ``entitlement`` what the rule says the unit should get per period (null
            without an entitlement expression or when the unit is not in the facts),
            ``paid_less``/``paid_more`` the amount outside the tolerance,
            ``late`` paid after the last day of the due month, ``unknown_period`` a
            period the schedule does not know (then ``due_month`` and ``late`` are
            null), ``channel`` the funding source or else the list file.
        missed: one row per unit, program and scheduled period that is due (its due month
            is no later than the latest due month any list of the program reaches) and
            that the unit, listed for another period, was not paid for
            (:data:`MISSED_COLUMNS`). ``unit`` is the ``hid`` of family programs and the
            ``pid`` of person programs; ``hid``, ``pid`` (for family programs: the person
            named on the list), ``area_code`` and ``channel`` come from the unit's latest
            payment, ``entitlement`` from its facts.
        summary: per ``program``, ``period_key``, ``area_code`` (desa) and ``channel``: the
            counts :data:`SUMMARY_COUNTS`, ``amount_paid`` and ``amount_entitled`` (sums
            over the cell's payments; null where any payment's amount or entitlement is
            unknown; missed periods add to ``missed`` only).
    """

    payments: pl.DataFrame
    missed: pl.DataFrame
    summary: pl.DataFrame


@dataclass(frozen=True)
class Payments:
    """Some families' payments, checked against their entitlements (step one of a check).

    Attributes:
        payments: as :attr:`DistributionCheck.payments`.
        entitlements: per program id, ``unit`` and ``entitlement`` of every unit in the facts.
    """

    payments: pl.DataFrame
    entitlements: dict[str, pl.DataFrame]


def check_distribution(
    receipts: pl.DataFrame,
    families: pl.DataFrame,
    persons: pl.DataFrame,
    rule_set: RuleSet,
    sql: RuleSql | None = None,
) -> DistributionCheck:
    """Check every receipt of a program with a ``[distribution]`` section against its rule.

    Args:
        receipts: one row per beneficiary-list row: ``pid``, ``hid``, ``area_code``,
            ``program`` (the list's program code), ``period``, ``amount``, ``paid_on``,
            ``file_name``, ``row``, ``record_key`` and optionally ``funding_source``.
        families: family facts with ``hid`` and the fields the entitlements name.
        persons: person facts with ``pid`` and ``hid``.
        rule_set: the checked rules; receipts of programs without a ``[distribution]``
            section, or not in the rule set, are ignored.

    Raises:
        PipelineError: the facts lack a field an entitlement expression names.
    """
    paid = check_payments(receipts, families, persons, rule_set, sql)
    missed, summary = missed_and_summary(paid, rule_set, latest_due(paid.payments))
    return DistributionCheck(
        paid.payments.sort(PAYMENT_ORDER, nulls_last=True),
        missed.sort(MISSED_ORDER, nulls_last=True),
        summary,
    )


def check_payments(
    receipts: pl.DataFrame,
    families: pl.DataFrame,
    persons: pl.DataFrame,
    rule_set: RuleSet,
    sql: RuleSql | None = None,
) -> Payments:
    """The payments of ``receipts`` checked against the entitlements of ``families``.

    A diagnosis in groups checks each group's payments, then `missed_and_summary`
    finds each group's missed periods once `latest_due` of them all is known (a period
    is due once any group's lists reach it); `summed` adds the groups' summaries.
    """
    rules = {p.id: p for p in rule_set.programs if p.distribution is not None}
    codes = {code: program for code, program in list_codes(rule_set).items() if program in rules}
    mapped = _prepared(receipts, codes)
    present = [rules[p] for p in sorted(set(mapped["program"].unique().to_list()))]
    entitlements = _entitlements(present, families, persons, sql or RuleSql())
    payments = [_payments(mapped.filter(pl.col("program") == p.id), p) for p in present]
    payment_frame = (
        pl.concat(
            [_with_entitlement(f, p, entitlements) for f, p in zip(payments, present, strict=True)],
            how="vertical_relaxed",
        )
        if present
        else _empty(_PAYMENT_SCHEMA)
    )
    payment_frame = payment_frame.with_columns(
        paid_less=pl.col("amount") < pl.col("entitlement") * (1 - pl.col("_tolerance")) - _EPSILON,
        paid_more=pl.col("amount") > pl.col("entitlement") * (1 + pl.col("_tolerance")) + _EPSILON,
    ).select(PAYMENT_COLUMNS)
    return Payments(payment_frame, entitlements)


def latest_due(payments: pl.DataFrame) -> dict[str, int]:
    """The latest due month that the lists of each program reach: a period is due once
    they reach its month anywhere."""
    due = payments.select("program", "due_month").drop_nulls()
    return dict(due.group_by("program").agg(pl.col("due_month").max()).iter_rows())


def missed_and_summary(
    group: Payments, rule_set: RuleSet, latest: Mapping[str, int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The periods the group's units missed (due by ``latest``, from `latest_due` of every
    group) and the group's summary (:attr:`DistributionCheck.summary`)."""
    rules = {p.id: p for p in rule_set.programs if p.distribution is not None}
    missed = [
        found
        for program in sorted(set(group.payments["program"].to_list()))
        if (
            found := _missed(
                group.payments.filter(pl.col("program") == program),
                rules[program],
                group.entitlements,
                latest.get(program),
            )
        )
        is not None
    ]
    frame = pl.concat(missed, how="vertical_relaxed") if missed else _empty(_MISSED_SCHEMA)
    return frame, _summary(group.payments, frame)


def _prepared(receipts: pl.DataFrame, codes: dict[str, str]) -> pl.DataFrame:
    """Receipts of programs with a distribution rule, typed, with the program id."""
    funding = (
        pl.col("funding_source").cast(pl.String)
        if "funding_source" in receipts.columns
        else pl.lit(None, pl.String)
    )
    paid_on = (
        pl.col("paid_on").str.to_date(strict=False)
        if receipts.schema.get("paid_on") == pl.String
        else pl.col("paid_on").cast(pl.Date)
    )
    text = pl.col("funding_source").str.strip_chars()
    return (
        receipts.with_columns(
            program=pl.col("program")
            .cast(pl.String)
            .replace_strict(codes, default=None, return_dtype=pl.String),
            funding_source=funding,
        )
        .filter(pl.col("program").is_not_null())
        .with_columns(
            period=pl.col("period").cast(pl.String),
            amount=pl.col("amount").cast(pl.Float64),
            paid_on=paid_on,
            channel=pl.when(text.is_not_null() & (text != ""))
            .then(text)
            .otherwise(pl.col("file_name").cast(pl.String)),
        )
    )


def _periods(periods: pl.Series) -> tuple[dict[str, str | None], dict[str, int | None]]:
    """Each period text -> its normalised key (None when empty) and the year it names."""
    keys: dict[str, str | None] = {}
    years: dict[str, int | None] = {}
    for text in periods.drop_nulls().unique().to_list():
        keys[text] = normalise_period(text) or None
        written = [w for w in text.split() if w.isdigit() and len(w) == 4]
        years[text] = int(written[0]) if written else None
    return keys, years


def _payments(frame: pl.DataFrame, program: ProgramRule) -> pl.DataFrame:
    """One program's receipts with period key, due month and lateness (no entitlement yet)."""
    assert program.distribution is not None
    rule = program.distribution
    keys, years = _periods(frame["period"])
    period_key = pl.col("period").replace_strict(keys, default=None, return_dtype=pl.String)
    if rule.schedule:
        due_month = period_key.replace_strict(rule.schedule, default=None, return_dtype=pl.Int32)
    else:
        due_month = pl.lit(rule.due_month, pl.Int32)
    first_year = pl.col("paid_on").min().over("file_name").dt.year()
    due_year = pl.coalesce(
        pl.col("period").replace_strict(years, default=None, return_dtype=pl.Int32),
        first_year.cast(pl.Int32),
    )
    due_end = pl.date(pl.col("_due_year"), pl.col("due_month"), 1).dt.month_end()
    return (
        frame.with_columns(period_key=period_key, due_month=due_month, _due_year=due_year)
        .with_columns(
            late=pl.col("paid_on") > due_end,
            unknown_period=pl.col("due_month").is_null() if rule.schedule else pl.lit(False),
            unit=pl.col("pid" if program.level == "person" else "hid"),
            _tolerance=pl.lit(rule.tolerance, pl.Float64),
        )
        .drop("_due_year")
    )


def _entitlements(
    programs: list[ProgramRule], families: pl.DataFrame, persons: pl.DataFrame, sql: RuleSql
) -> dict[str, pl.DataFrame]:
    """Per program with an entitlement expression: ``unit``, ``entitlement`` for every unit."""
    result: dict[str, pl.DataFrame] = {}
    for level in ("family", "person"):
        rules = {
            p.id: expression
            for p in programs
            if p.level == level and (expression := _entitlement(p)) is not None
        }
        if not rules:
            continue
        unit = "pid" if level == "person" else "hid"
        if level == "person":
            shared = [c for c in families.columns if c in persons.columns and c != "hid"]
            facts = persons.join(families.drop(shared), on="hid", how="left")
        else:
            facts = families
        names: set[str] = set().union(*(e.names for e in rules.values()))
        lacking = sorted(names - set(facts.columns))
        if lacking:
            raise PipelineError(
                f"Data fakta tidak memuat kolom {', '.join(lacking)} yang dipakai aturan "
                "besaran bantuan (entitlement).",
                english=f"The facts lack the columns {', '.join(lacking)} that an entitlement "
                "expression names.",
                code="DISTRIBUTION_FACTS_MISSING",
            )
        columns = {f"_entitled_{p}": e.sql for p, e in rules.items()}
        computed = sql.add(facts.select(unit, *sorted(names)), columns)
        for program in rules:
            values = computed.select(
                pl.col(unit).alias("unit"),
                pl.col(f"_entitled_{program}").cast(pl.Float64).alias("entitlement"),
            ).filter(pl.col("unit").is_not_null())
            # A unit listed twice in the facts with different entitlements stays unknown.
            result[program] = values.unique().unique(subset="unit", keep="none")
    return result


def _entitlement(program: ProgramRule) -> Expression | None:
    return program.distribution.entitlement if program.distribution is not None else None


def _with_entitlement(
    frame: pl.DataFrame, program: ProgramRule, entitlements: dict[str, pl.DataFrame]
) -> pl.DataFrame:
    values = entitlements.get(program.id)
    if values is None:
        return frame.with_columns(entitlement=pl.lit(None, pl.Float64))
    values = values.with_columns(pl.col("unit").cast(frame.schema["unit"]))
    return frame.join(values, on="unit", how="left")


def _missed(
    payments: pl.DataFrame,
    program: ProgramRule,
    entitlements: dict[str, pl.DataFrame],
    latest: int | None,
) -> pl.DataFrame | None:
    """The scheduled periods due by ``latest`` (a month) that a listed unit was not paid for
    (None: none)."""
    if program.distribution is None or not program.distribution.schedule:
        return None
    unit = "pid" if program.level == "person" else "hid"
    listed = payments.filter(pl.col(unit).is_not_null())
    if latest is None or listed.is_empty():
        return None
    due = pl.DataFrame(
        {
            "period_key": [k for k, m in program.distribution.schedule.items() if m <= latest],
            "due_month": [m for m in program.distribution.schedule.values() if m <= latest],
        },
        schema={"period_key": pl.String, "due_month": pl.Int32},
    )
    units = (
        listed.sort("paid_on", "row", nulls_last=False)
        .group_by(unit)
        .agg(pl.col("hid", "pid", "area_code", "channel").exclude(unit).last())
        .with_columns(pl.col(unit).alias("unit"))
    )
    paid = listed.select(pl.col(unit).alias("unit"), "period_key").drop_nulls().unique()
    missed = units.join(due, how="cross").join(paid, on=["unit", "period_key"], how="anti")
    values = entitlements.get(program.id)
    if values is None:
        missed = missed.with_columns(entitlement=pl.lit(None, pl.Float64))
    else:
        values = values.with_columns(pl.col("unit").cast(missed.schema["unit"]))
        missed = missed.join(values, on="unit", how="left")
    return missed.with_columns(program=pl.lit(program.id)).select(MISSED_COLUMNS)


def _summary(payments: pl.DataFrame, missed: pl.DataFrame) -> pl.DataFrame:
    """Counts and amounts per program, period, desa and channel."""
    flags = ("paid_less", "paid_more", "late", "unknown_period")
    from_payments = payments.select(
        *SUMMARY_KEYS,
        payments=pl.lit(1, pl.Int64),
        **{f: pl.col(f).fill_null(False).cast(pl.Int64) for f in flags},
        missed=pl.lit(0, pl.Int64),
        amount_paid=pl.col("amount"),
        amount_entitled=pl.col("entitlement"),
        _amount_unknown=pl.col("amount").is_null(),
        _entitled_unknown=pl.col("entitlement").is_null(),
    )
    from_missed = missed.select(
        *SUMMARY_KEYS,
        payments=pl.lit(0, pl.Int64),
        **{f: pl.lit(0, pl.Int64) for f in flags},
        missed=pl.lit(1, pl.Int64),
        amount_paid=pl.lit(None, pl.Float64),
        amount_entitled=pl.lit(None, pl.Float64),
        _amount_unknown=pl.lit(False),
        _entitled_unknown=pl.lit(False),
    )
    both = pl.concat([from_payments, from_missed.cast(from_payments.schema)])
    return summed(both)


def summed(rows: pl.DataFrame) -> pl.DataFrame:
    """Counts and amounts per summary key; an amount is unknown where any row's is.

    Also adds the summaries of several groups: a list row may name a desa outside its
    family's group, so one cell can be in two groups' summaries.
    """
    unknown = {
        amount: pl.col(f"_{flag}_unknown") if f"_{flag}_unknown" in rows.columns
        else pl.col(amount).is_null()
        for amount, flag in (("amount_paid", "amount"), ("amount_entitled", "entitled"))
    }  # fmt: skip
    return (
        rows.group_by(SUMMARY_KEYS)
        .agg(
            *(pl.col(c).sum() for c in SUMMARY_COUNTS),
            *(
                pl.when(is_unknown.any()).then(None).otherwise(pl.col(amount).sum()).alias(amount)
                for amount, is_unknown in unknown.items()
            ),
        )
        .sort(SUMMARY_KEYS, nulls_last=True)
    )


_PAYMENT_SCHEMA = {
    "program": pl.String,
    "record_key": pl.String,
    "file_name": pl.String,
    "row": pl.Int64,
    "pid": pl.String,
    "hid": pl.String,
    "area_code": pl.String,
    "period": pl.String,
    "period_key": pl.String,
    "due_month": pl.Int32,
    "paid_on": pl.Date,
    "amount": pl.Float64,
    "entitlement": pl.Float64,
    "paid_less": pl.Boolean,
    "paid_more": pl.Boolean,
    "late": pl.Boolean,
    "unknown_period": pl.Boolean,
    "channel": pl.String,
    "_tolerance": pl.Float64,
}
_MISSED_SCHEMA = {
    "program": pl.String,
    "unit": pl.String,
    "hid": pl.String,
    "pid": pl.String,
    "area_code": pl.String,
    "channel": pl.String,
    "period_key": pl.String,
    "due_month": pl.Int32,
    "entitlement": pl.Float64,
}


def _empty(schema: Mapping[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)
