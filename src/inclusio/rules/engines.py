"""The engines that run compiled rules: DuckDB in this process, or Spark.

The compiler produces Ibis expressions, so the same programme runs on either; only connecting
and writing differ. No Django here: the Spark master comes from the caller, who reads it from
settings (``INCLUSIO_SPARK_MASTER``) — ``local[2]`` runs Spark inside this machine, a
``spark://`` URL on a cluster.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import ibis

ENGINES = ("duckdb", "spark")
DEFAULT_SPARK_MASTER = "local[2]"


class EngineUnavailable(RuntimeError):
    """The engine's library is not installed here."""


def connect(engine: str = "duckdb", *, threads: int | None = None, spark_master: str = "") -> Any:
    """A fresh Ibis backend for ``engine``.

    DuckDB: an in-memory database, ``threads`` if given. Spark: one session per process
    (Spark allows no more), created on first use with the settings the rules need.
    """
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        con.raw_sql("SET enable_progress_bar = false")
        if threads:
            con.raw_sql(f"SET threads = {int(threads)}")
        return con
    if engine == "spark":
        return ibis.pyspark.connect(spark_session(spark_master or DEFAULT_SPARK_MASTER))
    raise ValueError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")


def spark_session(master: str) -> Any:
    """The process's Spark session (created on first use).

    Dates are calendar days in the snapshot; a session time zone other than UTC would shift
    them when Spark converts to and from Arrow. Python workers must be this interpreter: PySpark
    refuses a worker of another minor version, and the system ``python3`` may be one.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:  # pragma: no cover - the dev install has PySpark
        raise EngineUnavailable(
            "the Spark engine needs PySpark: pip install 'ibis-framework[pyspark]'"
        ) from error
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master(master)
        .appName("inclusio-screening")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # A few partitions suit a machine of a few cores; a cluster sets its own.
        .config("spark.sql.shuffle.partitions", "8" if master.startswith("local") else "200")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session
