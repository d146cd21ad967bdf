"""The dashboard's access to the store: read-only, cached by query and parameters, keyed by the store's version."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import polars as pl
import streamlit as st

from dashboard import config, sql, store


def store_path() -> str:
    return str(config.db_path())


_run = threading.local()


@contextmanager
def connection_per_run():
    """Around one script run: the queries that miss the cache share one read-only connection, opened on the
    first miss and closed when the run ends (opening the file costs more than most queries), with the temporary
    tables of shared staging queries, when the page asks for them (share_stagings). Between runs the store is not
    held, so an ingest can take it."""
    _run.path, _run.con, _run.shared = store_path(), None, None
    try:
        yield
    finally:
        if _run.con is not None:
            _run.con.close()  # (its temporary tables go with it)
        _run.path, _run.con, _run.shared = None, None, None


def share_stagings() -> None:
    """For a page whose queries read the same staging query many times with the same parameters (Requests): for the
    rest of this script run they read it from one temporary table on the run's connection
    (sql.SHARED), computed once. Other pages do not ask: a staging read once or twice costs more to keep than to
    compute within the query that needs it (the Overview reads the request states of two periods once each)."""
    if getattr(_run, "path", None) is not None and _run.shared is None:
        _run.shared = set()


@contextmanager
def computed_within() -> Iterator[None]:
    """Queries run in this block compute their staging within themselves, even on a page that shares stagings: a
    staging read once (the Requests page's previous period, for its changes) costs more to keep than to compute (at
    ten times the sample's volume, a year's request states took 1.6 s to keep against 0.7 s within the query)."""
    saved = getattr(_run, "shared", None)
    _run.shared = None
    try:
        yield
    finally:
        _run.shared = saved


def _run_connection(path: str):
    """The script run's connection to the store at path (opened on first use), or None outside a run."""
    if getattr(_run, "path", None) != path:
        return None
    if _run.con is None:
        _run.con = store.open_read_only(path)
    return _run.con


@contextmanager
def _connection(path: str):
    """The script run's connection (its queries run one after another on it) and the shared staging tables it holds,
    or, outside a run (tests, click-time exports), a connection of its own and none."""
    con = _run_connection(path)
    if con is not None:
        yield con, _run.shared
        return
    with store.read_only(path) as own:
        yield own, None


def _query(name: str, params: dict, path: str) -> pl.DataFrame:
    with _connection(path) as (con, shared):
        return sql.run(con, name, shared=shared, **params)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, key: str, path: str, version: tuple, _params: dict) -> pl.DataFrame:
    # key stands for _params: Streamlit's hasher walks every date of the holiday list on every call, this does not.
    return _query(name, _params, path)


def run_query(name: str, **params) -> pl.DataFrame:
    """Run queries/<name>.sql read-only against the store; results are cached by the query's own parameters
    until the store changes."""
    path = store_path()
    own = sql.bind(name, params)
    return _cached(name, sql.cache_key(own), path, store.version(path), own)


@st.cache_data(show_spinner=False, max_entries=8)
def _missing_tables(path: str, version: tuple) -> list[str] | None:
    """The tables the store lacks (checked once per store version); None when there is no usable store."""
    try:
        with _connection(path) as (con, _shared):
            return store.missing_tables(con)
    except Exception:  # noqa: BLE001 - no file, an empty or a foreign one: the page says how to build it
        return None


def store_ready() -> bool:
    """True when the store exists; otherwise the page shows how to build it and stops."""
    path = store_path()
    missing = _missing_tables(path, store.version(path))
    if missing == []:
        return True
    if missing:
        st.warning(f"The store at `{path}` was built by an older version and lacks {', '.join(missing)}. Run "
                   f"`python -m dashboard ingest FILE... --db {path}` once (any log file; already stored rows are "
                   "not added again) to add the missing tables.")
        return False
    st.warning(
        f"There is no audit store at `{path}` yet. Load your logs with "
        f"`python -m dashboard ingest FILE... --db {path}`, or run `make run` to load the bundled sample data. "
        "See README.md for the log formats."
    )
    return False


def run_query_uncached(name: str, **params) -> pl.DataFrame:
    """For exports built when a download is clicked (outside the script run, so outside st.cache_data)."""
    with store.read_only(store_path()) as con:
        return sql.run(con, name, **params)
