"""The audit store: a DuckDB file with one table per log, plus rejected_rows and ingest_runs.

Writers (ingest) and readers (the dashboard, the CLI's reports) are separate processes. DuckDB lets a file be
open for writing by one process, or for reading by any number, but not both at once. So both sides hold the file
only briefly and wait, with back-off, while the other side has it: no lock error reaches a user.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

from dashboard.contract import LOGS, STORE_TYPES, ENUM_LIST

LOCK_WAIT_SECONDS = float(os.environ.get("AUDIT_LOCK_WAIT", "120"))


class StoreMissing(FileNotFoundError):
    pass


class NotAStore(ValueError):
    """The path holds a file that is not a DuckDB database (DuckDB would try to read a SQLite file with an
    extension it downloads: the file is checked before DuckDB sees it)."""


def check_is_store(path: str | Path) -> None:
    p = Path(path)
    if p.is_file() and p.stat().st_size > 0:
        with p.open("rb") as fh:
            head = fh.read(12)
        if head[8:12] != b"DUCK":
            raise NotAStore(f"{p} is not a DuckDB audit store: point --db at the store (or at a new file to "
                            "create one)")


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


def open_read_only(path: str | Path, timeout: float = LOCK_WAIT_SECONDS) -> duckdb.DuckDBPyConnection:
    """A read-only connection the caller closes (read_only() is the usual way)."""
    path = Path(path)
    if not path.exists():
        raise StoreMissing(f"No audit store at {path}. Build it with: python -m dashboard ingest FILE... --db {path}")
    check_is_store(path)
    return _with_retry(lambda: duckdb.connect(str(path), read_only=True), timeout)


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


# Derived at ingest (never loaded from files), each recomputed in the ingest's transaction for what a file touches:
# - cookie_consent: each cookie observation with the consent in force at that moment (an ASOF join);
# - request_rollup: one row per request with the first event of each kind. A state as of any day follows from it:
#   the first event of a kind on or before that day is the first event of that kind, if it is on or before it.
DERIVED = {
    "cookie_consent": """
    create table {alias}.cookie_consent (
        event_id varchar, observed_at timestamptz, visitor_ref varchar, cookie_name varchar, page varchar,
        consent_action varchar, consent_at timestamptz, functional boolean, analytics boolean)""",
    "request_rollup": """
    create table {alias}.request_rollup (
        request_id varchar, received_at timestamptz, request_type varchar, channel varchar, subject_ref varchar,
        verified_at timestamptz, extended_at timestamptz, closed_at timestamptz, outcome varchar,
        requested_at timestamptz)""",
}

REFRESH = {
    "cookie_consent": """
    insert into {alias}.cookie_consent
    select o.event_id, o.observed_at, o.visitor_ref, o.cookie_name, o.page,
           ch.action, ch.occurred_at, ch.functional, ch.analytics
    from (select * from {alias}.cookie_observations where {scope}) as o
    asof left join (
        select visitor_ref, occurred_at, action, functional, analytics
        from {alias}.consent_events
        where action in ('accept_all', 'reject_all', 'custom', 'withdraw') and {scope}
    ) as ch on o.visitor_ref = ch.visitor_ref and o.observed_at >= ch.occurred_at
""",
    "request_rollup": """
    insert into {alias}.request_rollup
    select
        request_id,
        min(occurred_at) filter (where event = 'received'),
        arg_min(request_type, occurred_at) filter (where event = 'received'),
        arg_min(channel, occurred_at) filter (where event = 'received'),
        arg_min(subject_ref, occurred_at) filter (where event = 'received'),
        min(occurred_at) filter (where event = 'identity_verified'),
        min(occurred_at) filter (where event = 'extended'),
        min(occurred_at) filter (where event in ('completed', 'rejected', 'withdrawn')),
        arg_min(event, occurred_at) filter (where event in ('completed', 'rejected', 'withdrawn')),
        min(occurred_at) filter (where event = 'identity_requested'),
    from {alias}.dsr_events
    where {scope}
    group by request_id
    order by 2
""",
}
KEY = {"cookie_consent": "visitor_ref", "request_rollup": "request_id"}


def ensure_schema(con: duckdb.DuckDBPyConnection, alias: str = "store") -> None:
    for statement in table_ddl(alias):
        con.execute(statement)
    # Columns added since the first version (a store built before them gets them, empty).
    for column, sql_type in (("refused", "varchar"), ("unloaded_at", "timestamptz"), ("import_report", "varchar")):
        con.execute(f"alter table {alias}.ingest_runs add column if not exists {column} {sql_type}")
    present = {r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_catalog = $a", {"a": alias}).fetchall()}
    columns = {(r[0], r[1]) for r in con.execute(
        "select table_name, column_name from information_schema.columns where table_catalog = $a",
        {"a": alias}).fetchall()}
    for name, ddl in DERIVED.items():
        if name in present and any(t == name and c not in columns for t, c in _derived_columns(name)):
            con.execute(f"drop table {alias}.{name}")  # from before a column was added: rebuilt below
            present.discard(name)
        if name not in present:  # a store from before this table: build it from what is stored
            con.execute(ddl.format(alias=alias))
            con.execute(REFRESH[name].format(alias=alias, scope="true"))


def _derived_columns(name: str) -> list[tuple[str, str]]:
    """(table, column) for each column the derived table's DDL declares."""
    body = DERIVED[name].split("(", 1)[1].rsplit(")", 1)[0]
    return [(name, part.split()[0]) for part in body.split(",") if part.strip()]


# Which derived table each log feeds, and the key of its rows there.
FEEDS = {"cookie_observations": "cookie_consent", "consent_events": "cookie_consent", "dsr_events": "request_rollup"}


def refresh_for_run(con: duckdb.DuckDBPyConnection, log: str, run_id: int, alias: str = "store") -> None:
    """Recompute the derived rows a load (or an unload) of run_id touched."""
    table = FEEDS.get(log)
    if table is None:
        return
    keys = f"select {KEY[table]} from {alias}.{log} where ingest_run_id = {int(run_id)}"
    if log == "consent_events":  # only visitors with observations have anything to recompute
        keys += f" intersect select visitor_ref from {alias}.cookie_observations"
    refresh(con, table, keys, alias)


def refresh(con: duckdb.DuckDBPyConnection, table: str, keys_sql: str, alias: str = "store") -> None:
    """Recompute the derived table's rows for the keys keys_sql selects (the visitors or requests of the rows just
    ingested), inside the caller's transaction, from only their history."""
    key = KEY[table]
    con.execute(f"create or replace temp table _touched as select distinct {key} from ({keys_sql})")
    con.execute(f"delete from {alias}.{table} where {key} in (select {key} from _touched)")
    con.execute(REFRESH[table].format(alias=alias, scope=f"{key} in (select {key} from _touched)"))
    con.execute("drop table _touched")


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
    expected = [*LOGS, "ingest_runs", "rejected_rows", *DERIVED, "ingest_runs.refused", "ingest_runs.unloaded_at",
                "request_rollup.requested_at"]  # ingest_runs.import_report is optional: Data quality says so
    present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    present |= {f"{t}.{c}" for t, c in con.execute(
        "select table_name, column_name from information_schema.columns "
        "where table_name in ('ingest_runs', 'request_rollup')").fetchall()}
    return [t for t in expected if t not in present]
