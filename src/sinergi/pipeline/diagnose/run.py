"""Run a diagnosis of the latest linked register and write ``diagnostics/<run_id>/``.

Rules and settings are checked before any data is read. The run reads the
latest ``sinergi link`` run, builds the family and person facts and applies the
rules one group of kecamatan at a time (a province does not fit in memory at
once; every fact and rule looks at one family), checks distribution,
aggregates by desa, kecamatan and regency, ranks the poverty pockets and lists
the follow-ups; it writes every table as Parquet with a manifest (the link run,
the rule versions, the reference date, counts), then moves
``diagnostics/LATEST``. A run that fails leaves nothing behind.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl

from sinergi import __version__
from sinergi.errors import PipelineError
from sinergi.lake.engine import Engine
from sinergi.lake.home import DataHome, current_user, latest_run_folder, read_manifest, write_run
from sinergi.pipeline.diagnose import facts
from sinergi.pipeline.diagnose.aggregate import aggregates
from sinergi.pipeline.diagnose.distribution import (
    MISSED_ORDER,
    PAYMENT_ORDER,
    Payments,
    check_payments,
    latest_due,
    missed_and_summary,
    summed,
)
from sinergi.pipeline.diagnose.followup import FOLLOW_UP_ORDER, follow_up
from sinergi.pipeline.diagnose.rules import RuleSet, load_rule_set
from sinergi.pipeline.diagnose.sql import RuleSql
from sinergi.pipeline.diagnose.status import Assessment, assess, list_codes
from sinergi.pipeline.stages import Stage, StageTimer

# A diagnosis reads and assesses whole kecamatan, about this many families at a time.
GROUP_FAMILIES = int(os.environ.get("SINERGI_DIAGNOSIS_GROUP", "250000"))
STAGES = ("Memeriksa aturan", "Membaca register", "Menerapkan aturan", "Merangkum", "Menulis hasil")


# Tables of one row per family, person, payment or follow-up: streamed to the run's folder
# and read from there (`DiagnosisRun.scan`), each in this order (empty: the groups' order).
REGISTER_TABLES: dict[str, tuple[str, ...]] = {
    "families": (),
    "persons": (),
    "statuses": (),
    "payments": PAYMENT_ORDER,
    "missed_payments": MISSED_ORDER,
    "follow_up": FOLLOW_UP_ORDER,
}


@dataclass(frozen=True)
class DiagnosisRun:
    """A finished diagnosis: where it is, what it was based on, and its tables.

    ``tables`` holds the tables by area and program (`aggregates` and ``distribution``);
    the tables of `REGISTER_TABLES`, millions of rows for a province, are read from
    the folder with `scan`. ``counts`` gives the rows of every table.
    """

    run_id: str
    folder: Path
    link_run: str
    as_of: date
    rule_set: RuleSet
    tables: dict[str, pl.DataFrame]
    counts: dict[str, int]
    seconds: dict[str, float]

    def scan(self, table: str) -> pl.LazyFrame:
        """A table of the run, read lazily from its folder."""
        return pl.scan_parquet(self.folder / f"{table}.parquet")


def diagnose(
    home: DataHome,
    *,
    rules_dir: Path | None = None,
    as_of: date | None = None,
    user: str | None = None,
    stage: Stage | None = None,
    engine: Engine = "duckdb",
) -> DiagnosisRun:
    """Diagnose the latest linked register of ``home`` with the shipped or the user's rules.

    ``engine`` evaluates the rules' expressions on DuckDB or on Spark; both give
    the same tables.
    """
    timer = StageTimer(stage, "diagnose")
    with timer("Memeriksa aturan"):
        rule_set = load_rule_set(rules_dir if rules_dir is not None else home.root / "rules")
    link_folder = latest_run_folder(home, "linked")  # not link.run's: that imports Splink
    if link_folder is None:
        raise PipelineError(
            f"Belum ada hasil padanan di {home.root}. Jalankan `sinergi link` lebih dulu.",
            english=f"No linked run under {home.root}; run `sinergi link` first",
            code="NOTHING_TO_DIAGNOSE",
        )
    reference = as_of or reference_date(home, link_folder, rule_set.settings.desil_sources)
    sql = RuleSql(engine)
    seen = facts.listed_codes(home, link_folder)
    with tempfile.TemporaryDirectory(prefix=".diagnosis-", dir=home.root) as scratch_dir:
        scratch = _Scratch(Path(scratch_dir))
        entitlements: list[dict[str, pl.DataFrame]] = []
        latest: dict[str, int] = {}  # per program, the latest due month any group's lists reach
        listed: tuple[str, ...] = ()
        # One group of kecamatan at a time: a province's records do not fit in memory at
        # once. Everything about one family (its facts, payments, follow-ups) is found in
        # its group, and each group's tables wait on disk.
        for hids in facts.family_groups(link_folder, GROUP_FAMILIES):
            with timer("Membaca register"):
                inputs = facts.gather(home, link_folder, rule_set.settings, hids)
                persons, families = facts.base_facts(
                    inputs, rule_set.settings, list_codes(rule_set), reference
                )
            with timer("Menerapkan aturan"):
                part = assess(persons, families, inputs.receipts, rule_set, sql, seen)
                paid = check_payments(inputs.receipts, part.families, part.persons, rule_set, sql)
                scratch.add(
                    families=part.families,
                    persons=part.persons.drop("nik"),
                    statuses=part.statuses,
                    payments=paid.payments,
                    follow_up=follow_up(part, rule_set, sql),
                )
                entitlements.append(paid.entitlements)
                for program, month in latest_due(paid.payments).items():
                    latest[program] = max(month, latest.get(program, month))
                listed = part.listed
            del inputs, persons, families, part, paid
        with timer("Menerapkan aturan"):
            summaries = []
            for group, group_entitlements in enumerate(entitlements):
                payments = scratch.read("payments", group)
                missed, summary = missed_and_summary(
                    Payments(payments, group_entitlements), rule_set, latest
                )
                scratch.add_to(group, missed_payments=missed)
                summaries.append(summary)
            del entitlements, payments, missed
        with timer("Merangkum"):
            assessment = Assessment(
                scratch.read("families"), scratch.read("persons"), scratch.read("statuses"), listed
            )
            tables = {
                # A list row may name a desa outside its family's group: its cell is summed again.
                "distribution": summed(pl.concat(summaries, how="vertical_relaxed")),
                **aggregates(assessment, rule_set),
            }
            del assessment
        sql.close()
        streamed = {name: scratch.scan(name, order) for name, order in REGISTER_TABLES.items()}
        counts = {
            # Unsorted: a sorted frame would be sorted once to count and once to write.
            **{name: scratch.rows(name) for name in REGISTER_TABLES},
            **{name: table.height for name, table in tables.items()},
        }
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        manifest = {
            "run_id": run_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "user": user or current_user(),
            "sinergi_version": __version__,
            "link_run": link_folder.name,
            "as_of": reference.isoformat(),
            "rules": rule_set.versions(),
            "listed_programs": list(listed),
            "extreme_basis": rule_set.settings.extreme_basis,
            "engine": engine,
            "counts": counts,
            "seconds": timer.seconds,  # up to writing
        }
        with timer("Menulis hasil"):
            folder = write_run(home, "diagnostics", run_id, {**streamed, **tables}, manifest)
    return DiagnosisRun(
        run_id, folder, link_folder.name, reference, rule_set, tables, counts, timer.seconds
    )


class _Scratch:
    """Each group's tables, one Parquet file per table and group, in a scratch folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.groups = 0

    def add(self, **tables: pl.DataFrame) -> None:
        self.add_to(self.groups, **tables)
        self.groups += 1

    def add_to(self, group: int, **tables: pl.DataFrame) -> None:
        for name, table in tables.items():
            table.write_parquet(self.folder / f"{name}-{group}.parquet")

    def read(self, name: str, group: int | None = None) -> pl.DataFrame:
        if group is not None:
            return pl.read_parquet(self.folder / f"{name}-{group}.parquet")
        return self.scan(name, ()).collect()

    def rows(self, name: str) -> int:
        return int(self.scan(name, ()).select(pl.len()).collect().item())

    def scan(self, name: str, order: tuple[str, ...]) -> pl.LazyFrame:
        # A column all empty in one group is typed Null there.
        frames = [
            pl.scan_parquet(self.folder / f"{name}-{group}.parquet") for group in range(self.groups)
        ]
        stacked = pl.concat(frames, how="vertical_relaxed")
        return stacked.sort(order, nulls_last=True) if order else stacked


def reference_date(home: DataHome, link_folder: Path, desil_sources: tuple[str, ...]) -> date:
    """The end of the period of the registry whose desil counts (DTSEN first): ages and
    school levels are taken on the date the welfare ranking describes."""
    inputs = json.loads((link_folder / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    periods: dict[str, list[date]] = {}
    for import_id in inputs:
        snapshot = home.find_snapshot(import_id)
        manifest = read_manifest(snapshot) if snapshot is not None else {}
        end = _period_end(str(manifest.get("period", "")))
        if manifest.get("contract") in ("person", "household") and end is not None:
            periods.setdefault(manifest["source"], []).append(end)
    for source in (*desil_sources, *periods):
        if source in periods:
            return max(periods[source])
    return date.today()


def _period_end(period: str) -> date | None:
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", period.strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2] or 12)
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def latest_diagnosis(home: DataHome) -> Path | None:
    """The folder of the latest finished diagnosis, if any."""
    return latest_run_folder(home, "diagnostics")


def assessment_of(run: DiagnosisRun) -> Assessment:
    """The family, person and status tables of a run, as one assessment."""
    listed = tuple(run.tables["programs"].filter(pl.col("listed"))["program"].to_list())
    families, persons, statuses = (
        run.scan(t).collect() for t in ("families", "persons", "statuses")
    )
    return Assessment(families, persons, statuses, listed)
