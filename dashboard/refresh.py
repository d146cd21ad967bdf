"""Refresh jobs: every derived table is the output of one SQL statement over the logs, run for a range of days.

A job is `queries/job_<table>.sql`: a plain select over the logs (or over a job before it) for the local days
$day_from..$day_to. Refreshing a range replaces the table's rows of those days with the statement's rows, in one
transaction per run of whole days holding at most CHUNK_ROWS source rows (a day holding more is a run of its own),
so a year's refresh runs in the memory of a few million rows.

Ingest and unload do not refresh inside their own transaction: they record which days each job must redo (the
table refresh_pending, written in the same transaction as the rows), and the refresh runs after they commit. An
interrupted refresh leaves its days pending, a page says so, and the next ingest or `python -m dashboard refresh`
redoes them. docs/refresh.md tells which table serves which figure.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from dashboard import sql, store
from dashboard.i18n import _


@dataclass(frozen=True)
class Job:
    table: str
    ddl: str              # the table's columns
    day_column: str       # the instant (or local day) that places a row on a day of the range
    sources: tuple[str, ...]  # the logs whose days the job covers: "table.column"
    run_rows: int | None = None  # fewer rows per run than CHUNK_ROWS, where the job runs faster so (below)

    @property
    def scope(self) -> str:
        """The rows of the table that the job's statement makes for $day_from..$day_to."""
        if self.day_column == "day":
            return "day >= $day_from and day <= $day_to"
        return (f"{self.day_column} >= timezone($tz, cast($day_from as timestamp)) and {self.day_column} < "
                "timezone($tz, cast($day_to as timestamp) + interval 1 day)")


# In the order they run: cookie_daily reads cookie_consent.
JOBS = (
    Job("cookie_consent",
        "event_id varchar, observed_at timestamptz, visitor_ref varchar, cookie_name varchar, page varchar, "
        "consent_action varchar, consent_at timestamptz, functional boolean, analytics boolean",
        "observed_at", ("cookie_observations.observed_at",)),
    Job("request_rollup",
        "request_id varchar, received_at timestamptz, request_type varchar, channel varchar, subject_ref varchar, "
        "verified_at timestamptz, extended_at timestamptz, closed_at timestamptz, outcome varchar, "
        "requested_at timestamptz, first_at timestamptz, received_day date, requested_day date, verified_day date, "
        "extended_day date, closed_day date",
        "first_at", ("dsr_events.occurred_at",)),
    Job("hold_rollup",
        "hold_id varchar, placed_at timestamptz, request_id varchar, subject_ref varchar, data_category varchar, "
        "legal_basis varchar, record_count bigint, retain_until date, released_at timestamptz, "
        "first_release_at timestamptz, first_at timestamptz, placed_day date, released_day date",
        "first_at", ("hold_events.occurred_at",)),
    Job("consent_daily",
        "day date, banner_version varchar, device varchar, browser varchar, country varchar, events bigint, "
        "shown bigint, decisions bigint, analytics bigint, functional bigint, accept_all bigint, reject_all bigint, "
        "custom bigint, custom_all_granted bigint, withdrawals bigint, visits_shown bigint, visits_decided bigint, "
        "decisions_without_shown bigint, group_visits_shown bigint, group_visits_decided bigint, "
        "group_decisions_without_shown bigint",
        "day", ("consent_events.occurred_at",), run_rows=1_000_000),
    Job("cookie_daily",
        "day date, cookie_name varchar, analytics_granted boolean, functional_granted boolean, "
        "observations bigint, visitors bigint",
        "day", ("cookie_observations.observed_at",)),
    Job("transfer_daily",
        "day date, recipient varchar, recipient_type varchar, country varchar, mechanism varchar, "
        "legal_basis varchar, purpose varchar, data_categories varchar[], transfers bigint, records bigint",
        "day", ("transfers.occurred_at",)),
    Job("log_days",
        "log_name varchar, day date, events bigint, first_at timestamptz, last_at timestamptz",
        "day", ("dsr_events.occurred_at", "hold_events.occurred_at", "transfers.occurred_at",
                "consent_events.occurred_at", "cookie_observations.observed_at")),
)
BY_TABLE = {job.table: job for job in JOBS}
# The logs whose derived table has one row per thing (request, hold), placed on the day of its first event.
KEYED = {"dsr_events": ("request_id", "request_rollup"), "hold_events": ("hold_id", "hold_rollup")}

BOOKKEEPING = (
    # Days a job still has to redo (day_from null: every day, a rebuild; day_to null: up to the last day with data).
    "create table if not exists {alias}.refresh_pending (job varchar, day_from date, day_to date, "
    "queued_at timestamptz, run_id bigint)",
    # What each job's table holds: the time zone of its days, and when it was last brought up to date.
    "create table if not exists {alias}.refresh_state (job varchar, tz varchar, refreshed_at timestamptz)",
)


def _tz() -> str:
    from dashboard.config import settings
    return settings().timezone


def create_tables(con: duckdb.DuckDBPyConnection, alias: str, present: set[str], columns: set[tuple[str, str]]
                  ) -> None:
    """Create the derived tables a store lacks (or has from before a column was added) and queue their rebuild."""
    for statement in BOOKKEEPING:
        con.execute(statement.format(alias=alias))
    for job in JOBS:
        wanted = [part.split()[0] for part in job.ddl.split(", ")]
        if job.table in present and any((job.table, c) not in columns for c in wanted):
            con.execute(f"drop table {alias}.{job.table}")
            present.discard(job.table)
        if job.table not in present:
            con.execute(f"create table {alias}.{job.table} ({job.ddl})")
            logs = sorted({source.split(".")[0] for source in job.sources})
            # (a new store's logs are empty: nothing to rebuild, and the rows it is created for queue their days)
            if con.execute("select " + " or ".join(f"exists (from {alias}.{log})" for log in logs)).fetchall()[0][0]:
                queue(con, job.table, None, None, alias=alias)


def queue(con: duckdb.DuckDBPyConnection, table: str, day_from: date | None, day_to: date | None,
          run_id: int | None = None, alias: str | None = "store") -> None:
    """Owe a job the days day_from..day_to (None: every day; day_to None: up to the last day with data)."""
    con.execute(f"insert into {alias + '.' if alias else ''}refresh_pending values ($job, $lo, $hi, now(), $run)",
                {"job": table, "lo": day_from, "hi": day_to, "run": run_id})


def _local_day(column: str) -> str:
    return f"cast(timezone($tz, {column}) as date)"


def mark_run(con: duckdb.DuckDBPyConnection, log: str, run_id: int, alias: str = "store") -> None:
    """Note what a run's rows touch, while they are in the store (before an unload deletes them, after an ingest
    adds them): their days, and for request events their requests. queue_marked() turns it into pending days."""
    time_column = "observed_at" if log == "cookie_observations" else "occurred_at"
    choice = "action in ('accept_all', 'reject_all', 'custom', 'withdraw')" if log == "consent_events" else "true"
    con.execute(
        f"create or replace temp table _run_days as select min({_local_day(time_column)}) as lo, "
        f"max({_local_day(time_column)}) as hi, min({_local_day(time_column)}) filter (where {choice}) as choice_lo "
        f"from {alias}.{log} where ingest_run_id = $run", {"run": run_id, "tz": _tz()})
    if log in KEYED:
        key = KEYED[log][0]
        con.execute(f"create or replace temp table _run_keys as select distinct {key} from {alias}.{log} "
                    "where ingest_run_id = $run", {"run": run_id})


def queue_marked(con: duckdb.DuckDBPyConnection, log: str, run_id: int, alias: str = "store") -> None:
    """Queue the days each job must redo after the run's rows were added or taken out (mark_run before)."""
    lo, hi, choice_lo = con.execute("select lo, hi, choice_lo from _run_days").fetchall()[0]
    if lo is None:
        return  # the run stored nothing
    queue(con, "log_days", lo, hi, run_id, alias)
    if log == "cookie_observations":
        queue(con, "cookie_consent", lo, hi, run_id, alias)
        queue(con, "cookie_daily", lo, hi, run_id, alias)
    elif log == "consent_events":
        queue(con, "consent_daily", lo, hi, run_id, alias)
        if choice_lo is not None:  # a decision changes the consent in force from then on
            queue(con, "cookie_consent", choice_lo, None, run_id, alias)
            queue(con, "cookie_daily", choice_lo, None, run_id, alias)
    elif log == "transfers":
        queue(con, "transfer_daily", lo, hi, run_id, alias)
    elif log in KEYED:
        # A request's (a hold's) row sits on the day of its first event: redo both the day it sat on and the day it
        # sits on now (an earlier event added, or its first event unloaded, moves it).
        key, table = KEYED[log]
        span = con.execute(
            f"""select min(d), max(d) from (
                select {_local_day('first_at')} as d from {alias}.{table}
                where {key} in (select {key} from _run_keys)
                union all
                select {_local_day('min(occurred_at)')} from {alias}.{log}
                where {key} in (select {key} from _run_keys) group by {key})""",
            {"tz": _tz()}).fetchall()[0]
        if span[0] is not None:
            queue(con, table, span[0], span[1], run_id, alias)


def pending(con: duckdb.DuckDBPyConnection) -> list[tuple[str, date | None, date | None]]:
    """(job, first day, last day) still to redo; None for a rebuild (from) or up to the last day (to)."""
    return con.execute("select job, day_from, day_to from refresh_pending order by job, day_from nulls first"
                       ).fetchall()


def pending_words(pending: list[tuple]) -> str:
    """(table, first day, last day, rebuild) rows of store_refresh_pending as words in the current language: what
    the page and the report say while a refresh is owed."""
    from dashboard import labels

    parts = []
    for table, first, last, rebuild in pending:
        if rebuild:
            parts.append(_("{table}: all days").format(table=labels.word(table)))
        else:
            parts.append(_("{table}: {first} – {last}").format(table=labels.word(table), first=first,
                                                              last=last or _("the last day")))
    return "; ".join(parts)


# The most source rows one refresh transaction reads: days are joined into a run while they hold at most this many
# rows of the job's logs (a day holding more is a run of its own), so a statement's fixed cost is paid once for many
# small days and memory follows the rows of a run, however many a month holds (a month of a large retailer's cookie
# observations does not fit the default memory in one as-of join). Each run pays a fixed cost (cookie_consent reads
# the consent log for the run's visitors), so fewer larger runs are faster while they fit: at ten times the sample's
# volume and the default 600 MB, cookie_consent over 86 days took 64 s in 4-million-row runs and 53 s in 8-million
# ones, at the same peak memory (767 / 772 MB; the as-of join spills to disk either way); 16 million gained no more.
CHUNK_ROWS = 8_000_000
# consent_daily groups every event by visitor and day: a run of 8 million events outgrows the default memory and
# spills (10.25 million events, two runs: 11.6 s), one of a million does not (eleven runs: 5.4 s; 0.5 million 5.7 s).


def day_rows(con: duckdb.DuckDBPyConnection, sources: tuple[str, ...], lo: date, hi: date, tz: str
             ) -> dict[date, int]:
    """Rows of the sources ("table.column") on each local day lo..hi that has any."""
    rows: dict[date, int] = {}
    for table, column in (source.split(".") for source in sources):
        for day, n in con.execute(
                f"select {_local_day(column)}, count(*) from {table} "
                f"where {column} >= timezone($tz, cast($lo as timestamp)) "
                f"and {column} < timezone($tz, cast($hi as timestamp) + interval 1 day) group by all",
                {"tz": tz, "lo": lo, "hi": hi}).fetchall():
            rows[day] = rows.get(day, 0) + n
    return rows


def runs_of_days(rows: dict[date, int], lo: date, hi: date, most: int | None = None) -> Iterator[tuple[date, date]]:
    """lo..hi cut into runs of whole days that together cover every day (a day without rows may still hold derived
    rows to delete), each holding at most `most` rows (default CHUNK_ROWS) unless it is a single day."""
    most = CHUNK_ROWS if most is None else most
    start, read = lo, 0
    for day in sorted(d for d in rows if lo <= d <= hi):
        if read and read + rows[day] > most:
            yield start, day - timedelta(days=1)
            start, read = day, 0
        read += rows[day]
    yield start, hi


def _chunks(con: duckdb.DuckDBPyConnection, job: Job, lo: date, hi: date, tz: str) -> Iterator[tuple[date, date]]:
    """lo..hi in runs of whole days, each with at most CHUNK_ROWS rows of the job's sources (or its own run_rows)."""
    if lo == hi:
        yield lo, hi
        return
    most = min(CHUNK_ROWS, job.run_rows or CHUNK_ROWS)
    yield from runs_of_days(day_rows(con, job.sources, lo, hi, tz), lo, hi, most)


def _source_days(con: duckdb.DuckDBPyConnection, job: Job, tz: str) -> tuple[date | None, date | None]:
    spans = " union all ".join(f"select min({c}) as lo, max({c}) as hi from {t}"
                               for t, c in (source.split(".") for source in job.sources))
    return con.execute(f"select {_local_day('min(lo)')}, {_local_day('max(hi)')} from ({spans})",
                       {"tz": tz}).fetchall()[0]


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """All of the block or none of it."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


def _plan(con: duckdb.DuckDBPyConnection, job: Job, tz: str) -> list[tuple[date, date]]:
    """Merge the job's pending rows into disjoint ranges of real days, in one transaction: a rebuild empties the
    table first (its days stay pending until each run of days is redone)."""
    merged: list[list[date]] = []
    with _transaction(con):
        rows = con.execute("select day_from, day_to from refresh_pending where job = $j", {"j": job.table}
                           ).fetchall()
        if not rows:
            return []
        first, last = _source_days(con, job, tz)
        if any(lo is None for lo, _ in rows):
            con.execute(f"delete from {job.table}")
            rows = [(first, last)] if first is not None else []
        for lo, hi in sorted((lo, hi if hi is not None else max(lo, last or lo)) for lo, hi in rows):
            if merged and lo <= merged[-1][1] + timedelta(days=1):
                merged[-1][1] = max(merged[-1][1], hi)
            else:
                merged.append([lo, hi])
        con.execute("delete from refresh_pending where job = $j", {"j": job.table})
        for lo, hi in merged:
            queue(con, job.table, lo, hi, alias=None)
    return [(lo, hi) for lo, hi in merged]


def _run_range(con: duckdb.DuckDBPyConnection, job: Job, lo: date, hi: date, tz: str, source: str | None = None
               ) -> None:
    """Replace the table's rows of lo..hi with the job's (or with those of a select the caller made, such as a
    lake refresh's on another engine), and take those days off the pending list, at once."""
    params = {"day_from": lo, "day_to": hi, "tz": tz}
    statement = source or sql.load(f"job_{job.table}")
    with _transaction(con):
        con.execute(f"delete from {job.table} where {job.scope}",
                    {k: v for k, v in params.items() if f"${k}" in job.scope})
        con.execute(f"insert into {job.table} " + statement,
                    {k: v for k, v in params.items() if f"${k}" in statement})
        con.execute("update refresh_pending set day_from = $next where job = $j and day_from = $lo",
                    {"next": hi + timedelta(days=1), "j": job.table, "lo": lo})
        con.execute("delete from refresh_pending where job = $j and day_from > day_to", {"j": job.table})
        con.execute("delete from refresh_state where job = $j", {"j": job.table})
        con.execute("insert into refresh_state values ($j, $tz, now())", {"j": job.table, "tz": tz})


def _check_time_zone(con: duckdb.DuckDBPyConnection, tz: str) -> None:
    """Tables built in another time zone (AUDIT_TZ changed) hold other days: rebuild them all."""
    stale = [r[0] for r in con.execute("select job from refresh_state where tz <> $tz", {"tz": tz}).fetchall()]
    for table in stale:
        with _transaction(con):
            con.execute("delete from refresh_pending where job = $j", {"j": table})
            queue(con, table, None, None, alias=None)
            con.execute("delete from refresh_state where job = $j", {"j": table})


@dataclass
class Refreshed:
    table: str
    day_from: date
    day_to: date


def run_pending_on(con: duckdb.DuckDBPyConnection, progress: Callable[[str], None] | None = None
                   ) -> list[Refreshed]:
    """Run every job's pending days on an open read-write connection whose default database is the store."""
    tz = _tz()
    _check_time_zone(con, tz)
    done = []
    owed = {r[0] for r in con.execute("select distinct job from refresh_pending").fetchall()}
    for job in (job for job in JOBS if job.table in owed):  # (no job queues another)
        for lo, hi in _plan(con, job, tz):
            for chunk_lo, chunk_hi in _chunks(con, job, lo, hi, tz):
                if progress:
                    progress(f"refreshing {job.table} {chunk_lo}..{chunk_hi}")
                _run_range(con, job, chunk_lo, chunk_hi, tz)
            done.append(Refreshed(job.table, lo, hi))
    return done


def run_pending(db: str | Path, progress: Callable[[str], None] | None = None,
                day_from: date | None = None, day_to: date | None = None, everything: bool = False
                ) -> list[Refreshed]:
    """Open the store for writing (waiting while readers hold it) and run what is pending; with a range or
    everything=True, queue that first (for every job)."""
    if not Path(db).exists():
        raise store.StoreMissing(_("No audit store at {path}.").format(path=db))
    store.check_is_store(db)
    limit = os.environ.get("AUDIT_INGEST_MEMORY", "600MB")
    with tempfile.TemporaryDirectory(prefix=f"audit-refresh-{os.getpid()}-") as tmp:
        con = duckdb.connect(config={"temp_directory": tmp, "memory_limit": limit})
        try:
            store.attach_for_writing(con, db)  # waits while readers hold the store
            con.execute("use store")  # the jobs name the logs and tables unqualified (as on any engine)
            with _transaction(con):
                store.ensure_schema(con)
                for job in JOBS if everything or day_from or day_to else ():
                    if everything:
                        queue(con, job.table, None, None, alias=None)
                        continue
                    first, last = _source_days(con, job, _tz())
                    lo, hi = day_from or first, day_to or last
                    if lo is not None and hi is not None and lo <= hi:
                        queue(con, job.table, lo, hi, alias=None)
            return run_pending_on(con, progress)
        finally:
            con.close()
