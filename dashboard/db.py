"""The dashboard's access to the store: read-only, cached by query and parameters, keyed by the store's version."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import polars as pl
import streamlit as st

from dashboard import config, sql, store
from dashboard.i18n import _


def store_path() -> str:
    return str(config.db_path())


_run = threading.local()


@contextmanager
def connection_per_run():
    """Around one script run: the queries that miss the cache share one read-only connection, opened on the
    first miss and closed when the run ends (opening the file costs more than most queries). Between runs the
    store is not held, so an ingest can take it."""
    _run.path, _run.con = store_path(), None
    try:
        yield
    finally:
        if _run.con is not None:
            _run.con.close()
        _run.path, _run.con = None, None


def _run_connection(path: str):
    """The script run's connection to the store at path (opened on first use), or None outside a run."""
    if getattr(_run, "path", None) != path:
        return None
    if _run.con is None:
        _run.con = store.open_read_only(path)
    return _run.con


@contextmanager
def _connection(path: str):
    """The script run's connection (its queries run one after another on it), or, outside a run (tests, click-time
    exports), a connection of its own."""
    con = _run_connection(path)
    if con is not None:
        yield con
        return
    with store.read_only(path) as own:
        yield own


def _query(name: str, params: dict, path: str) -> pl.DataFrame:
    with _connection(path) as con:
        return sql.run(con, name, **params)


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
        with _connection(path) as con:
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
        st.warning(store.outdated_message(path, missing))
        return False
    st.warning(_("There is no audit store at `{path}` yet. Load your logs with `python -m dashboard ingest FILE... "
                 "--db {path}`, or run `make run` to load the bundled sample data. See README.md for the log formats."
                 ).format(path=path))
    return False


def run_query_uncached(name: str, **params) -> pl.DataFrame:
    """For exports built when a download is clicked (outside the script run, so outside st.cache_data)."""
    with store.read_only(store_path()) as con:
        return sql.run(con, name, **params)
