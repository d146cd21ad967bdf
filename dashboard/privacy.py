"""The privacy guard: values that look like a raw personal identifier where a pseudonym belongs.

A Swedish personal identity number (personnummer) or co-ordination number (samordningsnummer) is 10 or 12 digits,
optionally with a '-' or '+' before the last four, whose last digit is a Luhn check digit over the ten-digit form.
An e-mail address is anything of the shape local@domain.tld.

The rule is written once, as DuckDB macros: ingest applies it to millions of rows inside DuckDB, and
identifier_kind() applies the very same rule to a single value (the tests use it to probe the rule; a future
filter on pseudonyms would use it to refuse a raw identifier).
"""

from __future__ import annotations

import functools
import threading

import duckdb

MACROS_SQL = r"""
create or replace temp macro pa_luhn10(d) as (
    list_sum([
        case when i % 2 = 0
             then ((ascii(d[i + 1]) - 48) * 2) // 10 + ((ascii(d[i + 1]) - 48) * 2) % 10
             else ascii(d[i + 1]) - 48
        end
        for i in range(10)
    ]) % 10 = 0
);
create or replace temp macro pa_is_personal_number(v) as (
    -- CASE, not AND: the check digit is computed only for values shaped like a personal number (a vectorised AND
    -- would compute it for every row).
    case
        when regexp_full_match(trim(v), '(\d{2})?\d{6}[-+]?\d{4}')
            then pa_luhn10(right(regexp_replace(trim(v), '[-+]', '', 'g'), 10))
        else false
    end
);
create or replace temp macro pa_is_email(v) as (
    coalesce(regexp_matches(v, '[^@\s]+@[^@\s]+\.[^@\s]+'), false)
);
"""


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the guard's macros on a connection (temporary: nothing is written to a store)."""
    con.execute(MACROS_SQL)


_lock = threading.Lock()


@functools.cache
def _checker() -> duckdb.DuckDBPyConnection:
    # Temporary macros belong to one connection, so the checker keeps its own and serialises its use.
    con = duckdb.connect()
    install_macros(con)
    return con


def identifier_kind(value: str | None) -> str | None:
    """'personal number' or 'e-mail address' when value looks like one, else None."""
    if value is None or value == "":
        return None
    with _lock:
        pnr, email = _checker().sql(
            "select pa_is_personal_number($v), pa_is_email($v)", params={"v": str(value)}
        ).fetchall()[0]
    if pnr:
        return "personal number"
    if email:
        return "e-mail address"
    return None
