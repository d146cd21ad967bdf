"""The logs as a Parquet lake, and the refresh jobs run over it on DuckDB or on ClickHouse (docs/scale.md).

A lake is one folder per log, partitioned by the UTC month of the event (Hive layout
`LAKE/<log>/month=YYYY-MM/*.parquet`), the layout a company's own pipelines would write. `export` writes a store's
logs as one. `refresh` runs every refresh job (queries/job_<table>.sql, and queries/clickhouse/job_<table>.sql in
ClickHouse's dialect) over a lake for a range of local days, in runs of days of bounded rows, on an engine:

- `duckdb`: an in-memory DuckDB reading the Parquet files;
- `clickhouse`: a ClickHouse reached with clickhouse-connect at AUDIT_CLICKHOUSE_URL, by default the embedded
  ClickHouse (chdb) in this process, which stands in for a cluster.

and writes each table as `OUT/<table>.parquet` or replaces its rows of those days in a store. The store's own
ingest runs the same DuckDB jobs (dashboard/refresh.py), so every derived table has one definition per dialect.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from dashboard import refresh, sql, store
from dashboard.contract import ENUM_LIST, LOGS, STORE_TYPES

CLICKHOUSE_QUERY_DIR = sql.QUERY_DIR / "clickhouse"
ENGINES = ("duckdb", "clickhouse")
# A lake refresh runs every job over runs of whole days holding at most this many rows of all the logs. The store's
# refresh uses 8 million (refresh.CHUNK_ROWS, measured on DuckDB); the lake stays at 4 million, as the embedded
# ClickHouse's memory at larger runs has not been measured.
RUN_ROWS = 4_000_000
Progress = Callable[[str], None] | None


class LakeError(ValueError):
    """A lake or an engine that cannot be used, said in words a user can act on."""


def log_columns(log: str) -> list[tuple[str, str]]:
    """(column, DuckDB type) of a log as the store keeps it (its ingest run id is the store's, not the lake's)."""
    return [(c.name, "varchar[]" if c.kind == ENUM_LIST else STORE_TYPES[c.kind]) for c in LOGS[log].columns]


def _files(lake: Path, log: str) -> list[Path]:
    return sorted((lake / log).glob("month=*/*.parquet"))


# ---------------------------------------------------------------------------------------------------- export

def export(db: str | Path, out: str | Path, progress: Progress = None) -> dict[str, int]:
    """Write the store's five logs to OUT as a lake; returns the rows written per log. Each log's folder is written
    beside the old one and swapped in when complete, so an interrupted export leaves the previous lake whole."""
    out = Path(out)
    _check_folder(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    with store.read_only(db) as con:
        con.execute("set TimeZone = 'UTC'")  # the partition is the event's UTC month, whatever the session's zone
        for log, spec in LOGS.items():
            columns = ", ".join(f'"{name}"' for name, _ in log_columns(log))
            staging = out / f".{log}.{uuid.uuid4().hex}"
            rows = con.execute(f"select count(*) from {log}").fetchall()[0][0]
            if progress:
                progress(f"exporting {log}: {rows} rows")
            if rows:
                con.execute(
                    f"copy (select {columns}, strftime({spec.time_column}, '%Y-%m') as month from {log} "
                    f"order by {spec.time_column}, {spec.id_column}) to '{_literal(staging)}' "
                    "(format parquet, partition_by (month), compression zstd)")
            else:
                staging.mkdir()
            old = out / log
            if old.exists():
                retired = out / f".{log}.old.{uuid.uuid4().hex}"
                old.rename(retired)
                staging.rename(old)
                shutil.rmtree(retired)
            else:
                staging.rename(old)
            written[log] = rows
    return written


def _check_folder(path: Path) -> None:
    """Refuse, before anything is written, a lake path the engines would read as something else: DuckDB's
    partitioned writer and its globs take a backslash for a folder separator, and both engines' file globs take
    * ? [ ] { } for patterns (a folder "lake[1]" would be read as "lake1")."""
    text = str(path.resolve())
    if "\\" in text:
        raise LakeError(f"{path}: a lake's path cannot hold a backslash (DuckDB reads it as a folder separator); "
                        "choose a folder without one")
    if found := sorted(set(text) & set("*?[]{}")):
        raise LakeError(f"{path}: a lake's path cannot hold {' '.join(found)} (the engines read the files by a "
                        "pattern, in which these are wildcards); choose a folder without them")


def _scratch(tmp: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to tmp past AUDIT_INGEST_MEMORY (the engine's and the sinks')."""
    return duckdb.connect(config={"temp_directory": tmp,
                                  "memory_limit": os.environ.get("AUDIT_INGEST_MEMORY", "600MB")})


def _literal(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no parameter for its target)."""
    return str(path).replace("'", "''")


# ---------------------------------------------------------------------------------------------------- engines

class DuckDBEngine:
    """The jobs on an in-memory DuckDB over the lake's Parquet files (spilling to a temporary folder)."""

    name = "duckdb"

    def __init__(self, lake: Path, tmp: str):
        self.con = _scratch(tmp)
        for log in LOGS:
            files = _files(lake, log)
            columns = ", ".join(f'cast("{n}" as {t}) as "{n}"' for n, t in log_columns(log))
            if files:  # (a view takes no parameter: the pattern is a literal)
                pattern = _literal(lake.resolve() / log / "month=*" / "*.parquet")
                self.con.execute(f"create view {log} as select {columns} "
                                 f"from read_parquet('{pattern}', hive_partitioning = false)")
            else:
                self.con.execute(f"create table {log} ({', '.join(f'{n} {t}' for n, t in log_columns(log))})")

    def span(self, job: refresh.Job, tz: str) -> tuple[date | None, date | None]:
        return refresh._source_days(self.con, job, tz)

    def day_rows(self, sources: tuple[str, ...], lo: date, hi: date, tz: str) -> dict[date, int]:
        return refresh.day_rows(self.con, sources, lo, hi, tz)

    def run(self, job: refresh.Job, lo: date, hi: date, tz: str):
        """The job's rows for lo..hi as an Arrow stream; a job that a later one reads is kept as a table."""
        params = {"day_from": lo, "day_to": hi, "tz": tz}
        statement = sql.load(f"job_{job.table}")
        self.con.execute(f"create or replace table {job.table} as {statement}", params)
        return self.con.sql(f"select * from {job.table}").to_arrow_reader()

    def close(self) -> None:
        self.con.close()


# ClickHouse answers wrongly without error unless these are pinned (docs/scale.md): a missing match of an outer
# join is NULL, not a default value; a column name wins over a select alias of the same name; instants are UTC.
CLICKHOUSE_SETTINGS = {
    "join_use_nulls": 1,
    "prefer_column_name_to_alias": 1,
    "session_timezone": "UTC",
    "input_format_parquet_allow_missing_columns": 1,
}
_CH_TYPES = {"varchar": "String", "timestamptz": "DateTime64(6, 'UTC')", "date": "Date32", "bigint": "Int64",
             "boolean": "Bool"}


def _ch_type(duck: str) -> str:
    if duck == "varchar[]":
        return "Array(String)"
    return f"Nullable({_CH_TYPES[duck]})"


def _ch_quote(text: str) -> str:
    """Text for inside a ClickHouse string literal (a path or a structure, which take no parameter)."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def clickhouse_statement(table: str) -> str:
    """queries/clickhouse/job_<table>.sql: every job has one (the DuckDB text, with its $parameters and DuckDB-only
    functions, would not run there)."""
    return (CLICKHOUSE_QUERY_DIR / f"job_{table}.sql").read_text(encoding="utf-8")


class ClickHouseEngine:
    """The jobs on ClickHouse through clickhouse-connect: a cluster at AUDIT_CLICKHOUSE_URL, or chdb in-process."""

    name = "clickhouse"

    def __init__(self, lake: Path | None, url: str | None = None, logs_database: str | None = None):
        try:
            import clickhouse_connect
        except ImportError as exc:  # the optional extra
            raise LakeError("The ClickHouse engine needs the optional extra: pip install '.[clickhouse]' "
                            "(make test installs it).") from exc
        url = url or os.environ.get("AUDIT_CLICKHOUSE_URL") or "chdb://"
        self.database = f"audit_refresh_{uuid.uuid4().hex[:12]}"
        self.client = clickhouse_connect.get_client(dsn=url)
        self.client.command(f"create database {self.database}")
        # the logs: tables the cluster already holds (Distributed tables over ReplicatedMergeTree, say), or views
        # over the lake's files made for this run
        self.logs_database = logs_database or self.database
        if logs_database:
            found = {r[0] for r in self.client.query(
                "select name from system.tables where database = {db:String}", parameters={"db": logs_database}
            ).result_rows}
            if missing := [log for log in LOGS if log not in found]:
                self.close()
                raise LakeError(f"the ClickHouse database {logs_database!r} lacks the logs {', '.join(missing)}")
            return
        for log in LOGS:
            structure = ", ".join(f"{n} {_ch_type(t)}" for n, t in log_columns(log))
            if _files(lake, log):
                pattern = _ch_quote(str((lake / log).resolve() / "month=*" / "*.parquet"))
                source = f"file('{pattern}', Parquet, '{_ch_quote(structure)}')"
                self.client.command(f"create view {self.database}.{log} as select * from {source}")
            else:
                self.client.command(f"create table {self.database}.{log} ({structure}) engine = Memory")

    def _sql(self, statement: str) -> str:
        # the jobs name the logs unqualified, as on any engine; here they live in this run's own database
        statement = re.sub(rf"\b(from|join)\s+({'|'.join(LOGS)})\b", rf"\1 {self.logs_database}.\2", statement,
                           flags=re.I)
        return re.sub(rf"\b(from|join)\s+({'|'.join(refresh.BY_TABLE)})\b", rf"\1 {self.database}.\2", statement,
                      flags=re.I)

    def span(self, job: refresh.Job, tz: str) -> tuple[date | None, date | None]:
        spans = " union all ".join(f"select min({c}) as lo, max({c}) as hi from {t}"
                                   for t, c in (source.split(".") for source in job.sources))
        row = self.client.query(self._sql(f"select toDate32(min(lo), {{tz:String}}), toDate32(max(hi), {{tz:String}}), "
                                          f"count(lo) from ({spans})"),
                                parameters={"tz": tz}, settings=CLICKHOUSE_SETTINGS).result_rows[0]
        return (row[0], row[1]) if row[2] else (None, None)

    def day_rows(self, sources: tuple[str, ...], lo: date, hi: date, tz: str) -> dict[date, int]:
        rows: dict[date, int] = {}
        for table, column in (source.split(".") for source in sources):
            for day, n in self.client.query(self._sql(
                    f"select toDate32({column}, {{tz:String}}) as day, count() from {table} "
                    f"where {column} >= toDateTime64(toString({{lo:Date32}}), 6, {{tz:String}}) "
                    f"and {column} < toDateTime64(toString({{hi:Date32}} + 1), 6, {{tz:String}}) group by day"),
                    parameters={"tz": tz, "lo": lo, "hi": hi}, settings=CLICKHOUSE_SETTINGS).result_rows:
                rows[day] = rows.get(day, 0) + n
        return rows

    def run(self, job: refresh.Job, lo: date, hi: date, tz: str):
        params = {"day_from": lo, "day_to": hi, "tz": tz}
        statement = self._sql(clickhouse_statement(job.table))
        target = f"{self.database}.{job.table}"
        self.client.command(f"drop table if exists {target}")
        self.client.command(f"create table {target} engine = Memory as {statement}", parameters=params,
                            settings=CLICKHOUSE_SETTINGS)
        return self.client.query_arrow_stream(f"select * from {target}", settings=CLICKHOUSE_SETTINGS)

    def close(self) -> None:
        try:
            self.client.command(f"drop database if exists {self.database}")
        finally:
            self.client.close()


# ---------------------------------------------------------------------------------------------------- sinks

def _cast_select(job: refresh.Job, source: str) -> str:
    """The job's columns, in its table's order and types, from an Arrow stream registered as `source`."""
    columns = [part.split(" ", 1) for part in job.ddl.split(", ")]
    return "select " + ", ".join(f'cast("{n}" as {t}) as "{n}"' for n, t in columns) + f" from {source}"


def _insert(con: duckdb.DuckDBPyConnection, table: str, job: refresh.Job, stream) -> None:
    """Append an Arrow stream of the job's rows to a table, cast to the job's columns, a batch at a time."""
    for batch in _batches(stream):
        con.register("_rows", batch)
        con.execute(f"insert into {table} " + _cast_select(job, "_rows"))
        con.unregister("_rows")


def _batches(stream) -> Iterator:
    """Record batches from a DuckDB Arrow reader or clickhouse-connect's Arrow stream (a context manager)."""
    if hasattr(stream, "__enter__") and not hasattr(stream, "read_next_batch"):
        with stream as batches:
            yield from batches
    else:
        yield from stream


class ParquetSink:
    """Each table as OUT/<table>.parquet (written beside and renamed when the run completes)."""

    def __init__(self, out: Path, tmp: str):
        self.out = out
        self.con = _scratch(tmp)
        for job in refresh.JOBS:
            self.con.execute(f"create table {job.table} ({job.ddl})")

    def put(self, job: refresh.Job, lo: date, hi: date, tz: str, stream) -> None:
        _insert(self.con, job.table, job, stream)

    def close(self) -> None:
        """Write every table, an empty one too (no events on those days is an answer, not a missing file)."""
        self.out.mkdir(parents=True, exist_ok=True)
        for table in refresh.BY_TABLE:
            staging = self.out / f".{table}.{uuid.uuid4().hex}.parquet"
            self.con.execute(f"copy {table} to '{_literal(staging)}' (format parquet, compression zstd)")
            staging.replace(self.out / f"{table}.parquet")
        self.con.close()


class StoreSink:
    """Replace each table's rows of the days run in a store, and take them off its pending list, a run of days
    at a time (as the store's own refresh does)."""

    def __init__(self, db: Path, tmp: str):
        if not db.exists():  # a new store would hold derived tables without their logs, and owe their rebuild
            raise LakeError(f"No audit store at {db}: --db names the store the dashboard reads, whose logs the lake "
                            "holds (load them with ingest first); to write the tables as files, use --out DIR")
        store.check_is_store(db)
        self.con = _scratch(tmp)
        store.attach_for_writing(self.con, db)
        self.con.execute("use store")
        with refresh._transaction(self.con):
            store.ensure_schema(self.con)

    def put(self, job: refresh.Job, lo: date, hi: date, tz: str, stream) -> None:
        self.con.execute(f"create or replace temp table _lake_rows ({job.ddl})")
        _insert(self.con, "_lake_rows", job, stream)
        refresh._run_range(self.con, job, lo, hi, tz, source="select * from _lake_rows")

    def close(self) -> None:
        self.con.close()


# ---------------------------------------------------------------------------------------------------- refresh

@dataclass
class LakeRefreshed:
    table: str
    day_from: date
    day_to: date
    rows: int
    seconds: float


def refresh_lake(engine: str, lake: str | Path | None, day_from: date | None = None, day_to: date | None = None,
                 out: str | Path | None = None, db: str | Path | None = None, progress: Progress = None,
                 clickhouse_url: str | None = None, logs_database: str | None = None) -> list[LakeRefreshed]:
    """Run every refresh job over the lake (or, on ClickHouse, over the logs of logs_database) for day_from..day_to
    (default: each job's days in the logs), in runs of whole days holding at most RUN_ROWS rows of all
    the logs, on the engine; write the tables to OUT or into the store DB."""
    import time

    from dashboard.config import settings

    if engine not in ENGINES:
        raise LakeError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    if logs_database is not None:
        if engine != "clickhouse":
            raise LakeError("--logs-database names a ClickHouse database: it needs --engine clickhouse")
        if lake is not None:
            raise LakeError("the logs come from a lake or from a ClickHouse database: not both")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", logs_database):
            raise LakeError(f"{logs_database!r} is not a ClickHouse database name (letters, digits, _)")
    elif lake is not None:
        _check_folder(Path(lake))
    if logs_database is None and (
            lake is None or not Path(lake).is_dir() or not any((Path(lake) / log).is_dir() for log in LOGS)):
        raise LakeError(f"{lake} is not a lake: it holds none of the folders {', '.join(LOGS)} "
                        "(write one with: python -m dashboard lake export --db STORE --out LAKE)")
    if (out is None) == (db is None):
        raise LakeError("say where the tables go: --out DIR or --db STORE (one of them)")
    if out is not None:
        _check_folder(Path(out))
    tz = settings().timezone
    done: list[LakeRefreshed] = []
    with tempfile.TemporaryDirectory(prefix=f"audit-lake-{os.getpid()}-") as tmp:
        lake = Path(lake) if lake is not None else None
        runner = (DuckDBEngine(lake, tmp) if engine == "duckdb"
                  else ClickHouseEngine(lake, clickhouse_url, logs_database))
        sink = None
        try:
            sink = ParquetSink(Path(out), tmp) if out is not None else StoreSink(Path(db), tmp)
            ranges = {}
            for job in refresh.JOBS:
                first, last = runner.span(job, tz)
                lo, hi = day_from or first, day_to or last
                if lo is not None and hi is not None and lo <= hi:
                    ranges[job.table] = (lo, hi)
            if ranges:
                every_lo = min(lo for lo, _ in ranges.values())
                every_hi = max(hi for _, hi in ranges.values())
                # runs of whole days holding at most RUN_ROWS rows of all the logs, so memory follows a run
                every_log = tuple(f"{log}.{spec.time_column}" for log, spec in LOGS.items())
                counts = runner.day_rows(every_log, every_lo, every_hi, tz)
                for run_lo, run_hi in refresh.runs_of_days(counts, every_lo, every_hi, RUN_ROWS):
                    for job in refresh.JOBS:  # in order: cookie_daily reads cookie_consent of the same run
                        if job.table not in ranges:
                            continue
                        lo, hi = max(run_lo, ranges[job.table][0]), min(run_hi, ranges[job.table][1])
                        if lo > hi:
                            continue
                        if progress:
                            progress(f"{runner.name}: {job.table} {lo}..{hi}")
                        started = time.perf_counter()
                        stream = runner.run(job, lo, hi, tz)
                        counter = _Counted(stream)
                        sink.put(job, lo, hi, tz, counter)
                        _add(done, job.table, lo, hi, counter.rows, time.perf_counter() - started)
            sink.close()
            sink = None
        finally:
            if sink is not None:
                sink.con.close()
            runner.close()
    return done


class _Counted:
    """An Arrow stream that counts the rows passing through."""

    def __init__(self, stream):
        self.stream, self.rows = stream, 0

    def __iter__(self):
        for batch in _batches(self.stream):
            self.rows += batch.num_rows
            yield batch


def _add(done: list[LakeRefreshed], table: str, lo: date, hi: date, rows: int, seconds: float) -> None:
    for d in done:
        if d.table == table:
            d.day_from, d.day_to = min(d.day_from, lo), max(d.day_to, hi)
            d.rows += rows
            d.seconds += seconds
            return
    done.append(LakeRefreshed(table, lo, hi, rows, seconds))
