"""The dashboard's access to the store: read-only, cached by query and parameters, keyed by the store's version."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import config, sql, store


def store_path() -> str:
    return str(config.db_path())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, params: dict, path: str, version: tuple) -> pl.DataFrame:
    # The connection is opened per query and closed at once, so an ingest can take the store between queries.
    with store.read_only(path) as con:
        return sql.run(con, name, **params)


def run_query(name: str, **params) -> pl.DataFrame:
    """Run queries/<name>.sql read-only against the store; results are cached by the query's own parameters
    until the store changes."""
    path = store_path()
    return _cached(name, sql.bind(name, params), path, store.version(path))


@st.cache_data(show_spinner=False, max_entries=8)
def _missing_tables(path: str, version: tuple) -> list[str] | None:
    """The tables the store lacks (checked once per store version); None when there is no usable store."""
    try:
        return store.missing_tables(path)
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
