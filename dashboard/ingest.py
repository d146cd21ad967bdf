"""Validated ingest of log files into the audit store.

A file is read into an in-memory DuckDB as text, checked row by row in SQL (types, enums, required-when rules,
country codes, the privacy guard, duplicates), and then, in one transaction on the store, its good rows that are
not already stored are appended, its bad rows are recorded in rejected_rows (pseudonyms masked) and the run is
recorded in ingest_runs. A file that cannot be read, or whose columns do not match the contract, is refused whole
and the store is not touched.
"""

from __future__ import annotations

import hashlib
import re
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import duckdb
import pycountry

from dashboard import config, importers, privacy, refresh, store
from dashboard.contract import (
    BOOLEAN, COUNT, COUNTRY, DATE, EARLIEST_YEAR, ENUM, ENUM_LIST, ID, MAX_COUNT, MAX_UTC_OFFSET_MINUTES, PSEUDONYM,
    TEXT, TIMESTAMP, Log, LOGS,
)
from dashboard.i18n import _

FORMATS = {".csv": "csv", ".csv.gz": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonl.gz": "jsonl",
           ".parquet": "parquet"}
COUNTRY_CODES = sorted(c.alpha_2 for c in pycountry.countries)
MASK = "«masked»"
ISO_TIMESTAMP = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
UTC_OFFSET = r"(Z|z|[+-]\d{2}(:?\d{2})?)"
ISO_DATE = r"\d{4}-\d{2}-\d{2}"
WHOLE_NUMBER = r"[+-]?\d{1,18}"  # a whole number a bigint holds (19 digits and more are checked on their own)
# An offset within +-MAX_UTC_OFFSET_MINUTES with minutes 00-59, as one pattern (a test holds it to the arithmetic:
# hours * 60 + minutes at most the limit): one match per value rather than taking the offset apart three times.
_H, _M = divmod(MAX_UTC_OFFSET_MINUTES, 60)
OFFSET_IN_RANGE = (rf"(Z|z|[+-]((?:{'|'.join(f'{h:02d}' for h in range(_H))})(:?[0-5]\d)?"
                   rf"|{_H:02d}(:?(?:{'|'.join(f'{m:02d}' for m in range(_M + 1))}))?))")


# The function whose value stands for an id while ids seen twice are counted (a test makes it collide).
ID_HASH = "hash"


class FileRefused(Exception):
    """The whole file is refused; the store is unchanged."""


@dataclass
class Rejection:
    row: int
    column: str
    reason: str


@dataclass
class FileResult:
    file: str
    log: str | None = None
    format: str | None = None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    conflicting: int = 0  # rows whose id is stored with other content (counted among the rejected)
    seen_before: bool = False  # a file with the same bytes was loaded before (and not unloaded)
    run_id: int | None = None
    refused: str | None = None
    report: "importers.Report | None" = None  # what an import from a tool's export did (None: a contract file)
    rejections: list[Rejection] = field(default_factory=list)  # the first few, for the message
    refresh_problem: str | None = None  # the rows are stored, but the derived tables' refresh did not finish

    @property
    def exit_code(self) -> int:
        if self.refused:
            return 2
        return 1 if self.rejected else 0


def file_format(path: str) -> str | None:
    name = path.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _q(name: str) -> str:
    """Quote an identifier taken from the contract (never from the data)."""
    return '"' + name.replace('"', '""') + '"'


def _read_raw(con: duckdb.DuckDBPyConnection, log: Log, path: str, fmt: str) -> tuple[list[str], str, dict]:
    """The file's column names and a relation (SQL, parameters) of (_row, <its columns as text>), read only when
    staged: the rows are copied once, not twice.

    The columns are checked against the contract before the rows are read, where the format allows.
    """
    params = {"path": path}
    try:
        if fmt == "csv":
            cols = _csv_header(path)
            _check_columns(log, cols)
            columns = "{" + ", ".join(f"'{c}': 'varchar'" for c in cols) + "}"
            return cols, (
                "(select row_number() over () as _row, * from read_csv($path, "
                "header = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true, "
                f"null_padding = false, auto_detect = false, columns = {columns})) as raw"), params
        if fmt == "parquet":
            described = con.execute("describe select * from read_parquet($path)", params).fetchall()
            cols = [r[0] for r in described]
            _check_columns(log, cols)
            _check_pseudonyms_are_text(log, {r[0]: r[1] for r in described})
            casts = ", ".join(f"cast({_q(c)} as varchar) as {_q(c)}" for c in cols)
            return cols, (f"(select file_row_number + 1 as _row, {casts} "
                          "from read_parquet($path, file_row_number = true)) as raw"), params
        # JSON Lines: one object a line; the columns are the union of the objects' keys.
        con.execute(
            "create table raw_json as select row_number() over () as _row, json as _obj "
            "from read_ndjson_objects($path)", params
        )
        bad = con.execute("select min(_row) from raw_json where json_type(_obj) <> 'OBJECT'").fetchall()[0][0]
        if bad is not None:
            raise FileRefused(f"line {bad} is not a JSON object")
        cols = [r[0] for r in con.execute(
            "select k from (select unnest(json_keys(_obj)) as k, _row from raw_json) group by k order by min(_row)"
        ).fetchall()]
        _check_columns(log, cols)
        for c in log.columns:
            if c.kind == PSEUDONYM and c.name in cols:
                wrong = con.execute(
                    "select _row, json_type(_obj -> $k) from raw_json "
                    "where json_type(_obj -> $k) not in ('VARCHAR', 'NULL') order by _row limit 1", {"k": c.name},
                ).fetchone()
                if wrong:
                    raise FileRefused(f"line {wrong[0]}: {c.name} is a JSON {wrong[1].lower()}, not a string; "
                                      "pseudonyms must be text (a number or structure can carry a personal "
                                      "identity number)")
        selects = "".join(f", _obj ->> $k{i} as {_q(c)}" for i, c in enumerate(cols))
        return cols, f"(select _row{selects} from raw_json) as raw", {f"k{i}": c for i, c in enumerate(cols)}
    except (FileRefused, duckdb.OutOfMemoryException):
        raise
    except duckdb.Error as exc:
        raise FileRefused(f"cannot be parsed as {fmt}: {_first_line(exc)}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _csv_header(path: str) -> list[str]:
    import csv
    import gzip

    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError as exc:
        raise FileRefused(_not_utf8(path)) from exc
    except (OSError, csv.Error) as exc:
        raise FileRefused(f"cannot be parsed as csv: {exc}") from exc
    if not header:
        raise FileRefused("is empty: no header line")
    if len(header) == 1:
        for sep, name in ((";", "semicolons (;)"), ("\t", "tabs"), ("|", "bars (|)")):
            if sep in header[0]:
                raise FileRefused(f"separates its columns with {name}: the contract's CSV uses commas; export it "
                                  "again with ',' as the separator (in Excel: 'CSV UTF-8 (comma delimited)')")
    return [h.strip() for h in header]


def _not_utf8(path: str) -> str:
    """Where a file stops being UTF-8, for the refusal message."""
    import gzip

    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read(16 << 20)
    try:
        data.decode("utf-8")
        where = ""
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        where = f" (line {line}, byte 0x{data[exc.start]:02x})"
    return (f"is not UTF-8 text{where}: save it as UTF-8 (in Excel: 'CSV UTF-8'; Latin-1 or Windows-1252 files "
            "must be converted first)")


def _check_pseudonyms_are_text(log: Log, types: dict[str, str]) -> None:
    """A pseudonym column stored as a number is refused: a numeric column is how personal identity numbers
    usually arrive (pandas writes 199001011239.0 for a column with gaps), and a pseudonym is text."""
    wrong = [f"{c.name} ({types[c.name]})" for c in log.columns
             if c.kind == PSEUDONYM and c.name in types and types[c.name] not in ("VARCHAR", "BLOB")]
    if wrong:
        raise FileRefused(f"pseudonym column(s) stored as numbers: {', '.join(wrong)}; pseudonyms must be text "
                          "(write the column as strings)")


def _check_columns(log: Log, cols: list[str]) -> None:
    problems = []
    dupes = sorted({c for c in cols if cols.count(c) > 1})
    if dupes:
        problems.append("duplicate column(s): " + ", ".join(dupes))
    needed = [c.name for c in log.columns if c.required or c.required_when or c.required_unless]
    missing = [c for c in needed if c not in cols]
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    unknown = [c for c in cols if c not in log.column_names]
    if unknown:
        problems.append("unknown column(s): " + ", ".join(repr(c) for c in unknown)
                        + f" (a {log.name} file has: {', '.join(log.column_names)})")
    if problems:
        raise FileRefused("; ".join(problems))


def _stage(con: duckdb.DuckDBPyConnection, log: Log, cols: list[str], source: str, params: dict,
           fmt: str, src: str = "_row") -> None:
    """staged: trimmed text, empty as NULL, booleans normalised, absent optional columns as NULL, free text without
    its identifiers; read from the file here (a file that cannot be parsed is refused here)."""
    exprs = []
    for c in log.columns:
        if c.name not in cols:
            exprs.append(f"cast(null as varchar) as {_q(c.name)}")
            continue
        v = f"nullif(trim(raw.{_q(c.name)}), '')"
        if c.kind == BOOLEAN:
            v = (f"case lower({v}) when 'true' then 'true' when '1' then 'true' "
                 f"when 'false' then 'false' when '0' then 'false' else {v} end")
        exprs.append(f"{v} as {_q(c.name)}")
    try:
        con.execute(f"create table staged as select _row, {src} as _src, {', '.join(exprs)} from {source}", params)
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as exc:
        if "path" in params and ("unicode" in str(exc).lower() or "utf" in str(exc).lower()):
            raise FileRefused(_not_utf8(params["path"])) from exc
        raise FileRefused(f"cannot be parsed as {fmt}: {_first_line(exc)}") from exc
    con.execute("drop table if exists raw_json")
    _redact_free_text(con, [c.name for c in log.columns if c.free_text and c.name in cols])


def _redact_free_text(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Free text keeps its row and loses its identifiers (pa_redact). Only values that pass the guard's first look
    can hold one, and binding the full rule costs about a tenth of a second a query whatever the rows, so it is
    bound only when some value passes (measured on 200-row cookie observations: 0.31-0.37 s -> 0.24-0.26 s)."""
    if not names:
        return
    con.execute("create table _free as " + " union all ".join(
        f"select _row, '{n}' as column_name, {_q(n)} as v from staged where pa_first_look({_q(n)})" for n in names))
    if con.execute("select exists (from _free)").fetchall()[0][0]:
        privacy.install_full_rule(con)
        con.execute("create table _freed as select _row, column_name, pa_redact(v) as v from _free")
        for n in names:
            con.execute(f"update staged set {_q(n)} = f.v from _freed f "
                        f"where f._row = staged._row and f.column_name = '{n}' and f.v <> staged.{_q(n)}")
        con.execute("drop table _freed")
    con.execute("drop table _free")


VALUE = "\x01value\x01"  # stands for the offending value in a reason until it is quoted, redacted


def _guarded(log: Log) -> list:
    """The columns where a personal identifier rejects the row: pseudonyms, ids and names (not free text)."""
    return [c for c in log.columns if c.kind in (PSEUDONYM, ID, TEXT) and not c.free_text]


def _find_identifiers(con: duckdb.DuckDBPyConnection, log: Log) -> None:
    """_guard: (row, column, kind) of every personal identifier in a guarded column.

    One scan keeps the values of each column that pass the cheap first look, and only those get the full rule
    (looking at each column on its own took half the time of taking every value of a row with one such value).
    Binding the full rule costs a few hundredths of a second a column, so a file where nothing passes the first
    look (most files) skips it."""
    cols = _guarded(log)
    con.execute(
        "create table _look as "
        + " union all ".join(f"select _row, '{c.name}' as column_name, {_q(c.name)} as v from staged "
                             f"where pa_first_look({_q(c.name)})" for c in cols))
    if not con.execute("select exists (from _look)").fetchall()[0][0]:
        con.execute("create table _guard (_row bigint, column_name varchar, kind varchar)")
    else:
        privacy.install_full_rule(con)
        con.execute("create table _guard as select * from (select _row, column_name, pa_full_kind(v) as kind "
                    "from _look) where kind is not null")
    con.execute("drop table _look")


def _quote_values(con: duckdb.DuckDBPyConnection, log: Log) -> None:
    """Put the offending value, redacted and cut to 40 characters, into the reasons that quote it."""
    if not con.execute("select exists (from _violations)").fetchall()[0][0]:
        con.execute("alter table _violations rename to violations")  # nothing to quote (nor the rule to bind)
        return
    value = "case v.column_name " + " ".join(f"when '{c.name}' then s.{_q(c.name)}" for c in log.columns) + " end"
    con.execute("create table _quoted as select v._row, v.column_name, v.reason, "
                f"case when contains(v.reason, $mark) then {value} end as v "
                "from _violations v join staged s using (_row)", {"mark": VALUE})
    # The full rule is bound only when a quoted value passes its first look (as in _redact_free_text).
    if con.execute("select exists (from _quoted where pa_first_look(v))").fetchall()[0][0]:
        privacy.install_full_rule(con)
        con.execute("update _quoted set v = pa_redact(v) where pa_first_look(v)")
    con.execute("create table violations as select _row, column_name, case when contains(reason, $mark) "
                "then replace(reason, $mark, chr(39) || left(coalesce(v, ''), 40) || chr(39)) else reason end "
                "as reason from _quoted",
                {"mark": VALUE})
    con.execute("drop table _violations")
    con.execute("drop table _quoted")


def _checks(log: Log, narrow: bool = True) -> tuple[str, dict]:
    """One SQL query of (_row, column_name, reason) for every violated rule, and its parameters.

    A timestamp, date or count column's format and range rules are several regular expressions each; they read only
    its suspects, the values that fail one combined look at a well-formed value in range (nearly always none), so a
    clean column costs one look per value instead of one per rule. A value passes the combined look exactly when it
    breaks none of the rules (a test holds the two to each other, with narrow=False: every rule reads every row)."""
    selects: list[str] = []
    suspects: list[str] = []
    params: dict = {}

    def add(condition: str, column: str, reason_sql: str, source: str = "staged") -> None:
        selects.append(
            f"select _row, '{column}' as column_name, {reason_sql} as reason from {source} where {condition}"
        )

    def suspect(c, well_formed: str) -> str:
        if not narrow:
            return "staged"
        name = _q(f"_suspect_{c.name}")
        suspects.append(f"{name} as materialized (select _row, {_q(c.name)} from staged "
                        f"where {_q(c.name)} is not null and not coalesce({well_formed}, false))")
        return name

    def lit(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    for c in log.columns:
        v = _q(c.name)
        if c.required:
            add(f"{v} is null", c.name, lit("required, but empty"))
        if c.required_when:
            other, values = c.required_when
            add(f"{v} is null and {_q(other)} in ({', '.join(map(lit, values))})", c.name,
                lit(f"required when {other} is {' or '.join(values)}, but empty"))
        if c.required_unless:
            other, values = c.required_unless
            add(f"{v} is null and {_q(other)} is not null and {_q(other)} not in ({', '.join(map(lit, values))})",
                c.name, lit(f"required unless {other} is {' or '.join(values)}, but empty"))
        shown = f"'{VALUE}'"  # the value, redacted, is put in once the violations are known (_quote_values)
        if c.kind == TIMESTAMP:
            src = suspect(c, f"regexp_full_match({v}, '{ISO_TIMESTAMP}{OFFSET_IN_RANGE}') "
                             f"and try_cast({v} as timestamptz) <= now() + interval 1 day "
                             f"and year(try_cast({v} as timestamptz)) >= {EARLIEST_YEAR}")
            add(f"{v} is not null and not regexp_full_match({v}, '{ISO_TIMESTAMP}{UTC_OFFSET}') "
                f"and regexp_full_match({v}, '{ISO_TIMESTAMP}')", c.name,
                f"{shown} || ' has no UTC offset (write e.g. 2026-03-01T09:30:00+01:00 or ...Z)'", src)
            add(f"{v} is not null and not regexp_full_match({v}, '{ISO_TIMESTAMP}{UTC_OFFSET}') "
                f"and not regexp_full_match({v}, '{ISO_TIMESTAMP}')", c.name,
                f"{shown} || ' is not an ISO 8601 timestamp (e.g. 2026-03-01T09:30:00+01:00)'", src)
            add(f"{v} is not null and regexp_full_match({v}, '{ISO_TIMESTAMP}{UTC_OFFSET}') "
                f"and try_cast({v} as timestamptz) is null", c.name,
                f"{shown} || ' is not a valid date and time'", src)
            add(f"try_cast({v} as timestamptz) > now() + interval 1 day", c.name,
                f"{shown} || ' is more than a day in the future'", src)
            add(f"year(try_cast({v} as timestamptz)) < {EARLIEST_YEAR}", c.name,
                f"{shown} || ' is before {EARLIEST_YEAR}: not a plausible time for this log'", src)
            add(f"regexp_full_match({v}, '{ISO_TIMESTAMP}{UTC_OFFSET}') "
                f"and not regexp_full_match({v}, '{ISO_TIMESTAMP}{OFFSET_IN_RANGE}')",
                c.name, f"{shown} || ' has a UTC offset beyond +-14:00'", src)
        elif c.kind == DATE:
            src = suspect(c, f"regexp_full_match({v}, '{ISO_DATE}') "
                             f"and year(try_cast({v} as date)) >= {EARLIEST_YEAR}")
            add(f"{v} is not null and (not regexp_full_match({v}, '{ISO_DATE}') "
                f"or try_cast({v} as date) is null)", c.name,
                f"{shown} || ' is not a date (YYYY-MM-DD)'", src)
            add(f"year(try_cast({v} as date)) < {EARLIEST_YEAR}", c.name,
                f"{shown} || ' is before {EARLIEST_YEAR}: not a plausible date for this log'", src)
        elif c.kind == COUNT:
            src = suspect(c, f"regexp_full_match({v}, '{WHOLE_NUMBER}') "
                             f"and try_cast({v} as bigint) between 1 and {MAX_COUNT}")
            add(f"{v} is not null and not regexp_full_match({v}, '[+-]?\\d+')", c.name,
                f"{shown} || ' is not a whole number'", src)
            add(f"regexp_full_match({v}, '{WHOLE_NUMBER}') and cast({v} as bigint) < 1", c.name,
                f"{shown} || ' is less than 1'", src)
            add(f"regexp_full_match({v}, '{WHOLE_NUMBER}') and cast({v} as bigint) > {MAX_COUNT}", c.name,
                f"{shown} || ' is more than {MAX_COUNT:,} (not plausible for one event)'", src)
            add(f"regexp_full_match({v}, '\\+?\\d{{19,}}')", c.name,
                f"{shown} || ' is more than {MAX_COUNT:,} (not plausible for one event)'", src)
            add(f"regexp_full_match({v}, '-\\d{{19,}}')", c.name, f"{shown} || ' is less than 1'", src)
        elif c.kind == BOOLEAN:
            add(f"{v} is not null and {v} not in ('true', 'false')", c.name,
                f"{shown} || ' is not a boolean (true or false)'")
        elif c.kind == ENUM:
            key = f"enum_{c.name}"
            params[key] = list(c.values)
            add(f"{v} is not null and not list_contains(${key}, {v})", c.name,
                f"{shown} || ' is not one of: {', '.join(c.values)}'")
        elif c.kind == ENUM_LIST:
            key = f"enum_{c.name}"
            params[key] = list(c.values)
            add(f"{v} is not null and len(list_filter(string_split({v}, ';'), "
                f"lambda x: not list_contains(${key}, trim(x)))) > 0", c.name,
                f"{shown} || ' has a value that is not one of: {', '.join(c.values)} (separate with ;)'")
        elif c.kind == COUNTRY:  # _countries: a table, so a value is looked up by hash, not along a list
            add(f"{v} is not null and {v} not in (select code from _countries) "
                f"and upper({v}) in (select code from _countries)",
                c.name, f"{shown} || ' must be upper case (' || upper({v}) || ')'")
            add(f"{v} is not null and upper({v}) not in (select code from _countries)", c.name,
                f"{shown} || ' is not an ISO 3166-1 alpha-2 country code'")
        if c in _guarded(log):
            # The value itself never appears in a reason: it may be the very identifier we must not keep.
            advice = "give a pseudonym" if c.kind == PSEUDONYM else f"no personal identifier belongs in {c.name}"
            selects.append(f"select _row, '{c.name}' as column_name, 'holds what looks like a ' || kind || "
                           f"'; {advice} (value not stored)' as reason from _guard where column_name = '{c.name}'")
        if c.kind == ID:
            # Ids seen twice are found by counting their hashes (a number per row: counting 100 million ids as text
            # needs more than the ingest's memory limit, even spilling); only the rows of a hash seen twice are then
            # ranked by the id itself, so two ids that share a hash are not taken for one.
            selects.append(
                f"select _row, '{c.name}' as column_name, "
                f"'duplicate {c.name} in this file (first at row ' || first_row || ')' as reason "
                f"from (select _row, {v}, min(_row) over (partition by {v}) as first_row from staged "
                f"semi join (select {ID_HASH}({v}) as h from staged where {v} is not null group by h having count(*) > 1) "
                f"as twice on twice.h = {ID_HASH}(staged.{v}) where {v} is not null) where _row <> first_row"
            )
    for condition, column, reason in log.row_rules:
        add(condition, column, lit(reason))
    return ("with " + ", ".join(suspects) + " " if suspects else "") + " union all ".join(selects), params


def _typed_select(log: Log) -> str:
    exprs = []
    for c in log.columns:
        v = _q(c.name)
        if c.kind == TIMESTAMP:
            exprs.append(f"cast({v} as timestamptz) as {v}")
        elif c.kind == DATE:
            exprs.append(f"cast({v} as date) as {v}")
        elif c.kind == COUNT:
            exprs.append(f"cast({v} as bigint) as {v}")
        elif c.kind == BOOLEAN:
            exprs.append(f"cast({v} as boolean) as {v}")
        elif c.kind == ENUM_LIST:
            exprs.append(f"list_transform(string_split({v}, ';'), lambda x: trim(x)) as {v}")
        else:
            exprs.append(v)
    return ", ".join(exprs)


def _name_source_fields(con: duckdb.DuckDBPyConnection, tool: "importers.Format") -> None:
    """An import's reasons name the export's field the value came from, as the user knows it."""
    whens = " ".join(f"when '{c}' then '{f.replace(chr(39), chr(39) * 2)}'" for c, f in tool.fields.items())
    if whens:
        con.execute(f"update violations set reason = reason || ' [{tool.name} field: ' || "
                    f"case column_name {whens} end || ']' where column_name in "
                    f"({', '.join(repr(c) for c in tool.fields)})")


def _find_conflicts(con: duckdb.DuckDBPyConnection, log: Log) -> None:
    """conflicts: good rows whose id is already stored with other content (a correction, or a clash of ids). They
    are rejected with the columns that differ, never silently dropped as if already loaded."""
    idc = _q(log.id_column)
    differs = ", ".join(f"case when g.{_q(c.name)} is distinct from t.{_q(c.name)} then '{c.name}' end"
                        for c in log.columns if c.name != log.id_column)
    con.execute(
        f"create temp table conflicts as select g._row, '{log.id_column}' as column_name, "
        f"'conflicts with the stored row of the same {log.id_column} (loaded in run ' || t.ingest_run_id || '): "
        f"' || array_to_string(list_filter([{differs}], lambda x: x is not null), ', ') || ' differ; "
        f"to correct it, unload that run (python -m dashboard unload RUN) and load the corrected file' as reason "
        f"from good g join store.{log.name} t on t.{idc} = g.{idc} "
        f"where len(list_filter([{differs}], lambda x: x is not null)) > 0")


def _record_run(con, run_id: int, path: str, log: str | None, fmt: str | None, digest: str | None,
                result: FileResult, started: datetime, taken_from: int | None = None, alias: str = "store") -> None:
    con.execute(
        f"insert into {alias}.ingest_runs (run_id, file, log, format, sha256, rows_read, rows_accepted, "
        "rows_rejected, rows_duplicate, started_at, finished_at, refused, import_report, rejections_complete, "
        "rejections_from) values ($run, $file, $log, $fmt, $sha, $read, $acc, $rej, $dup, $started, now(), "
        "$refused, $report, true, $taken)",
        {"run": run_id, "file": path, "log": log, "fmt": fmt, "sha": digest, "read": result.rows_read,
         "acc": result.accepted, "rej": result.rejected, "dup": result.duplicate, "started": started,
         "refused": result.refused, "report": result.report.as_json() if result.report else None,
         "taken": taken_from},
    )


def _record_rejections(con: duckdb.DuckDBPyConnection, log: Log, run_id: int, path: str, digest: str) -> int | None:
    """Record the rows this run rejected; return the run whose identical records it took over, if any.

    A file's rejected rows are those of its latest loaded run (queries/stg_rejected_rows.sql), so each run keeps its
    own. Loading the same bytes again usually rejects exactly what the last load did: then that load's records move
    to this run instead of being copied (a folder loaded every day does not grow the table), and unloading this run
    hands them back (unload)."""
    con.execute("create temp table _rejections as select s._src as row_number, v.column_name, v.reason, v._row "
                "from (select * from violations union all select * from conflicts) v join staged s using (_row)")
    last = con.execute("select max(run_id) from store.ingest_runs where sha256 = $sha and refused is null and "
                       "unloaded_at is null and rejections_complete", {"sha": digest}).fetchall()[0][0]
    if last is not None and not con.execute(
            "select exists ((select row_number, column_name, reason from _rejections except all "
            " select row_number, column_name, reason from store.rejected_rows where run_id = $last) union all "
            "(select row_number, column_name, reason from store.rejected_rows where run_id = $last except all "
            " select row_number, column_name, reason from _rejections))", {"last": last}).fetchall()[0][0]:
        con.execute("update store.rejected_rows set run_id = $run, file = $file where run_id = $last",
                    {"run": run_id, "file": path, "last": last})
        taken_from = last
    else:
        privacy.install_full_rule(con)  # _masked_row_json redacts
        con.execute(f"insert into store.rejected_rows select $run, $file, $sha, $log, r.row_number, r.column_name, "
                    f"r.reason, {_masked_row_json(log)} from _rejections r join staged s using (_row)",
                    {"run": run_id, "file": path, "sha": digest, "log": log.name})
        taken_from = None
    con.execute("drop table _rejections")
    return taken_from


def record_refusal(db: str | Path, result: FileResult) -> None:
    """A refused file leaves one line in ingest_runs (no rows), so Data quality shows it. When the store itself is
    the problem (locked, not a store) nothing can be written, and the message already says why."""
    try:
        con = duckdb.connect()
        try:
            store.attach_for_writing(con, db, timeout=5)
            con.execute("begin transaction")
            store.ensure_schema(con)
            run_id = con.execute("select coalesce(max(run_id), 0) + 1 from store.ingest_runs").fetchall()[0][0]
            digest = importers.digest_of(result.file) if os.path.exists(result.file) else None
            _record_run(con, run_id, result.file, result.log, result.format, digest, result,
                        datetime.now(timezone.utc))
            con.execute("commit")
            result.run_id = run_id
        finally:
            con.close()
    except (duckdb.Error, OSError, store.NotAStore):
        pass


def _masked_row_json(log: Log) -> str:
    """The rejected row as JSON: pseudonyms masked, and any personal identifier elsewhere replaced by a marker."""
    parts = []
    for c in log.columns:
        value = f"s.{_q(c.name)}"
        if c.kind == PSEUDONYM:
            value = f"case when {value} is null then null else '{MASK}' end"
        parts.append(f"'{c.name}': {value}")
    return "pa_redact(to_json({" + ", ".join(parts) + "})::varchar)"


class StoreUnavailable(Exception):
    """The store cannot be written at all (held by another process past the wait, or not a DuckDB store); the
    message says what to do. Nothing was stored, and no other file can be either."""


def clean_stale_temp() -> list[str]:
    """Remove the spill folders of ingests that were killed (kill -9 leaves them, with raw rows in them): those
    whose process (the pid in the name) is gone."""
    import shutil

    removed = []
    for folder in Path(tempfile.gettempdir()).glob("audit-ingest-*"):
        pid = config.whole_number(folder.name.split("-")[2]) if folder.name.count("-") >= 3 else None
        if pid is None or pid < 1:
            alive = False  # a folder from before the pid was in its name, or a name no ingest writes
        else:
            try:
                os.kill(pid, 0)
                alive = True
            except ProcessLookupError:
                alive = False
            except PermissionError:
                alive = True
        if not alive and folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(str(folder))
    return removed


def store_problem(exc: Exception, db: str | Path) -> str | None:
    text = str(exc)
    if store.is_lock_error(exc):
        return _("the store {path} is in use by another process (waited {seconds} s, AUDIT_LOCK_WAIT): try again "
                 "when it has finished").format(path=db, seconds=f"{store.LOCK_WAIT_SECONDS:.0f}")
    if "not a valid DuckDB database file" in text:
        return _("{path} is not a DuckDB audit store: point --db at the store (or at a new file to "
                 "create one)").format(path=db)
    return None


def ingest_file(path: str, db: str | Path, log_name: str | None = None,
                progress: Callable[[str], None] | None = None, keep_rejections: int = 20,
                format_name: str | None = None) -> FileResult:
    """Ingest one file into the store at db. Never raises for bad input: the result says what happened; a
    refused file leaves one line in ingest_runs and nothing else. Raises StoreUnavailable when the store itself
    cannot be written."""
    try:
        result = _ingest(path, db, log_name, progress, keep_rejections, format_name)
    except store.NotAStore as exc:
        raise StoreUnavailable(str(exc)) from exc
    except duckdb.Error as exc:
        problem = store_problem(exc, db)
        if problem is None:
            raise
        raise StoreUnavailable(problem) from exc
    if result.refused:
        record_refusal(db, result)
    result.refresh_problem = _refresh(db, progress)
    return result


def _refresh(db: str | Path, progress: Callable[[str], None] | None) -> str | None:
    """Run the refresh jobs the load queued (and any an interrupted refresh left). A failure leaves the days
    pending, which pages show, and returns what went wrong; the stored rows stay."""
    try:
        refresh.run_pending(db, progress)
    except (duckdb.Error, store.NotAStore) as exc:
        return _first_line(exc)
    return None


def _ingest(path: str, db: str | Path, log_name: str | None, progress: Callable[[str], None] | None,
            keep_rejections: int, format_name: str | None = None) -> FileResult:
    result = FileResult(file=path)
    say = progress or (lambda _msg: None)
    if log_name and log_name not in LOGS:
        result.refused = f"unknown log {log_name!r} (one of: {', '.join(LOGS)})"
        return result
    try:
        seen = importers.recognise(path, format_name, log_name)
    except importers.NotThisFormat as exc:
        result.refused = privacy.redact(str(exc))
        return result
    tool = seen.format
    log = seen.log
    if tool and log_name and log_name != tool.log.name:
        result.refused = f"is a {tool.name} export, which feeds {tool.log.name}, not {log_name}"
        return result
    if log is None:
        result.refused = ("cannot tell which log this is: its columns are not a contract log's and its name does "
                          f"not start with one; name the file after its log (e.g. transfers_2026.csv) or pass --log "
                          f"({', '.join(LOGS)}); exports of privacy tools are recognised by their columns "
                          f"(--format: {', '.join(importers.NAMES)})")
        return result
    result.log = log.name
    fmt = tool.name if tool else file_format(path)
    if fmt is None:
        result.refused = "unsupported file type: use .csv, .csv.gz, .jsonl (.ndjson) or .parquet"
        return result
    result.format = fmt
    if not (os.path.isfile(path) or (tool and tool.shape == "jsonl" and os.path.isdir(path))):
        result.refused = "no such file"
        return result

    started = datetime.now(timezone.utc)
    digest = importers.digest_of(path)
    clean_stale_temp()
    with tempfile.TemporaryDirectory(prefix=f"audit-ingest-{os.getpid()}-") as tmp:
        # Bounded memory: past the limit DuckDB spills to the temporary folder instead of growing (docs: README).
        limit = os.environ.get("AUDIT_INGEST_MEMORY", "600MB")
        con = duckdb.connect(config={"temp_directory": tmp, "memory_limit": limit})
        try:
            if sys.stderr.isatty():
                con.execute("set enable_progress_bar = true")
            privacy.install_first_look(con)  # the full rule only when needed (install_full_rule)
            say("reading")
            try:
                if tool:
                    result.report = importers.translate(con, path, tool, importers.pseudonym_key(db))
                    _stage(con, log, log.column_names, "(select * from import_rows) as raw", {}, fmt, src="raw._src")
                    importers.add_untranslated(con, result.report, tool)
                else:
                    cols, source, source_params = _read_raw(con, log, path, fmt)
                    _stage(con, log, cols, source, source_params, fmt)
            except (FileRefused, importers.NotThisFormat) as exc:
                result.refused = privacy.redact(str(exc))  # a headerless file's "columns" are its first row
                return result
            say("validating")
            con.execute("create table _countries as select unnest($codes) as code", {"codes": COUNTRY_CODES})
            _find_identifiers(con, log)
            checks, params = _checks(log)
            sql = "create table _violations as " + checks
            con.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)})
            if tool:  # what the importer could not translate, on the first row made of that source row; its
                # reason is the cause, so the contract's complaints about that row's untranslated values go
                con.execute("delete from _violations where _row in (select _row from staged "
                            "where _src in (select _src from import_problems))")
                con.execute("insert into _violations select s._row, p.column_name, p.reason from import_problems p "
                            "join (select _src, min(_row) as _row from staged group by _src) s using (_src)")
            _quote_values(con, log)
            if tool:
                _name_source_fields(con, tool)
            # A source row is kept or rejected whole (an export's row can make several contract rows).
            con.execute("create table _bad as select distinct s._src from violations v join staged s using (_row)")
            result.rows_read = con.execute("select count(*) from staged").fetchall()[0][0]
            result.rejected = con.execute("select count(*) from staged where _src in (select _src from _bad)"
                                          ).fetchall()[0][0]
            result.rejections = [
                Rejection(*r) for r in con.execute(
                    "select s._src, v.column_name, v.reason from violations v join staged s using (_row) "
                    "order by s._src, v.column_name limit $n",
                    {"n": keep_rejections},
                ).fetchall()
            ]
            # The good rows, typed: a view, read once by the insert below, which stores them sorted by time (a
            # table sorted first and then inserted wrote and read every row once more: at 10 million rows 29 s
            # against 22 s, and the insert kept its order less exactly).
            con.execute(f"create view good as select _row, {_typed_select(log)} from staged anti join _bad using (_src)")
            good = result.rows_read - result.rejected
            say("storing")
            store.attach_for_writing(con, db)
            try:
                con.execute("begin transaction")
                store.ensure_schema(con)
                run_id = result.run_id = con.execute(
                    "select coalesce(max(run_id), 0) + 1 from store.ingest_runs").fetchall()[0][0]
                result.seen_before = con.execute(
                    "select count(*) > 0 from store.ingest_runs where sha256 = $sha and refused is null "
                    "and unloaded_at is null", {"sha": digest}).fetchall()[0][0]
                _find_conflicts(con, log)
                columns = ", ".join(_q(c.name) for c in log.columns)
                con.execute(
                    f"insert into store.{log.name} select {columns}, $run from good g where not exists "
                    f"(select 1 from store.{log.name} t where t.{_q(log.id_column)} = g.{_q(log.id_column)}) "
                    f"order by {_q(log.time_column)}, _row",  # by time, so a period's query skips other row groups
                    {"run": run_id},
                )
                result.accepted = con.execute(
                    f"select count(*) from store.{log.name} where ingest_run_id = $run", {"run": run_id}
                ).fetchall()[0][0]
                refresh.mark_run(con, log.name, run_id)  # the days its derived tables must redo, queued with
                refresh.queue_marked(con, log.name, run_id)  # the rows: refreshed after the commit (refresh.py)
                say("recording")  # the rows are in, not yet committed: an interruption here must undo them
                result.conflicting = con.execute("select count(distinct _row) from conflicts").fetchall()[0][0]
                result.duplicate = good - result.accepted - result.conflicting
                result.rejected += result.conflicting
                if result.conflicting:
                    result.rejections = (result.rejections + [Rejection(*r) for r in con.execute(
                        "select s._src, c.column_name, c.reason from conflicts c join staged s using (_row) "
                        "order by s._src limit $n",
                        {"n": keep_rejections}).fetchall()])[:keep_rejections]
                taken_from = _record_rejections(con, log, run_id, path, digest) if result.rejected else None
                _record_run(con, run_id, path, log.name, fmt, digest, result, started, taken_from)
                con.execute("commit")
            except BaseException:
                con.execute("rollback")
                raise
            finally:
                con.execute("detach store")
        except duckdb.OutOfMemoryException:
            result.accepted = result.duplicate = 0  # rolled back: nothing of this file is stored
            result.refused = (f"needs more memory than AUDIT_INGEST_MEMORY ({limit}) allows, so nothing was stored: "
                              "set AUDIT_INGEST_MEMORY higher (e.g. 4GB) or split the file")
        finally:
            con.close()
    return result


def _unload_rejections(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Take a run's rejected rows out, or hand them back to the loaded run they were taken from (its rejections
    were the same: _record_rejections); a later run that took them from this one now takes them from that run.
    Returns how many were removed."""
    taken_from = con.execute("select rejections_from from store.ingest_runs where run_id = $r",
                             {"r": run_id}).fetchall()[0][0]
    if taken_from is not None:
        con.execute("update store.rejected_rows set run_id = $to, file = (select file from store.ingest_runs "
                    "where run_id = $to) where run_id = $r", {"r": run_id, "to": taken_from})
        removed = 0
    else:
        removed = con.execute("select count(*) from store.rejected_rows where run_id = $r",
                              {"r": run_id}).fetchall()[0][0]
        con.execute("delete from store.rejected_rows where run_id = $r", {"r": run_id})
    con.execute("update store.ingest_runs set rejections_from = $to where rejections_from = $r",
                {"r": run_id, "to": taken_from})
    return removed


@dataclass
class Unloaded:
    run_id: int
    file: str
    log: str
    rows: int
    rejected_rows: int
    refresh_problem: str | None = None  # the rows are out, but the derived tables' refresh did not finish


def unload(run_id: int, db: str | Path) -> Unloaded:
    """Take one loaded file back out: its rows, the rejected rows recorded for it, and the derived rows they fed;
    the run stays in ingest_runs, marked unloaded (so the same file can be loaded again). Nothing else is touched.
    Raises ValueError when there is no such run or it holds nothing to unload."""
    if not Path(db).exists():
        raise store.StoreMissing(_("No audit store at {path}.").format(path=db))
    con = duckdb.connect()
    try:
        try:
            store.attach_for_writing(con, db)
        except store.NotAStore as exc:
            raise StoreUnavailable(str(exc)) from exc
        except duckdb.Error as exc:
            raise StoreUnavailable(store_problem(exc, db) or str(exc)) from exc
        con.execute("begin transaction")
        try:
            store.ensure_schema(con)
            found = con.execute("select file, log, refused, unloaded_at from store.ingest_runs where run_id = $r",
                                {"r": run_id}).fetchall()
            if not found:
                raise ValueError(f"there is no run {run_id} (Data quality lists the runs: 'Last ingests')")
            file, log, refused, unloaded_at = found[0]
            if refused is not None:
                raise ValueError(f"run {run_id} was refused, so it stored nothing to unload")
            if unloaded_at is not None:
                raise ValueError(f"run {run_id} was already unloaded on {unloaded_at:%Y-%m-%d %H:%M}")
            # The days of the derived tables this run fed are queued (with the deletion) and redone after it.
            refresh.mark_run(con, log, run_id)
            rows = con.execute(f"select count(*) from store.{log} where ingest_run_id = $r",
                               {"r": run_id}).fetchall()[0][0]
            con.execute(f"delete from store.{log} where ingest_run_id = $r", {"r": run_id})
            rejected = _unload_rejections(con, run_id)
            refresh.queue_marked(con, log, run_id)
            con.execute("update store.ingest_runs set unloaded_at = now() where run_id = $r", {"r": run_id})
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    finally:
        con.close()
    return Unloaded(run_id, file, log, rows, rejected, _refresh(db, None))
