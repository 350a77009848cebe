"""The site's in-memory lake tables: warmed up front, answering like the files, never stale."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl

from sinergi.web import registry


def test_warm_reads_every_table_once_and_answers_like_the_files(site_home: Path) -> None:
    registry.warm()
    assert set(registry._tables) >= {"members", "records", "statuses", "reasons", "links"}
    linked = registry.run_folder("linked")
    persons = pl.read_parquet(linked / "persons.parquet")
    hid = persons["hid"].drop_nulls()[0]
    expected = persons.filter(pl.col("hid") == hid)["pid"].sort().to_list()
    assert registry.members(hid).collect()["pid"].sort().to_list() == expected
    records = registry.source_records(hid).collect()
    assert records.height >= len(expected)
    assert records.schema["source"] == pl.String  # handed out as text, kept as categories


def test_a_family_not_in_the_run_has_no_rows() -> None:
    registry.warm()
    assert registry.members("no-such-family").collect().is_empty()
    assert registry.links_between([]).is_empty()


def test_a_new_run_replaces_the_cached_table(site_home: Path) -> None:
    registry.warm()
    before = registry._tables["members"][0]
    linked = registry.run_folder("linked")
    stamp = linked.stat().st_mtime_ns
    os.utime(linked, ns=(stamp + 10**9, stamp + 10**9))
    try:
        registry.members("x")
        assert registry._tables["members"][0] != before
    finally:
        os.utime(linked, ns=(stamp, stamp))


def test_warm_before_any_diagnosis_does_nothing(tmp_path: Path, settings: Any) -> None:
    settings.HOME = tmp_path
    registry.clear_caches()
    registry.warm()
    assert registry._tables == {}
