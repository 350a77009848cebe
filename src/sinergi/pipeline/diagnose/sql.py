"""The rules' SQL computed over a frame, by DuckDB in this process or by Spark, alike.

Eligibility, derived fields, deprivation dimensions, follow-up flags and
entitlements are user-edited expressions compiled to SQL (``expressions.py``).
:class:`RuleSql` evaluates them row by row on the chosen engine; on Spark the
DuckDB-dialect SQL is translated by sqlglot and the rows are spread over the
executors. Results come back with the same types from both engines (whole
numbers as Int64, other numbers as Float64) and in the frame's row order.
"""

from __future__ import annotations

import duckdb
import polars as pl
import polars.selectors as cs
import sqlglot

from sinergi.lake.engine import Engine, from_spark, spark_session, to_spark

_ROW = "__sinergi_row"


class RuleSql:
    """Adds ``{name: SQL expression}`` columns to frames, on one engine."""

    def __init__(self, engine: Engine = "duckdb") -> None:
        self.engine = engine
        self._duckdb = duckdb.connect() if engine == "duckdb" else None

    def add(self, frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
        """``frame`` with one more column per ``{name: SQL expression}``."""
        if not columns:
            return frame
        added = self._spark(frame, columns) if self._duckdb is None else self._local(frame, columns)
        return frame.with_columns(_same_types(added))

    def _local(self, frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
        assert self._duckdb is not None
        self._duckdb.register("facts", frame.to_arrow())
        select = ", ".join(f'{sql} AS "{name}"' for name, sql in columns.items())
        added = self._duckdb.sql(f"SELECT {select} FROM facts").pl()
        self._duckdb.unregister("facts")
        return added

    def _spark(self, frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
        rows = to_spark(spark_session(), frame.with_row_index(_ROW))
        select = [_ROW] + [
            f"{sqlglot.transpile(sql, read='duckdb', write='spark')[0]} AS `{name}`"
            for name, sql in columns.items()
        ]
        return from_spark(rows.selectExpr(*select)).sort(_ROW).drop(_ROW)

    def close(self) -> None:
        if self._duckdb is not None:
            self._duckdb.close()


def _same_types(added: pl.DataFrame) -> pl.DataFrame:
    return added.with_columns(
        cs.integer().cast(pl.Int64), (cs.float() | cs.decimal()).cast(pl.Float64)
    )
