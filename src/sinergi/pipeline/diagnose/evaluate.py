"""Measure a diagnosis against the synthetic truth, next to what a NIK-only join would find.

The truth side applies the *same* rules to the true persons and households of
``sinergi synth`` (their true ages, composition and registry desil, the
housing their DTSEN rows carry, and the payments actually made), so the score
measures what Sinergi controls: turning noisy files into the right families.
The proxy-means-test error in the desil is the registry's and is reported
apart (``desil_true_agreement``). A family found by the run counts as the true
household most of its records belong to.

The NIK-only baseline is what a spreadsheet join does: one person per valid
NIK, one family per KK, program rows matched to people by NIK alone.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from sinergi.lake.home import DataHome
from sinergi.pipeline.diagnose import facts
from sinergi.pipeline.diagnose.rules import ProgramRule, RuleSet
from sinergi.pipeline.diagnose.status import Assessment, assess, list_codes
from sinergi.pipeline.link.evaluate import truth_records as link_truth_records

MEASURES = ("exclusion", "inclusion")


def evaluate(
    home: DataHome, link_folder: Path, assessment: Assessment, truth_dir: Path,
    rule_set: RuleSet, as_of: date,
) -> dict[str, Any]:  # fmt: skip
    """Precision and recall of exclusion and inclusion errors found, per program and overall.

    Family programs are scored on families, person programs (PBI, PIP, BPJS-TK) on
    persons; ``overall`` pools both kinds of units.
    """
    records = pl.read_parquet(link_folder / "records.parquet")
    truth_records = link_truth_records(truth_dir)
    codes = list_codes(rule_set)
    rows = facts.snapshot_rows(home, records)

    truth = _assess_truth(truth_dir, rows, truth_records, rule_set, codes, as_of)
    baseline_records, baseline = _assess_nik_only(home, records, rule_set, codes, as_of)
    programs = [p for p in rule_set.programs if p.id in truth.listed]
    result: dict[str, Any] = {"programs": [p.id for p in programs]}
    for measure in MEASURES:
        result[measure] = {
            name: _scores(found, _owners(found_records, truth_records), truth, programs, measure)
            for name, found, found_records in (
                ("sinergi", assessment, records),
                ("nik_only", baseline, baseline_records),
            )
        }
    result["desil_true_agreement"] = _desil_agreement(truth_dir)
    return result


def _owners(records: pl.DataFrame, truth: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Each family (``hid``) and person (``pid``) of a run mapped to the true household or
    person most of its records belong to."""
    joined = records.select("hid", "pid", "file_name", "row").join(truth, on=["file_name", "row"])
    return {
        key: joined.group_by(key, true)
        .agg(pl.len().alias("n"))
        .sort(key, "n", true, descending=[False, True, False])
        .group_by(key, maintain_order=True)
        .first()
        .select(key, pl.col(true).alias("truth"))
        for key, true in (("hid", "true_hid"), ("pid", "true_pid"))
    }


def _flags(assessment: Assessment, program: ProgramRule, measure: str) -> pl.DataFrame:
    """The units (``hid`` or ``pid``) an assessment flags with ``measure`` for ``program``."""
    if program.level == "family":
        return assessment.families.filter(pl.col(f"{measure}_{program.id}")).select(
            pl.col("hid").alias("unit")
        )
    eligible, received = pl.col(f"eligible_{program.id}"), pl.col(f"receives_{program.id}")
    flag = eligible & ~received if measure == "exclusion" else received & ~eligible
    return assessment.persons.filter(flag).select(pl.col("pid").alias("unit"))


def _scores(
    found: Assessment,
    owners: dict[str, pl.DataFrame],
    truth: Assessment,
    programs: list[ProgramRule],
    measure: str,
) -> dict[str, Any]:
    per_program = {}
    totals = [0, 0, 0, 0]
    for program in programs:
        key = "hid" if program.level == "family" else "pid"
        flagged = _flags(found, program, measure).join(
            owners[key].rename({key: "unit"}), on="unit", how="left"
        )
        true = _flags(truth, program, measure).rename({"unit": "truth"})
        counts = (
            flagged.join(true, on="truth", how="semi").height,
            flagged.height,
            true.join(flagged, on="truth", how="semi").height,
            true.height,
        )
        per_program[program.id] = _pr(*counts)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    return {"overall": _pr(*totals), "programs": per_program}


def _pr(hits: int, found: int, recalled: int, true: int) -> dict[str, Any]:
    precision = hits / found if found else 0.0
    recall = recalled / true if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "found": found,
        "true": true,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def _assess_truth(
    truth_dir: Path,
    rows: pl.DataFrame,
    truth_records: pl.DataFrame,
    rule_set: RuleSet,
    codes: dict[str, str],
    as_of: date,
) -> Assessment:
    people = pl.read_parquet(truth_dir / "persons.parquet")
    homes = pl.read_parquet(truth_dir / "households.parquet")
    payments = pl.read_parquet(truth_dir / "payments.parquet")
    persons = people.select(
        pl.col("person_id").cast(pl.String).alias("pid"),
        pl.col("household_id").cast(pl.String).alias("hid"),
        "nik",
        "sex",
        "birth_date",
        *(
            pl.col(c).cast(pl.String)
            for c in ("relationship", "presence", "school_participation", "education")
        ),
        "occupation",
        (pl.col("disability") >= 3).alias("disability"),
        pl.col("disability").cast(pl.Int64).alias("disability_level"),
        pl.when(pl.col("chronic_illness")).then(pl.lit("1")).otherwise(pl.lit("2"))
        .alias("chronic_illness"),
        "pregnant",
    )  # fmt: skip
    # Housing as the registries hold it: first the DTSEN row of any member, then P3KE.
    attributes = (
        rows.join(truth_records, on=["file_name", "row"])
        .with_columns(rank=facts.source_rank(pl.col("source")))
        .sort("true_hid", "rank")
        .group_by("true_hid")
        .agg(
            *(
                pl.col(c).drop_nulls().first()
                for c in facts.FAMILY_ATTRIBUTES
                if c not in ("stunting_risk", "member_count")
            ),
            pl.col("stunting_risk").fill_null(False).any(),
        )
        .rename({"true_hid": "hid"})
    )
    heads = persons.filter(pl.col("relationship") == "1").select(
        "hid", pl.col("pid").alias("head_pid")
    )
    families = (
        homes.select(
            pl.col("household_id").cast(pl.String).alias("hid"),
            "kk",
            pl.col("village_code").alias("area_code"),
            pl.col("desil_dtsen").cast(pl.Int64).alias("desil"),
            pl.col("size").cast(pl.Int64).alias("member_count"),
        )
        .join(heads, on="hid", how="left")
        .join(attributes, on="hid", how="left")
    )
    receipts = payments.join(
        homes.select("household_id", pl.col("village_code").alias("area_code")), on="household_id"
    ).select(
        pl.col("person_id").cast(pl.String).alias("pid"),
        pl.col("household_id").cast(pl.String).alias("hid"),
        "area_code",
        "program",
        pl.col("stage").cast(pl.String).alias("period"),
        "amount",
        "paid_on",
    )
    inputs = facts.RegisterInputs(persons, families, receipts)
    base_persons, base_families = facts.base_facts(inputs, rule_set.settings, codes, as_of)
    return assess(base_persons, base_families, receipts, rule_set)


def _assess_nik_only(
    home: DataHome, records: pl.DataFrame, rule_set: RuleSet, codes: dict[str, str], as_of: date
) -> tuple[pl.DataFrame, Assessment]:
    """One person per valid NIK (else per record), one family per KK (else per person):
    the records with those ids, and their assessment."""
    keyed = records.with_columns(
        pid=pl.coalesce(
            pl.concat_str(pl.lit("N"), "nik_valid"), pl.concat_str(pl.lit("R"), "record_key")
        )
    )
    family_of = (
        keyed.filter(pl.col("kk").is_not_null())
        .group_by("pid", "kk")
        .agg(pl.len().alias("n"))
        .sort("pid", "n", "kk", descending=[False, True, False])
        .group_by("pid", maintain_order=True)
        .first()
        .select("pid", pl.concat_str(pl.lit("K"), "kk").alias("hid"))
    )
    keyed = (
        keyed.drop("hid")
        .join(family_of, on="pid", how="left")
        .with_columns(hid=pl.coalesce("hid", pl.concat_str(pl.lit("H"), "pid")))
    )
    ranked = keyed.with_columns(rank=facts.source_rank(pl.col("source"))).sort("pid", "rank")
    persons = ranked.group_by("pid", maintain_order=True).agg(
        pl.col("hid").first(),
        pl.col("nik_valid").drop_nulls().first().alias("nik"),
        *(
            pl.col(c).drop_nulls().first()
            for c in ("sex", "birth_date", "relationship", "area_code")
        ),
    )
    families = (
        persons.with_columns(head=(pl.col("relationship") == "1"))
        .sort("hid", "head", "pid", descending=[False, True, False])
        .group_by("hid", maintain_order=True)
        .agg(
            pl.col("pid").first().alias("head_pid"),
            pl.col("area_code").drop_nulls().mode().sort().first(),
        )
        .with_columns(
            kk=pl.when(pl.col("hid").str.starts_with("K")).then(pl.col("hid").str.slice(1))
        )
    )
    inputs = facts.gather_records(home, keyed, persons, families, rule_set.settings)
    base_persons, base_families = facts.base_facts(inputs, rule_set.settings, codes, as_of)
    return keyed, assess(base_persons, base_families, inputs.receipts, rule_set)


def _desil_agreement(truth_dir: Path) -> dict[str, Any]:
    """How often the registry desil (DTSEN, from a PMT) agrees with the true welfare desil."""
    homes = pl.read_parquet(truth_dir / "households.parquet")
    same = int(((homes["desil_true"] <= 4) == (homes["desil_dtsen"] <= 4)).sum())
    return {
        "desil_1_4_same_side": round(same / max(homes.height, 1), 4),
        "households": homes.height,
    }
