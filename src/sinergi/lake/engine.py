"""The engine switch: DuckDB inside this process (the default) or Spark, local or on a cluster.

``--engine`` (or ``SINERGI_ENGINE``) picks it. Spark runs in local mode on this
machine's cores unless ``SINERGI_SPARK_MASTER`` names a cluster
(``spark://host:7077``, ``yarn``, ``k8s://...``); ``SINERGI_SPARK_DRIVER_MEMORY``
sizes the driver (``4g`` by default) and ``SINERGI_SPARK_LOCAL_DIR`` holds its
spill and checkpoints (a temporary folder by default). One session serves the
whole process: starting one costs several seconds.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import sys
import tempfile
from functools import cache
from typing import TYPE_CHECKING, Literal, cast

import polars as pl

from sinergi.errors import LakeError

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkDataFrame
    from pyspark.sql import SparkSession

log = logging.getLogger(__name__)

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")


def engine_name(asked: str | None = None) -> Engine:
    """The engine ``asked`` (an option) or named by ``SINERGI_ENGINE``; DuckDB when neither.

    Examples:
        >>> engine_name("spark"), engine_name("DuckDB")
        ('spark', 'duckdb')
    """
    name = (asked or os.environ.get("SINERGI_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise LakeError(
            f"Mesin {name!r} tidak dikenal; pilih duckdb atau spark.",
            english=f"unknown engine {name!r}; choose duckdb or spark",
            code="ENGINE_UNKNOWN",
        )
    return cast(Engine, name)


@cache
def spark_session() -> SparkSession:
    """The process's Spark session, started on first use with Sinergi's settings."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - pyspark is a dependency
        raise LakeError(
            "PySpark tidak terpasang; pasang ulang Sinergi (make) untuk memakai --engine spark.",
            english="pyspark is not installed",
            code="SPARK_MISSING",
        ) from error
    # Under spark-submit the JVM is already up with its --master: keep it.
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    master = os.environ.get("SINERGI_SPARK_MASTER") or ("" if submitted else "local[*]")
    if master.startswith("local"):
        # A laptop's hostname often resolves to an address nothing listens on.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Python workers must run this interpreter, with Sinergi's packages.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    scratch = os.environ.get("SINERGI_SPARK_LOCAL_DIR")
    if not scratch:
        scratch = tempfile.mkdtemp(prefix="sinergi-spark-")
        # Spill and checkpoints of this process only: gone when it ends (after the JVM stops).
        atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    cores = os.cpu_count() or 2
    from splink.internals.spark.jar_location import similarity_jar_location

    builder = SparkSession.builder.master(master) if master else SparkSession.builder
    builder = (
        # Splink's string similarity functions (Jaro-Winkler, Damerau-Levenshtein) for Spark SQL.
        builder.config("spark.jars", similarity_jar_location())
        .appName("sinergi")
        .config("spark.driver.memory", os.environ.get("SINERGI_SPARK_DRIVER_MEMORY", "4g"))
        .config("spark.local.dir", scratch)
        .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", str(max(4, 2 * cores)))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")  # a bar per stage floods logs
    )
    session = builder.getOrCreate()
    atexit.register(session.stop)  # registered last, so it runs before the scratch is removed
    session.sparkContext.setLogLevel("ERROR")
    # Splink's clustering breaks long lineages by checkpointing.
    session.sparkContext.setCheckpointDir(os.path.join(scratch, "checkpoints"))
    log.info("spark session on %s (scratch %s)", master or "spark-submit", scratch)
    return session


def to_spark(session: SparkSession, frame: pl.DataFrame) -> SparkDataFrame:
    """``frame`` as a Spark DataFrame (through Arrow); Spark has no unsigned integers."""
    unsigned = [name for name, kind in frame.schema.items() if kind.is_unsigned_integer()]
    return session.createDataFrame(frame.with_columns(pl.col(unsigned).cast(pl.Int64)).to_arrow())


def from_spark(frame: SparkDataFrame) -> pl.DataFrame:
    """A Spark DataFrame collected into Polars (through Arrow)."""
    collected = pl.from_arrow(frame.toArrow())
    assert isinstance(collected, pl.DataFrame)
    return collected
