"""Named queries: queries/<name>.sql, run with bound $parameters and returned as polars frames.

A query may build on another with `{{ ref('name') }}` (as in dbt): the referenced query is inlined as a
subquery, so a rule such as a request's deadline is written once, in its own file, and every query that needs it
refers to that file. `{{ ref('name', flag=true) }}` also fixes the referenced query's `$flag` to that literal. No streamlit here, so the CLI, the pages and the tests run exactly the same SQL.

Several queries of one page build on the same staging query with the same parameters (the Requests page's figures,
charts and lists all read `stg_request_states` for the period). A caller that runs them on one connection may pass a
set it keeps for that connection (`run(..., shared=tables)`): a query's own refs to a SHARED staging query then read
a temporary table computed once per connection and parameters, rather than computing the staging again. The SQL of
the staging is the same; only where its rows are held differs. Keeping the rows costs more than one query computing
them (about 0.18 s against 0.13 s for a year of the 1x request log), so only a page that reads them many times asks
for it (db.share_stagings).
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
from pathlib import Path

import duckdb
import polars as pl

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_PARAM = re.compile(r"(?<![:$\w])\$([a-zA-Z_]\w*)")
_REF = re.compile(r"\{\{\s*ref\(\s*'([a-z0-9_]+)'((?:\s*,\s*[a-z_]+\s*=\s*(?:true|false))*)\s*\)\s*\}\}")
_REF_ARG = re.compile(r"([a-z_]+)\s*=\s*(true|false)")


class QueryError(ValueError):
    pass


# Staging queries worth computing once for several queries (see above); their temporary tables live as long as the
# connection that made them.
# (The Legal holds page read stg_hold_states six times from one such table until hold_rollup kept each hold's days:
# at ten times the sample's volume, 673 000 holds, keeping them then cost more than computing them in each query,
# whose filters DuckDB pushes into the staging: a year's page 0.51 -> 0.44 s cold, a quarter's 0.47 -> 0.34 s.)
SHARED = frozenset({"stg_request_states"})

# When a list, every run appends (name, params, seconds): the benchmark uses it to see what a page queried.
TRACE: list | None = None


@functools.cache
def _source(name: str) -> str:
    """The text of queries/<name>.sql as written, refs not yet inlined."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise QueryError(f"bad query name {name!r}")
    path = QUERY_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no query named {name!r} in {QUERY_DIR}")
    return path.read_text(encoding="utf-8")


@functools.cache
def load(name: str) -> str:
    return _REF.sub(_inline, _source(name))


def _inline(ref: re.Match) -> str:
    """A referenced query as a subquery; ref('name', flag=true) also writes the flag's value for its $flag (a
    choice the referring query makes, such as counts per day rather than rows, fixed when the SQL is written)."""
    text = load(ref.group(1))
    for key, value in _REF_ARG.findall(ref.group(2)):
        if not re.search(rf"\${key}\b", text):
            raise QueryError(f"query {ref.group(1)} has no ${key} for ref(..., {key}=...)")
        text = re.sub(rf"\${key}\b", value, text)
    return "(\n" + text + "\n)"


def _parameters_of(text: str) -> frozenset[str]:
    return frozenset(_PARAM.findall(re.sub(r"--[^\n]*", "", text)))


@functools.cache
def parameters(name: str) -> frozenset[str]:
    """The $parameters a query uses (comments ignored)."""
    return _parameters_of(load(name))


def bind(name: str, params: dict, wanted: frozenset[str] | None = None) -> dict:
    """The parameters this query takes, from a bundle a caller passes; the time zone defaults to the setting.

    A page passes one bundle (period, reference lists) to all its queries, and each takes its own. (wanted: the
    parameters of the text actually run, when it differs from the query's own.)"""
    from dashboard.config import settings

    wanted = parameters(name) if wanted is None else wanted
    own = {k: v for k, v in params.items() if k in wanted}
    if "tz" in wanted:
        own.setdefault("tz", settings().timezone)
    missing = wanted - own.keys()
    if missing:
        raise QueryError(f"query {name}: missing parameters {sorted(missing)}")
    return own


def cache_key(params: dict) -> str:
    """A short, stable digest of bound parameters (dates, lists, dicts and scalars all have a stable repr)."""
    return hashlib.blake2b(repr(sorted(params.items())).encode(), digest_size=16).hexdigest()


def names() -> list[str]:
    return sorted(p.stem for p in QUERY_DIR.glob("*.sql"))


def _with_shared(con: duckdb.DuckDBPyConnection, name: str, params: dict, shared: set[str]) -> str:
    """The query's text with each of its own refs to a SHARED staging query replaced by a temporary table on con,
    made here unless this connection already holds it for the same parameters (a ref with flags is inlined)."""
    def replace(ref: re.Match) -> str:
        target = ref.group(1)
        if target not in SHARED or ref.group(2).strip():
            return _inline(ref)
        own = bind(target, params)
        table = f"shared_{target}_{cache_key(own)}"  # (a digest: the name holds no value of a parameter)
        if table not in shared:
            con.execute(f"create or replace temp table {table} as {load(target)}", own)
            shared.add(table)
        return f"temp.main.{table}"

    return _REF.sub(replace, _source(name))


def run(con: duckdb.DuckDBPyConnection, name: str, shared: set[str] | None = None, **params) -> pl.DataFrame:
    """Run a named query with its parameters bound (never formatted into the SQL); a missing one is an error.
    shared: the temporary tables of SHARED staging queries this connection holds (the caller keeps the set for the
    connection's life), so that the queries of one page compute a staging once."""
    started = time.perf_counter()
    if shared is None:
        text, own = load(name), bind(name, params)
    else:
        text = _with_shared(con, name, params, shared)
        own = bind(name, params, _parameters_of(text))
    result = con.sql(text, params=own).pl()
    if TRACE is not None:  # (the query's own parameters, staging included: the benchmark runs it again alone)
        TRACE.append((name, own if shared is None else bind(name, params), time.perf_counter() - started))
    return result

