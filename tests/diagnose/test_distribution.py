"""Right amount, right time: hand-made payments checked against the shipped program rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sinergi.errors import PipelineError
from sinergi.pipeline.diagnose.distribution import (
    MISSED_COLUMNS,
    PAYMENT_COLUMNS,
    PAYMENT_ORDER,
    DistributionCheck,
    check_distribution,
    check_payments,
    latest_due,
    missed_and_summary,
    summed,
)
from sinergi.pipeline.diagnose.facts import RECEIPT_INPUTS
from sinergi.pipeline.diagnose.rules import RuleSet, load_rule_set

DESA = "52.05.01.2001"
COUNTS = ("n_pregnant", "n_age_0_6", "n_sd", "n_smp", "n_sma", "n_elderly", "n_severe_disability")


@pytest.fixture(scope="module")
def rule_set() -> RuleSet:
    return load_rule_set()


def family(hid: str, **counts: int) -> dict[str, Any]:
    return {"hid": hid, "area_code": DESA, **{c: counts.get(c, 0) for c in COUNTS}}


# H1: one SD child and one elderly member: (900,000 + 2,400,000) / 4 = 825,000 per tahap.
# H2: one child 0-6 and one SD child: (3,000,000 + 900,000) / 4 = 975,000 per tahap.
FAMILIES = pl.DataFrame(
    [
        family("H1", n_sd=1, n_elderly=1),
        family("H2", n_age_0_6=1, n_sd=1),
        family("H3"),
    ],
    schema={"hid": pl.String, "area_code": pl.String, **{c: pl.UInt32 for c in COUNTS}},
)
PERSONS = pl.DataFrame(
    {"pid": ["P1", "P2", "P3"], "hid": ["H1", "H2", "H3"]},
    schema={"pid": pl.String, "hid": pl.String},
)


def receipt(
    program: str,
    period: str | None,
    amount: float,
    paid_on: date | None,
    *,
    hid: str | None = "H1",
    pid: str | None = "P1",
    funding_source: str | None = None,
    file_name: str | None = None,
) -> dict[str, Any]:
    return {
        "pid": pid,
        "hid": hid,
        "area_code": DESA,
        "program": program,
        "period": period,
        "component": None,
        "amount": amount,
        "paid_on": paid_on,
        "funding_source": funding_source,
        "file_name": file_name or f"{program}_2026.csv",
    }


def receipts_of(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(
        list(rows),
        schema={k: v for k, v in RECEIPT_INPUTS.items() if k != "row"},
    ).with_columns(
        row=pl.int_range(2, pl.len() + 2, dtype=pl.Int64),
        record_key=pl.format("k{}", pl.int_range(pl.len())),
    )


def check(rule_set: RuleSet, *rows: dict[str, Any]) -> DistributionCheck:
    return check_distribution(receipts_of(*rows), FAMILIES, PERSONS, rule_set)


def only(frame: pl.DataFrame) -> dict[str, Any]:
    assert frame.height == 1, frame
    return frame.row(0, named=True)


def test_pkh_right_amount_on_time(rule_set: RuleSet) -> None:
    result = check(rule_set, receipt("pkh", "1", 825_000, date(2026, 2, 14)))
    assert result.payments.columns == list(PAYMENT_COLUMNS)
    row = only(result.payments)
    assert row["program"] == "pkh"
    assert row["period_key"] == "1"
    assert row["due_month"] == 2
    assert row["entitlement"] == 825_000
    assert row["paid_less"] is False
    assert row["paid_more"] is False
    assert row["late"] is False
    assert row["unknown_period"] is False
    assert row["channel"] == "pkh_2026.csv"
    assert row["record_key"] == "k0"
    assert row["row"] == 2


def test_pkh_paid_three_quarters_is_paid_less(rule_set: RuleSet) -> None:
    result = check(rule_set, receipt("pkh", "1", 825_000 * 0.75, date(2026, 2, 14)))
    row = only(result.payments)
    assert row["paid_less"] is True
    assert row["paid_more"] is False
    assert row["late"] is False


def test_pkh_tahap_1_paid_in_april_is_late(rule_set: RuleSet) -> None:
    result = check(rule_set, receipt("pkh", "1", 825_000, date(2026, 4, 3)))
    assert only(result.payments)["late"] is True


def test_paid_on_last_day_of_due_month_is_not_late(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pkh", "1", 825_000, date(2026, 2, 28)),
        receipt("pkh", "1", 975_000, date(2026, 3, 1), hid="H2", pid="P2"),
    )
    late = dict(result.payments.select("hid", "late").iter_rows())
    assert late == {"H1": False, "H2": True}


def test_payment_in_a_later_year_is_late(rule_set: RuleSet) -> None:
    # The list's year is that of its earliest payment (2026): tahap 3 paid in January 2027.
    result = check(
        rule_set,
        receipt("pkh", "1", 825_000, date(2026, 2, 10)),
        receipt("pkh", "3", 825_000, date(2027, 1, 5)),
    )
    late = dict(result.payments.select("period_key", "late").iter_rows())
    assert late == {"1": False, "3": True}


def test_year_written_in_the_period_sets_the_due_year(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("sembako", "Januari-Februari 2025", 400_000, date(2026, 2, 10)),
        receipt("sembako", "Januari-Februari 2026", 400_000, date(2026, 2, 10), hid="H2"),
    )
    late = dict(result.payments.select("period", "late").iter_rows())
    assert late == {"Januari-Februari 2025": True, "Januari-Februari 2026": False}


def test_missing_tahap_2_is_one_missed_row(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pkh", "1", 825_000, date(2026, 2, 10)),
        receipt("pkh", "3", 825_000, date(2026, 8, 10)),
        *(
            receipt("pkh", tahap, 975_000, date(2026, month, 10), hid="H2", pid="P2")
            for tahap, month in (("1", 2), ("2", 5), ("3", 8))
        ),
    )
    assert result.missed.columns == list(MISSED_COLUMNS)
    # Tahap 4 (due in November) is not missed by anyone: no list reaches it yet.
    row = only(result.missed)
    assert row["program"] == "pkh"
    assert row["unit"] == "H1"
    assert row["hid"] == "H1"
    assert row["pid"] == "P1"
    assert row["area_code"] == DESA
    assert row["period_key"] == "2"
    assert row["due_month"] == 5
    assert row["entitlement"] == 825_000


def test_sembako_two_month_period_due_in_its_second_month(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("sembako", "Maret-April 2026", 400_000, date(2026, 4, 30)),
        # The BPNT list counts for Sembako.
        receipt("bpnt", "maret-april", 400_000, date(2026, 5, 1), hid="H2", pid="P2"),
    )
    rows = result.payments.sort("hid").to_dicts()
    assert [r["program"] for r in rows] == ["sembako", "sembako"]
    assert [r["period_key"] for r in rows] == ["maret-april", "maret-april"]
    assert [r["due_month"] for r in rows] == [4, 4]
    assert [r["entitlement"] for r in rows] == [400_000, 400_000]
    assert [r["late"] for r in rows] == [False, True]
    # Januari-Februari (due in February) is due by April, and neither family had it.
    assert sorted(result.missed["period_key"].to_list()) == ["januari-februari"] * 2


def test_unknown_period_keeps_due_month_and_lateness_unknown(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pkh", "Tahap Lima", 825_000, date(2026, 12, 1)),
        receipt("pkh", None, 825_000, date(2026, 12, 1), hid="H2", pid="P2"),
    )
    rows = result.payments.sort("hid").to_dicts()
    assert [r["unknown_period"] for r in rows] == [True, True]
    assert [r["due_month"] for r in rows] == [None, None]
    assert [r["late"] for r in rows] == [None, None]
    assert [r["period_key"] for r in rows] == ["lima", None]
    # The amount is still checked.
    assert rows[0]["paid_less"] is False
    # No known period, so nothing can be called missed.
    assert result.missed.is_empty()


def test_programs_without_distribution_or_rule_are_ignored(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("beras", "Januari", 100_000, date(2026, 1, 5)),
        receipt("program_lain", "1", 5, date(2026, 1, 5)),
        receipt("pkh", "1", 825_000, date(2026, 2, 5)),
    )
    assert result.payments["program"].to_list() == ["pkh"]
    assert set(result.summary["program"]) == {"pkh"}


def test_pbi_entitlement_is_per_person(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pbi", None, 42_000, date(2026, 1, 20), pid="P2", hid="H2"),
        receipt("pbi", None, 40_000, date(2026, 2, 1), pid="P3", hid="H3"),
        receipt("pbi", None, 42_000, date(2026, 1, 20), pid="P_UNKNOWN", hid=None),
    )
    rows = {r["pid"]: r for r in result.payments.to_dicts()}
    assert rows["P2"]["entitlement"] == 42_000
    assert rows["P2"]["paid_less"] is False
    assert rows["P2"]["due_month"] == 1
    assert rows["P2"]["late"] is False
    assert rows["P2"]["unknown_period"] is False
    # Tolerance 0: 40,000 is short; February is after the January due month.
    assert rows["P3"]["paid_less"] is True
    assert rows["P3"]["late"] is True
    # A person the facts do not know has no entitlement, so no verdict on the amount.
    assert rows["P_UNKNOWN"]["entitlement"] is None
    assert rows["P_UNKNOWN"]["paid_less"] is None
    assert rows["P_UNKNOWN"]["paid_more"] is None
    # PBI has no schedule: nobody can miss a period.
    assert result.missed.is_empty()


def test_tolerance_boundary(rule_set: RuleSet) -> None:
    # H2 is entitled to 975,000 per tahap; PKH tolerates 5%: 926,250 to 1,023,750.
    amounts = (926_250, 926_249, 1_023_750, 1_023_751)
    result = check(
        rule_set,
        *(receipt("pkh", "1", amount, date(2026, 2, 1), hid="H2", pid="P2") for amount in amounts),
    )
    flags = {
        r["amount"]: (r["paid_less"], r["paid_more"])
        for r in result.payments.select("amount", "paid_less", "paid_more").to_dicts()
    }
    assert flags == {
        926_250: (False, False),
        926_249: (True, False),
        1_023_750: (False, False),
        1_023_751: (False, True),
    }


def test_no_entitlement_expression_and_no_due_month(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        # PIP: due in May, no entitlement expression.
        receipt("pip", None, 450_000, date(2026, 6, 1), pid="P1"),
        # RTLH: an entitlement, but neither schedule nor due month.
        receipt("rtlh", None, 15_000_000, date(2026, 7, 1)),
    )
    rows = {r["program"]: r for r in result.payments.to_dicts()}
    assert rows["pip"]["entitlement"] is None
    assert rows["pip"]["paid_less"] is None
    assert rows["pip"]["late"] is True
    assert rows["rtlh"]["entitlement"] == 20_000_000
    assert rows["rtlh"]["paid_less"] is True
    assert rows["rtlh"]["due_month"] is None
    assert rows["rtlh"]["late"] is None
    assert rows["rtlh"]["unknown_period"] is False


def test_channel_is_the_funding_source_when_given(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("bpjs_tk", None, 16_800, date(2026, 3, 2), funding_source="BAZNAS"),
        receipt("bpjs_tk", None, 16_800, date(2026, 3, 2), pid="P2", funding_source=" "),
    )
    channels = dict(result.payments.select("pid", "channel").iter_rows())
    assert channels == {"P1": "BAZNAS", "P2": "bpjs_tk_2026.csv"}


def test_summary_counts_per_period_desa_and_channel(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pkh", "1", 825_000 * 0.75, date(2026, 4, 1)),
        receipt("pkh", "1", 975_000, date(2026, 2, 1), hid="H2", pid="P2"),
        receipt("pkh", "2", 975_000, date(2026, 5, 1), hid="H2", pid="P2"),
    )
    cells = {r["period_key"]: r for r in result.summary.to_dicts()}
    assert set(cells) == {"1", "2"}
    first = cells["1"]
    assert (first["program"], first["area_code"], first["channel"]) == (
        "pkh",
        DESA,
        "pkh_2026.csv",
    )
    assert first["payments"] == 2
    assert first["paid_less"] == 1
    assert first["paid_more"] == 0
    assert first["late"] == 1
    assert first["unknown_period"] == 0
    assert first["missed"] == 0
    assert first["amount_paid"] == 825_000 * 0.75 + 975_000
    assert first["amount_entitled"] == 825_000 + 975_000
    # H1 was not paid tahap 2: a missed period in that cell.
    assert cells["2"]["payments"] == 1
    assert cells["2"]["missed"] == 1


def test_unknown_entitlement_leaves_the_cell_total_unknown(rule_set: RuleSet) -> None:
    result = check(
        rule_set,
        receipt("pkh", "1", 825_000, date(2026, 2, 1)),
        receipt("pkh", "1", 825_000, date(2026, 2, 1), hid="H_UNKNOWN", pid=None),
    )
    cell = only(result.summary)
    assert cell["payments"] == 2
    assert cell["amount_paid"] == 1_650_000
    assert cell["amount_entitled"] is None


def test_facts_without_a_named_field_are_an_error(rule_set: RuleSet) -> None:
    receipts = pl.DataFrame(
        [receipt("pkh", "1", 825_000, date(2026, 2, 1))],
    ).with_columns(row=pl.lit(2), record_key=pl.lit("k0"))
    with pytest.raises(PipelineError, match="n_elderly"):
        check_distribution(receipts, FAMILIES.drop("n_elderly"), PERSONS, rule_set)


def test_no_receipts_gives_empty_frames(rule_set: RuleSet) -> None:
    result = check(rule_set, receipt("beras", None, 1, date(2026, 1, 1)))
    assert result.payments.is_empty()
    assert result.missed.is_empty()
    assert result.summary.is_empty()
    assert result.payments.columns == list(PAYMENT_COLUMNS)


def test_checks_of_groups_of_families_combine_into_the_check_of_all(rule_set: RuleSet) -> None:
    receipts = receipts_of(
        receipt("pkh", "1", 825_000 * 0.75, date(2026, 4, 1)),
        receipt("pkh", "1", 975_000, date(2026, 2, 1), hid="H2", pid="P2"),
        receipt("pkh", "2", 975_000, date(2026, 5, 1), hid="H2", pid="P2"),
        receipt("pkh", "1", 825_000, date(2026, 2, 1), hid="H_UNKNOWN", pid=None),
    )
    whole = check_distribution(receipts, FAMILIES, PERSONS, rule_set)
    # Both groups pay tahap 1 in the same desa: the summary cell is in each group's summary.
    # Only H2's group pays tahap 2, yet H1 missed it: it is due once any list reaches it.
    groups = [
        check_payments(
            receipts.filter(pl.col("hid").is_in(hids)),
            FAMILIES.filter(pl.col("hid").is_in(hids)),
            PERSONS.filter(pl.col("hid").is_in(hids)),
            rule_set,
        )
        for hids in (["H1"], ["H2", "H3", "H_UNKNOWN"])
    ]
    latest = latest_due(pl.concat([group.payments for group in groups]))
    missed, summaries = zip(*(missed_and_summary(g, rule_set, latest) for g in groups), strict=True)
    payments = pl.concat([group.payments for group in groups]).sort(PAYMENT_ORDER, nulls_last=True)
    assert_frame_equal(payments, whole.payments)
    assert_frame_equal(pl.concat(missed), whole.missed, check_row_order=False)
    summary = summed(pl.concat(summaries))
    assert_frame_equal(summary, whole.summary)
    first = summary.filter(pl.col("period_key") == "1").row(0, named=True)
    assert first["payments"] == 3
    assert first["amount_entitled"] is None  # H_UNKNOWN's entitlement is not known
    assert "H1" in pl.concat(missed)["unit"].to_list()
