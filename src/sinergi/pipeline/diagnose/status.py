"""Apply settings and program rules to the facts: deprivation, eligibility, status per program.

Derived fields and deprivation dimensions are computed in the order the
settings give them, then each program's eligibility on families or persons,
then the status of every family (and person) against every program whose list
was imported: *served* (eligible and received), *exclusion* (eligible, not
received), *inclusion* (received, not eligible) or *unregistered* (received by a
family no registry knows, so its eligibility is unknown), and *double* where the same
family or person appears more than once for one program and period. Rules
are SQL (see :mod:`sinergi.pipeline.diagnose.expressions`) run by DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sinergi.pipeline.diagnose.rules import ProgramRule, RuleSet, normalise_period
from sinergi.pipeline.diagnose.sql import RuleSql

STATUSES = ("served", "exclusion", "inclusion", "unregistered")
KINDS = ("exclusion", "inclusion", "unregistered")


@dataclass(frozen=True)
class Assessment:
    """The diagnosis of every family, person and program.

    Attributes:
        families: family facts, derived fields, ``d_*`` deprivations, ``deprivation_score``,
            ``multidim_poor`` and per program ``eligible_<p>``, ``receives_<p>``,
            ``exclusion_<p>``, ``inclusion_<p>``, ``unregistered_<p>``, ``double_<p>``.
        persons: person facts and ``eligible_<p>`` for person-level programs.
        statuses: one row per program and family (family programs) or person (person
            programs) that is eligible or received: ``program``, ``level``, ``hid``,
            ``pid``, ``area_code``, ``eligible``, ``received``, ``status``, ``double``.
        listed: the programs whose beneficiary list was imported (others have no status).
    """

    families: pl.DataFrame
    persons: pl.DataFrame
    statuses: pl.DataFrame
    listed: tuple[str, ...]


def list_codes(rule_set: RuleSet) -> dict[str, str]:
    """Every beneficiary-list program code mapped to the program it counts for."""
    return {code: p.id for p in rule_set.programs for code in (p.id, *p.lists)}


def assess(
    persons: pl.DataFrame,
    families: pl.DataFrame,
    receipts: pl.DataFrame,
    rule_set: RuleSet,
    sql: RuleSql | None = None,
    list_codes_seen: set[str] | None = None,
) -> Assessment:
    """Run settings and rules over base facts (from :func:`facts.base_facts`).

    ``sql`` evaluates the rules' expressions (DuckDB here unless given a Spark one).
    ``list_codes_seen``: the program codes of every imported list, when ``receipts``
    are only some families' (a programme is assessed wherever it has a list).
    """
    sql = sql or RuleSql()
    settings = rule_set.settings
    codes = list_codes(rule_set)
    if list_codes_seen is None:
        list_codes_seen = set(receipts["program"].drop_nulls().cast(pl.String).unique())
    listed = tuple(sorted({codes[c] for c in list_codes_seen if c in codes}))
    social = [p.id for p in rule_set.programs if p.kind in ("bansos", "jamsos")]
    member_receipt = persons.group_by("hid").agg(
        pl.any_horizontal(pl.col(f"receives_{p}") for p in social).any().alias("member_receives")
    )
    families = (
        families.join(member_receipt, on="hid", how="left")
        .with_columns(
            no_assistance=~(
                pl.any_horizontal(pl.col(f"receives_{p}") for p in social)
                | pl.col("member_receives").fill_null(False)
            )
        )
        .drop("member_receives")
    )
    for name, expression in settings.derived:
        families = sql.add(
            families,
            {name: expression.condition() if expression.type == "bool" else expression.sql},
        )
    dimensions = {f"d_{d.name}": d.when.condition() for d in settings.dimensions}
    families = sql.add(families, dimensions)
    total = sum(d.weight for d in settings.dimensions)
    score = pl.sum_horizontal(
        pl.col(f"d_{d.name}").cast(pl.Float64) * d.weight for d in settings.dimensions
    )
    families = families.with_columns(deprivation_score=(score / total).round(4)).with_columns(
        multidim_poor=pl.col("deprivation_score") >= settings.cutoff - 1e-9
    )

    person_rules = [p for p in rule_set.programs if p.level == "person"]
    family_rules = [p for p in rule_set.programs if p.level == "family"]
    families = sql.add(
        families, {f"eligible_{p.id}": p.eligibility.condition() for p in family_rules}
    )
    family_context = families.drop(
        [c for c in families.columns if c in persons.columns and c != "hid"]
    )
    joined = persons.join(family_context, on="hid", how="left")
    eligible = sql.add(
        joined, {f"eligible_{p.id}": p.eligibility.condition() for p in person_rules}
    ).select("pid", *(f"eligible_{p.id}" for p in person_rules))
    persons = persons.join(eligible, on="pid", how="left")

    doubles = _doubles(receipts, rule_set, codes)
    statuses = (
        pl.concat(
            [_statuses(p, families, persons, doubles) for p in rule_set.programs if p.id in listed],
            how="vertical",
        )
        if listed
        else _empty_statuses()
    )
    families = families.join(_family_summary(statuses, persons, rule_set), on="hid", how="left")
    for program in rule_set.programs:
        families = families.with_columns(
            pl.col(f"{kind}_{program.id}").fill_null(False) for kind in (*KINDS, "double")
        )
    return Assessment(families, persons, statuses, listed)


def _doubles(receipts: pl.DataFrame, rule_set: RuleSet, codes: dict[str, str]) -> pl.DataFrame:
    """Units (family or person) counted more than once for one program and period."""
    level = {p.id: p.level for p in rule_set.programs}
    mapped = receipts.with_columns(
        program_id=pl.col("program").replace_strict(codes, default=None),
        period_key=pl.col("period").map_elements(normalise_period, return_dtype=pl.String),
    ).filter(pl.col("program_id").is_not_null())
    mapped = mapped.with_columns(
        unit=pl.when(pl.col("program_id").replace_strict(level, default="family") == "person")
        .then(pl.col("pid"))
        .otherwise(pl.col("hid"))
    ).filter(pl.col("unit").is_not_null())
    return (
        mapped.group_by("program_id", "unit", "period_key")
        .agg(pl.len().alias("n"))
        .filter(pl.col("n") > 1)
        .select("program_id", "unit")
        .unique()
        .with_columns(double=pl.lit(True))
    )


def _statuses(
    program: ProgramRule, families: pl.DataFrame, persons: pl.DataFrame, doubles: pl.DataFrame
) -> pl.DataFrame:
    unit = "pid" if program.level == "person" else "hid"
    source = persons if program.level == "person" else families
    base = source.select(
        pl.lit(program.id).alias("program"),
        pl.lit(program.level).alias("level"),
        pl.col("hid"),
        (pl.col("pid") if unit == "pid" else pl.lit(None, pl.String)).alias("pid"),
        pl.col(f"eligible_{program.id}").alias("eligible"),
        pl.col(f"receives_{program.id}").alias("received"),
    ).filter(pl.col("eligible") | pl.col("received"))
    area = families.select("hid", "area_code", "registered")
    flagged = doubles.filter(pl.col("program_id") == program.id).select(
        pl.col("unit").alias(unit), "double"
    )
    return (
        base.join(area, on="hid", how="left")
        .join(flagged, on=unit, how="left")
        .with_columns(
            status=pl.when(pl.col("eligible") & pl.col("received"))
            .then(pl.lit("served"))
            .when(pl.col("eligible"))
            .then(pl.lit("exclusion"))
            .when(pl.col("registered"))
            .then(pl.lit("inclusion"))
            .otherwise(pl.lit("unregistered")),
            double=pl.col("double").fill_null(False),
        )
        .select(*STATUS_SCHEMA)
    )


STATUS_SCHEMA: dict[str, type[pl.DataType]] = {
    "program": pl.String,
    "level": pl.String,
    "hid": pl.String,
    "pid": pl.String,
    "area_code": pl.String,
    "eligible": pl.Boolean,
    "received": pl.Boolean,
    "status": pl.String,
    "double": pl.Boolean,
}


def _empty_statuses() -> pl.DataFrame:
    return pl.DataFrame(schema=STATUS_SCHEMA)


def _family_summary(
    statuses: pl.DataFrame, persons: pl.DataFrame, rule_set: RuleSet
) -> pl.DataFrame:
    """Per family and program: any exclusion, inclusion or double; person programs count
    a family as eligible when any member is."""
    by_family = statuses.group_by("hid").agg(
        *(
            ((pl.col("program") == p.id) & (pl.col("status") == kind)).any().alias(f"{kind}_{p.id}")
            for p in rule_set.programs
            for kind in KINDS
        ),
        *(
            ((pl.col("program") == p.id) & pl.col("double")).any().alias(f"double_{p.id}")
            for p in rule_set.programs
        ),
    )
    person_rules = [p for p in rule_set.programs if p.level == "person"]
    if not person_rules:
        return by_family
    members = persons.group_by("hid").agg(
        pl.col(f"eligible_{p.id}").any().alias(f"eligible_{p.id}") for p in person_rules
    )
    return by_family.join(members, on="hid", how="full", coalesce=True)
