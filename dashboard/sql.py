"""Named queries: queries/<name>.sql, run with bound $parameters and returned as polars frames.

A query may build on another with `{{ ref('name') }}` (as in dbt): the referenced query is inlined as a
subquery, so a rule such as a request's deadline is written once, in its own file, and every query that needs it
refers to that file. `{{ ref('name', flag=true) }}` also fixes the referenced query's `$flag` to that literal. No
streamlit here, so the CLI, the pages and the tests run exactly the same SQL.
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


@functools.cache
def parameters(name: str) -> frozenset[str]:
    """The $parameters a query uses (comments ignored)."""
    return frozenset(_PARAM.findall(re.sub(r"--[^\n]*", "", load(name))))


def bind(name: str, params: dict) -> dict:
    """The parameters this query takes, from a bundle a caller passes; the time zone defaults to the setting.

    A page passes one bundle (period, reference lists) to all its queries, and each takes its own."""
    from dashboard.config import settings

    wanted = parameters(name)
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


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """Run a named query with its parameters bound (never formatted into the SQL); a missing one is an error."""
    started = time.perf_counter()
    own = bind(name, params)
    result = con.sql(load(name), params=own).pl()
    if TRACE is not None:  # (the query's own parameters, staging included: the benchmark runs it again alone)
        TRACE.append((name, own, time.perf_counter() - started))
    return result

