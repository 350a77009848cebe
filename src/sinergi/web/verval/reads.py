"""What the verval pages and API show, read only through `scoping.read_people`.

Findings live in the app database, the families they are about in the lake;
both are joined into one LazyFrame with ``area_code`` so that the one door
scopes, masks (NIK/KK) and audits them as one read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from sinergi.web import registry, scoping
from sinergi.web.verval.models import Finding

PERSON_COLUMNS = ("head_name", "nik", "kk", "address", "rt", "rw")
FAMILY_SCHEMA = {
    "hid": pl.String,
    "area_code": pl.String,
    **dict.fromkeys(PERSON_COLUMNS, pl.String),
    "desil": pl.Int64,
    "member_count": pl.Int64,
    "flags": pl.String,
}
RECORD_SCHEMA = {
    "id": pl.Int64,
    "hid": pl.String,
    "area_code": pl.String,
    **dict.fromkeys(PERSON_COLUMNS, pl.String),
    "member_count": pl.Int64,
}


def families() -> pl.LazyFrame:
    """Families flagged for follow-up, one row each: head, desil and the reasons flagged.

    These are the families the diagnosis asks the desa to check first; no rows
    before the first `sinergi diagnose`.
    """
    try:
        rows = registry.follow_up()
    except registry.NoDiagnosis:
        return pl.LazyFrame(schema=FAMILY_SCHEMA)
    return rows.group_by("hid").agg(
        pl.col("area_code", *PERSON_COLUMNS, "desil", "member_count").first(),
        pl.col("reason").unique().sort().str.join("; ").alias("flags"),
    )


def desa_families(user: scoping.User, desa: str) -> list[dict[str, Any]]:
    """The desa's follow-up families with the latest finding on each (key ``finding``)."""
    rows = scoping.read_people(user, families(), what="verval_desa", area=desa)
    latest = {
        f.hid: f
        for f in Finding.objects.with_state()
        .filter(area_code=desa, superseded=False)
        .exclude(hid="")
    }
    return [
        {**row, "finding": latest.get(row["hid"])}
        for row in rows.sort("head_name", "hid", nulls_last=True).iter_rows(named=True)
    ]


def records(
    user: scoping.User,
    area: str,
    findings: Sequence[Finding],
    *,
    what: str,
    filters: Mapping[str, Any] | None = None,
) -> list[tuple[Finding, dict[str, Any]]]:
    """Each finding with the family it is about, as ``read_people`` lets ``user`` see it.

    A proposal carries its family in the record; a finding on a registry family
    takes the head's name, NIK, KK and address from the lake.
    """
    frame = pl.LazyFrame([_row(f) for f in findings], schema=RECORD_SCHEMA)
    hids = [f.hid for f in findings if f.hid]
    shared = (*PERSON_COLUMNS, "member_count")
    lake = (
        families()
        .filter(pl.col("hid").is_in(hids))
        .select("hid", *(pl.col(c).alias(f"{c}_lake") for c in shared))
    )
    frame = (
        frame.join(lake, on="hid", how="left")
        .with_columns(pl.coalesce(c, f"{c}_lake").alias(c) for c in shared)
        .drop(f"{c}_lake" for c in shared)
    )
    rows = scoping.read_people(user, frame, what=what, area=area, filters=filters)
    shown = {row["id"]: row for row in rows.iter_rows(named=True)}
    return [(f, shown[f.pk]) for f in findings if f.pk in shown]


def pending(area: str) -> list[Finding]:
    """The findings in ``area`` awaiting a decision: the latest of each family, undecided."""
    return list(
        Finding.objects.with_state()
        .in_area(area)
        .filter(superseded=False, decision__isnull=True)
        .order_by("pk")
    )


def of_desa(desa: str) -> list[Finding]:
    """Every finding of the desa, newest first, superseded ones included (the history)."""
    return list(Finding.objects.with_state().filter(area_code=desa).order_by("-pk"))


def _row(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.pk,
        "hid": finding.hid or None,
        "area_code": finding.area_code,
        **{c: getattr(finding, c) or None for c in PERSON_COLUMNS},
        "member_count": finding.member_count,
    }
