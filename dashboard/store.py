"""The audit store: a DuckDB file with one table per log, plus rejected_rows and ingest_runs.

Writers (ingest) and readers (the dashboard, the CLI's reports) are separate processes. DuckDB lets a file be
open for writing by one process, or for reading by any number, but not both at once. So both sides hold the file
only briefly and wait, with back-off, while the other side has it: no lock error reaches a user.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from dashboard.contract import LOGS, STORE_TYPES, ENUM_LIST
from dashboard.i18n import _

LOCK_WAIT_SECONDS = float(os.environ.get("AUDIT_LOCK_WAIT", "120"))


class StoreMissing(FileNotFoundError):
    pass


class StoreOutdated(RuntimeError):
    """The store was built by an older version and lacks tables or columns this one reads."""


class NotAStore(ValueError):
    """The path holds a file that is not a DuckDB database (DuckDB would try to read a SQLite file with an
    extension it downloads: the file is checked before DuckDB sees it)."""


def check_is_store(path: str | Path) -> None:
    p = Path(path)
    if p.is_file() and p.stat().st_size > 0:
        with p.open("rb") as fh:
            head = fh.read(12)
        if head[8:12] != b"DUCK":
            raise NotAStore(_("{path} is not a DuckDB audit store: point --db at the store (or at a new file to "
                              "create one)").format(path=p))


def is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _with_retry(open_fn, timeout: float):
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return open_fn()
        except duckdb.IOException as exc:
            if not is_lock_error(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)


@contextmanager
def read_only(path: str | Path, timeout: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store, waiting while an ingest holds it."""
    con = open_read_only(path, timeout)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def read_current(path: str | Path, timeout: float = LOCK_WAIT_SECONDS) -> Iterator[duckdb.DuckDBPyConnection]:
    """read_only(), for the command line: a store an older version built is refused with what to run (a query
    would otherwise fail on the first table or column it lacks). The dashboard says the same on its pages."""
    with read_only(path, timeout) as con:
        missing = missing_tables(con)
        if missing:
            raise StoreOutdated(outdated_message(path, missing))
        yield con


def outdated_message(path: str | Path, missing: list[str]) -> str:
    """What a store an older version built lacks and what adds it (the command line's refusal, the pages' note)."""
    return _("The store at `{path}` was built by an older version and lacks {tables}. Run `python -m dashboard "
             "refresh --db {path}` once to add them (stored rows are kept; loading any file with `python -m dashboard "
             "ingest` adds them too).").format(path=path, tables=", ".join(missing))


def open_read_only(path: str | Path, timeout: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-only connection the caller closes (read_only() is the usual way)."""
    path = Path(path)
    if not path.exists():
        raise StoreMissing(_("No audit store at {path}. Build it with: python -m dashboard ingest FILE... --db {path}"
                             ).format(path=path))
    check_is_store(path)
    return _with_retry(lambda: duckdb.connect(str(path), read_only=True, config=read_config()), timeout)


def read_config() -> dict:
    """The dashboard's read-only connections: a memory limit (AUDIT_READ_MEMORY, default 1GB), past which a large
    aggregate spills to a temporary folder rather than growing the page process."""
    return {"memory_limit": os.environ.get("AUDIT_READ_MEMORY", "1GB"),
            "temp_directory": os.path.join(tempfile.gettempdir(), f"audit-read-{os.getuid()}")}


def attach_for_writing(con: duckdb.DuckDBPyConnection, path: str | Path, alias: str = "store",
                       timeout: float = LOCK_WAIT_SECONDS) -> None:
    """Attach the store read-write to a (staging) connection, waiting while readers hold it."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    check_is_store(path)
    # (type duckdb): never taken for a SQLite or other file, whose reader DuckDB would try to download
    _with_retry(lambda: con.execute("attach $p as " + alias + " (type duckdb)", {"p": str(path)}), timeout)


def table_ddl(alias: str = "store") -> list[str]:
    """create-table statements for every log and the two bookkeeping tables."""
    ddl = []
    for log in LOGS.values():
        cols = []
        for c in log.columns:
            sql_type = "varchar[]" if c.kind == ENUM_LIST else STORE_TYPES[c.kind]
            cols.append(f'"{c.name}" {sql_type}')
        cols.append("ingest_run_id bigint")
        ddl.append(f"create table if not exists {alias}.{log.name} ({', '.join(cols)})")
    ddl.append(
        f"""create table if not exists {alias}.ingest_runs (
            run_id bigint, file varchar, log varchar, format varchar, sha256 varchar,
            rows_read bigint, rows_accepted bigint, rows_rejected bigint, rows_duplicate bigint,
            started_at timestamptz, finished_at timestamptz, refused varchar, unloaded_at timestamptz,
            import_report varchar)"""
    )
    ddl.append(
        f"""create table if not exists {alias}.rejected_rows (
            run_id bigint, file varchar, sha256 varchar, log varchar, row_number bigint,
            column_name varchar, reason varchar, row_json varchar)"""
    )
    return ddl


def ensure_schema(con: duckdb.DuckDBPyConnection, alias: str = "store") -> None:
    for statement in table_ddl(alias):
        con.execute(statement)
    # Columns added since the first version (a store built before them gets them, empty).
    for column, sql_type in (("refused", "varchar"), ("unloaded_at", "timestamptz"), ("import_report", "varchar"),
                             ("rejections_complete", "boolean"), ("rejections_from", "bigint")):
        con.execute(f"alter table {alias}.ingest_runs add column if not exists {column} {sql_type}")
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = $a", {"a": alias}).fetchall()}
    columns = {(r[0], r[1]) for r in con.execute(
        "select table_name, column_name from information_schema.columns where table_catalog = $a",
        {"a": alias}).fetchall()}
    from dashboard import refresh  # derived tables: created here, filled by their refresh jobs after the commit

    refresh.create_tables(con, alias, present, columns)


def version(path: str | Path) -> tuple[int, int, int]:
    """(modified, size, write-ahead log modified): changes whenever the store does; keys cached results."""
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        return (0, 0, 0)
    wal = Path(str(path) + ".wal")
    return (st.st_mtime_ns, st.st_size, wal.stat().st_mtime_ns if wal.exists() else 0)


def missing_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The store's tables that this version expects but the file lacks (an older store, before a log was added)."""
    from dashboard import refresh

    expected = [*LOGS, "ingest_runs", "rejected_rows", *refresh.BY_TABLE, "refresh_pending", "refresh_state",
                "ingest_runs.refused", "ingest_runs.unloaded_at", "ingest_runs.rejections_complete",
                "request_rollup.requested_at", "request_rollup.first_at", "request_rollup.closed_day",
                "hold_rollup.released_day"]
    # (ingest_runs.import_report is optional: Data quality says so)
    present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    present |= {f"{t}.{c}" for t, c in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_name in ('ingest_runs', 'request_rollup', 'hold_rollup')").fetchall()}
    return [t for t in expected if t not in present]
