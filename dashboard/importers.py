"""Exports of the privacy tools companies run, translated into contract rows (docs/importers.md).

An importer only translates: it reads the tool's export into DuckDB and leaves a table `import_rows` with one row
per contract row (`_src`, the source row or record it came from, and the log's columns as text), `import_problems`
(source rows it cannot translate: `_src`, contract column, reason) and `import_skipped` (source rows that are
deliberately not loaded: `_src`, reason). dashboard.ingest then validates, guards, de-duplicates and stores those
rows exactly as it does a contract file: there is one ingest path.

Identities in exports (e-mail addresses, phone numbers, a consent tool's visitor id) are never stored: a subject's or
visitor's pseudonym is a keyed hash (HMAC-SHA256) of the identity with a key kept outside the store
(AUDIT_PSEUDONYM_KEY, or the key file beside the store), computed inside DuckDB.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from dashboard.contract import CONSENT, COOKIES, DSR, LOGS, Log

KEY_FILE = "pseudonym.key"
CATEGORIES_FILE = Path(__file__).parent / "data" / "consent_categories.csv"
CATEGORIES = ("functional", "analytics", "necessary", "marketing", "ignore")
MAX_JSON_DOCUMENT = 512 << 20  # a HAR or a OneTrust request list is parsed whole; larger is not one export
ISO = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?"


class NotThisFormat(Exception):
    """The file cannot be read as the format it was recognised as (or forced to): refused whole."""


@dataclass
class Report:
    """What an import did, printed and recorded in ingest_runs.import_report."""
    format: str
    records_read: int = 0
    rows_produced: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> str:
        return json.dumps({"format": self.format, "records_read": self.records_read,
                           "rows_produced": self.rows_produced, "skipped": self.skipped, "notes": self.notes})

    def lines(self) -> list[str]:
        produced = ", ".join(f"{n} {log} rows" for log, n in self.rows_produced.items()) or "no rows"
        out = [f"{self.format}: {self.records_read} records read -> {produced}"]
        out += [f"  skipped {n}: {reason}" for reason, n in self.skipped.items()]
        out += [f"  note: {note}" for note in self.notes]
        return out


@dataclass(frozen=True)
class Format:
    name: str
    log: Log
    shape: str  # csv | jsonl | json (one document) | folder
    signature: tuple[str, ...]  # the columns or keys that identify it (all present)
    fields: dict[str, str]  # contract column -> the source field it comes from (messages, docs)
    translate: Callable[["Import"], None]
    description: str = ""
    every_record_yields: bool = True  # each record makes a row (not so for HAR entries, folded Usercentrics rows)


@dataclass
class Import:
    con: duckdb.DuckDBPyConnection
    path: str
    fmt: Format
    report: Report


# ---------------------------------------------------------------------------------------------------------- keys

def pseudonym_key(db: str | Path) -> bytes:
    """The pseudonym key: AUDIT_PSEUDONYM_KEY, else the key file beside the store (created on first use, 0600)."""
    text = os.environ.get("AUDIT_PSEUDONYM_KEY")
    if text:
        if len(text) < 16:
            raise NotThisFormat("AUDIT_PSEUDONYM_KEY is shorter than 16 characters: too easy to guess")
        return text.encode()
    path = Path(db).parent / KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text().strip()
        if len(key) < 32:
            raise NotThisFormat(f"the pseudonym key file {path} is damaged (shorter than 32 characters)")
        return key.encode()
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip().encode()


def install(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """The importers' macros and the key's pads (HMAC-SHA256 as RFC 2104 defines it, in SQL)."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    con.execute("create or replace temp table _key as select $i::blob as ipad, $o::blob as opad",
                {"i": bytes(b ^ 0x36 for b in key), "o": bytes(b ^ 0x5C for b in key)})
    # Letters only (hex digits shifted to g-p): a pseudonym never holds a digit run the privacy guard could read
    # as a personal number. 128 bits.
    con.execute("""create or replace temp macro imp_pseudo(x) as (
        select 'p-' || translate(left(sha256(opad || unhex(sha256(ipad || encode(x)))), 32), '0123456789',
                                 'ghijklmnop') from _key)""")
    con.execute(rf"""create or replace temp macro imp_ts(v) as (
        case
            when v is null then null
            when regexp_full_match(v, '\d{{13}}') then strftime(epoch_ms(v::bigint), '%Y-%m-%dT%H:%M:%S.%g') || 'Z'
            when regexp_full_match(v, '\d{{10}}') then strftime(make_timestamp(v::bigint * 1000000),
                                                                '%Y-%m-%dT%H:%M:%S') || 'Z'
            when regexp_full_match(v, '{ISO}') then v || '+00:00'
            else v
        end)""")
    con.execute("create or replace temp macro imp_id(x) as translate(left(sha256(x), 24), '0123456789', 'ghijklmnop')")
    con.execute("create or replace temp macro imp_identity(x) as nullif(lower(regexp_replace(trim(x), '\\s+', '', 'g')), '')")
    con.execute("create or replace temp macro imp_true(x) as lower(trim(x)) in ('true', '1', 'yes')")
    con.execute("""create or replace temp table import_problems (_src bigint, column_name varchar, reason varchar)""")
    con.execute("""create or replace temp table import_skipped (_src bigint, reason varchar)""")


def _categories(con: duckdb.DuckDBPyConnection) -> None:
    """_categories(tool, key, category): the user's mapping of purposes and services (AUDIT_CONSENT_CATEGORIES) or
    the shipped one. Keys match in any case."""
    path = os.environ.get("AUDIT_CONSENT_CATEGORIES") or str(CATEGORIES_FILE)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise NotThisFormat(f"cannot read the consent category mapping {path}: {exc.strerror}") from exc
    bad = [r for r in rows if (r.get("category") or "").strip() not in CATEGORIES or not (r.get("key") or "").strip()]
    if bad or (rows and not {"tool", "key", "category"} <= set(rows[0])):
        raise NotThisFormat(f"the consent category mapping {path} needs columns tool,key,category with a category "
                            f"in {', '.join(CATEGORIES)} (first bad line: {bad[0] if bad else 'header'})")
    con.execute(
        "create or replace temp table _categories as select lower(trim(t)) as tool, lower(trim(k)) as key, "
        "trim(c) as category from (select unnest($t) as t, unnest($k) as k, unnest($c) as c)",
        {"t": [r["tool"] for r in rows], "k": [r["key"] for r in rows], "c": [r["category"] for r in rows]})


def _categorise(con: duckdb.DuckDBPyConnection, tool: str, source: str, rep: Report) -> None:
    """_given(_group, category, given): the categories of each decision (source has _group, key, given); keys with no
    category in the mapping are counted in the report, not guessed. A line for the tool wins over an `any` line."""
    con.execute(
        f"create or replace temp table _given as select s._group, c.category, s.given, s.key from ({source}) s "
        "left join (select key, arg_min(category, tool = 'any') as category from _categories "
        "where tool in ($tool, 'any') group by key) c on c.key = lower(trim(s.key))", {"tool": tool})
    unknown = con.execute("select key, count(*) from _given where category is null group by key order by 2 desc, 1 "
                          "limit 6").fetchall()
    if unknown:
        names = ", ".join(repr(str(k)[:40]) for k, _ in unknown[:5])
        rep.notes.append(f"purposes or services with no category in the mapping (not counted as functional or "
                         f"analytics; add them to AUDIT_CONSENT_CATEGORIES): {names}")


# Strict reading (docs/importers.md): a category is allowed only if every service of it in the decision was given,
# and at least one was there (_consent_rows). Consent must be specific: "yes to Hotjar, no to Google Analytics" is not
# an analytics consent for the _ga cookie.


# ------------------------------------------------------------------------------------------------- reading files

def _open_text(path: str):
    opener = gzip.open if path.lower().endswith(".gz") else open
    return opener(path, "rt", encoding="utf-8-sig", newline="")


def csv_header(path: str) -> list[str] | None:
    try:
        with _open_text(path) as fh:
            header = next(csv.reader(fh), None)
    except (OSError, UnicodeDecodeError, csv.Error, EOFError):
        return None
    return [h.strip() for h in header] if header else None


def _read_csv(imp: Import) -> list[str]:
    """src: the CSV's rows as text with _src (1 = the first data row)."""
    cols = csv_header(imp.path)
    if not cols:
        raise NotThisFormat("is empty or not UTF-8 CSV text")
    missing = [c for c in imp.fmt.signature if c not in cols]
    if missing:
        raise NotThisFormat(f"is not a {imp.fmt.name} file: missing column(s) {', '.join(missing)}")
    if len(set(cols)) != len(cols):
        raise NotThisFormat("has duplicate column names")
    columns = "{" + ", ".join("'" + c.replace("'", "''") + "': 'varchar'" for c in cols) + "}"
    try:
        # The rows in file order (insertion order is kept), read on every core: a table's rowid numbers them.
        imp.con.execute(
            "create temp table _srcdata as select * from read_csv($path, header = true, "
            "delim = ',', quote = '\"', escape = '\"', strict_mode = true, null_padding = false, "
            f"auto_detect = false, columns = {columns})", {"path": imp.path})
        imp.con.execute("create temp view src as select rowid + 1 as _src, * from _srcdata")
    except duckdb.Error as exc:
        raise NotThisFormat(f"cannot be parsed as CSV: {_first_line(exc)}") from exc
    return cols


def _read_jsonl(imp: Import, files: list[str] | None = None) -> None:
    """src(_src, o): one JSON object per line (gzipped or not); a folder's files in name order."""
    try:
        imp.con.execute("create temp table _srcdata as select json as o from read_ndjson_objects($files)",
                        {"files": files or [imp.path]})  # in the order of the files, each in line order
        imp.con.execute("create temp view src as select rowid + 1 as _src, o from _srcdata")
    except duckdb.Error as exc:
        raise NotThisFormat(f"cannot be parsed as JSON Lines: {_first_line(exc)}") from exc
    bad = imp.con.execute("select min(_src) from src where json_type(o) <> 'OBJECT'").fetchall()[0][0]
    if bad is not None:
        raise NotThisFormat(f"record {bad} is not a JSON object")


def _records_from_python(imp: Import, records: list) -> None:
    imp.con.execute("create temp table src as select generate_subscripts($r, 1) as _src, unnest($r)::json as o",
                    {"r": [json.dumps(r) for r in records]})


def _load_json_document(path: str):
    if os.path.getsize(path) > MAX_JSON_DOCUMENT:
        raise NotThisFormat(f"is larger than {MAX_JSON_DOCUMENT >> 20} MB: not one export (split it)")
    try:
        with _open_text(path) as fh:
            return json.load(fh)
    except UnicodeDecodeError as exc:
        raise NotThisFormat("is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise NotThisFormat(f"cannot be parsed as JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from exc


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _rows(imp: Import, select: str, params: dict | None = None) -> None:
    """import_rows from a select of _src and contract columns (any missing column is NULL)."""
    con = imp.con
    have = {r[0] for r in con.execute(f"describe {select}", params or {}).fetchall()}  # binds, does not run
    exprs = ", ".join((f"cast({c} as varchar) as {c}" if c in have else f"cast(null as varchar) as {c}")
                      for c in imp.fmt.log.column_names)
    # _row for ingest without numbering every row (a window over all rows runs on one core): the source row and
    # the row's place among those made from it.
    exprs = ("_src * 4294967296 + " + ("_part" if "_part" in have else "0") + " as _row, " + exprs)
    # A view: ingest stores these rows once, when it stages them.
    if params:
        select = _bound(con, select, params)
    con.execute(f"create temp view import_rows as select _src, {exprs} from ({select})")


def _bound(con: duckdb.DuckDBPyConnection, select: str, params: dict) -> str:
    """A view cannot hold parameters: put our own values (never the data's) in as literals."""
    for name, value in params.items():
        literal = "'" + str(value).replace("'", "''") + "'"
        select = select.replace(f"${name}", literal)
    return select


def _skip(imp: Import, condition_sql: str, reason_sql: str, params: dict | None = None) -> None:
    imp.con.execute(f"insert into import_skipped select _src, {reason_sql} from src where {condition_sql}",
                    params or {})


def _problem(imp: Import, select: str, params: dict | None = None) -> None:
    imp.con.execute(f"insert into import_problems {select}", params or {})


def _in(values) -> str:
    """A parenthesised list of SQL string literals for IN (our own constants, never the data's values)."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


def _map_sql(expr: str, mapping: dict[str, str | None]) -> str:
    """A CASE that maps values (compared in lower case) to contract values; unmapped -> NULL."""
    whens = " ".join(f"when '{k.lower()}' then " + ("null" if v is None else f"'{v}'") for k, v in mapping.items())
    return f"(case lower(trim({expr})) {whens} end)"


# --------------------------------------------------------------------------------------------- request exports

FIDES_COLUMNS = ("Status", "Request Type", "Time Received", "Deadline", "Reviewed By", "Request ID",
                 "Time Approved/Denied", "Denial Reason", "Last Updated", "Completed On")
FIDES_TYPES = {"access": "access", "erasure": "erasure", "update": "rectification", "consent": None}
FIDES_OPEN = ("identity_unverified", "requires_input", "pending", "approved", "in_processing", "paused",
              "awaiting_email_send", "requires_manual_finalization", "pending_external", "awaiting_pre_approval",
              "pre_approval_not_eligible")
FIDES_CLOSING = {"complete": ("completed", "Completed On"), "denied": ("rejected", "Time Approved/Denied"),
                 "canceled": ("withdrawn", "Last Updated")}
FIDES_SKIPPED = {"duplicate": "Fides status duplicate: a copy of another request, not a request of its own",
                 "error": "Fides status error: the request failed in Fides before it was a request"}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _identity_expr(cols: list[str]) -> str:
    parts = [f"imp_identity({_q(c)})" for c in cols]
    return f"coalesce({', '.join(parts)})" if parts else "cast(null as varchar)"


def _request_rows(imp: Import, prefix: str, id_col: str, types_sql: str, received_col: str, identity_sql: str,
                  closing_sql: str, closing_at_sql: str, note_sql: str = "null", channel_sql: str = "null") -> None:
    """import_rows for a request export: each source row is a request per right it names (a request for two
    rights is two requests, each with its own events), with a received event and, when closed, a closing event.

    types_sql: a list of contract request types (NULL for a type that is not a right here, '?' for unknown)."""
    con = imp.con
    con.execute(f"""create temp table _req as
        select s._src, trim(s.{_q(id_col)}) as rid, t.request_type, t.n_types,
            imp_ts(trim(s.{_q(received_col)})) as received_at,
            {identity_sql} as identity,
            {closing_sql} as closing_event,
            imp_ts(trim({closing_at_sql})) as closing_at,
            {note_sql} as closing_note,
            {channel_sql} as channel
        from src s, lateral (
            select unnest(list_distinct(list_filter(x, lambda v: v is not null and v <> '?'))) as request_type,
                len(list_distinct(list_filter(x, lambda v: v is not null and v <> '?'))) as n_types
            from (select {types_sql} as x)) t
        where s._src not in (select _src from import_skipped)""")
    _rows(imp, f"""
        with r as (
            select *, '{prefix}:' || rid || case when n_types > 1 then ':' || request_type else '' end as request_id
            from _req)
        select row_number() over (partition by _src order by event_id) as _part, * from (
        select _src, request_id || ':received' as event_id, request_id, received_at as occurred_at,
            'received' as event, request_type, channel,
            coalesce(imp_pseudo(identity), imp_pseudo('{prefix}-request:' || rid)) as subject_ref, null as note
        from r
        union all
        select _src, request_id || ':' || closing_event, request_id, closing_at, closing_event, null, null, null,
            closing_note as note
        from r where closing_event is not null)""")


def _unknown_type_problem(imp: Import, types_sql: str, source_field: str) -> None:
    _problem(imp, f"select _src, 'request_type', 'unknown {imp.fmt.name} {source_field} ' || "
                  f"chr(39) || left(trim({_q(source_field)}), 40) || chr(39) "
                  f"from src where list_contains({types_sql}, '?')")


def fides_requests(imp: Import) -> None:
    cols = _read_csv(imp)
    identities = [c for c in cols if c not in FIDES_COLUMNS and not c.startswith("Custom Field ")]
    status = "lower(trim(\"Status\"))"
    for value, reason in FIDES_SKIPPED.items():
        _skip(imp, f"{status} = '{value}'", f"'{reason}'")
    types = ("list_transform(string_split(lower(trim(\"Request Type\")), '+'), lambda t: "
             + _map_sql("t", FIDES_TYPES).replace("end)", "else '?' end)") + ")")
    _skip(imp, f"list_filter({types}, lambda v: v is not null) = [] and {status} not in "
               f"{_in(FIDES_SKIPPED)}",
          "'Fides request type consent: a consent preference (Art. 7(3)), not an Art. 15-22 request'")
    known = list(FIDES_OPEN) + list(FIDES_CLOSING) + list(FIDES_SKIPPED)
    _problem(imp, f"select _src, 'event', 'unknown Fides Status ' || chr(39) || left(trim(\"Status\"), 40) || "
                  f"chr(39) || ' (known: {', '.join(known)})' from src where {status} not in {_in(known)} "
                  "or \"Status\" is null")
    _unknown_type_problem(imp, types, "Request Type")
    closing = _map_sql('"Status"', {k: v[0] for k, v in FIDES_CLOSING.items()})
    closing_at = ("case lower(trim(\"Status\")) " + " ".join(
        f"when '{k}' then coalesce(nullif(trim({_q(v[1])}), ''), nullif(trim(\"Last Updated\"), ''))"
        for k, v in FIDES_CLOSING.items()) + " end")
    note = ("case when lower(trim(\"Status\")) = 'denied' and nullif(trim(\"Denial Reason\"), '') is not null "
            "then 'Denial reason: ' || trim(\"Denial Reason\") end")
    _request_rows(imp, "fides", "Request ID", types, "Time Received", _identity_expr(identities), closing,
                  closing_at, note)
    _fides_deadlines(imp)
    without = imp.con.execute("select count(distinct rid) from _req where identity is null").fetchall()[0][0]
    if without:
        imp.report.notes.append(f"{without} request(s) with no identity column filled: their pseudonym comes from "
                                "the request id, so a repeat request by the same person is not recognised")


def _fides_deadlines(imp: Import) -> None:
    """Fides's own Deadline is never used (it is early by the request's age, formats.md); the report says how many
    requests it showed with a later deadline than the statutory one (those are the dangerous ones)."""
    from dashboard import deadlines
    from dashboard.config import settings

    pairs = imp.con.execute(
        "select cast(timezone($tz, try_cast(imp_ts(trim(\"Time Received\")) as timestamptz)) as date) as received, "
        "cast(timezone($tz, try_cast(imp_ts(trim(\"Deadline\")) as timestamptz)) as date) as fides_deadline, "
        "count(*) from src where _src not in (select _src from import_skipped) group by all",
        {"tz": settings().timezone}).fetchall()
    cal = deadlines.from_settings()
    later = sum(n for received, shown, n in pairs if received and shown and shown > cal.deadline(received))
    imp.report.notes.append(
        f"Fides's Deadline column is not used (it counts days left from the export day); {later} request(s) had a "
        "later deadline in Fides than the statutory one")


TRANSCEND_COLUMNS = ("Request ID", "Created At", "Email", "Core Identifier", "Request Type", "Data Subject Type",
                     "Status", "Country", "Country Sub Division", "Details", "Origin", "Silent Mode",
                     "Is Test Request", "Language", "link")
TRANSCEND_TYPES = {"access": "access", "erasure": "erasure", "rectification": "rectification",
                   "restriction": "restriction", "contact_opt_out": "objection", "sale_opt_out": None,
                   "tracking_opt_out": None, "custom_opt_out": None, "automated_decision_making_opt_out": None,
                   "use_of_sensitive_information_opt_out": None, "business_purpose": None, "place_on_legal_hold": None,
                   "remove_from_legal_hold": None}
TRANSCEND_CLOSED = ("completed", "downloadable", "view_categories", "secondary_completed", "canceled", "revoked",
                    "failed_verification")


def transcend_requests(imp: Import) -> None:
    _read_csv(imp)
    _skip(imp, "imp_true(\"Is Test Request\")", "'Transcend test request (Is Test Request true): not a real request'")
    types = ("[" + _map_sql('"Request Type"', TRANSCEND_TYPES).replace("end)", "else '?' end)") + "]")
    _skip(imp, f"not imp_true(\"Is Test Request\") and list_filter({types}, lambda v: v is not null) = []",
          "'Transcend request type that is not a GDPR Art. 15-22 right (an opt-out of sale, tracking, ...)'")
    _unknown_type_problem(imp, types, "Request Type")
    _request_rows(imp, "transcend", "Request ID", types, "Created At",
                  "coalesce(imp_identity(\"Email\"), imp_identity(\"Core Identifier\"))", "null", "null",
                  channel_sql=_map_sql('"Origin"', {"privacy_center": "web", "email": "email"}))
    closed = imp.con.execute(
        f"select count(*) from src where lower(trim(\"Status\")) in {_in(TRANSCEND_CLOSED)} "
        "and _src not in (select _src from import_skipped)").fetchall()[0][0]
    if closed:
        imp.report.notes.append(
            f"{closed} request(s) are closed in Transcend, but its export has no completion time: they are loaded "
            "as received and show as open (and overdue past their deadline) until their completion is loaded in "
            "the contract format")


ONETRUST_TYPES = (("access", "access"), ("info", "access"), ("copy", "access"), ("delet", "erasure"),
                  ("erase", "erasure"), ("erasure", "erasure"), ("rectif", "rectification"), ("correct", "rectification"),
                  ("update", "rectification"), ("object", "objection"), ("opt out", "objection"),
                  ("opt-out", "objection"), ("restrict", "restriction"), ("portab", "portability"))
ONETRUST_RESOLUTIONS = (("reject", "rejected"), ("denied", "rejected"), ("cancel", "withdrawn"), ("withdr", "withdrawn"),
                        ("complet", "completed"), ("fulfil", "completed"), ("closed", "completed"))


def _contains_map(expr: str, pairs, otherwise: str) -> str:
    whens = " ".join(f"when contains(lower({expr}), '{k}') then '{v}'" for k, v in pairs)
    return f"(case when {expr} is null then null {whens} else {otherwise} end)"


def onetrust_requests(imp: Import) -> None:
    doc = _load_json_document(imp.path)
    records = doc.get("content") if isinstance(doc, dict) else doc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise NotThisFormat("is not a OneTrust request list (a JSON array of requests, or {\"content\": [...]})")
    _records_from_python(imp, records)
    con = imp.con
    con.execute("""create temp table src2 as select _src,
        o ->> 'requestQueueRefId' as ref, o ->> 'dateCreated' as created, o ->> 'closureDate' as closed,
        o ->> 'resolution' as resolution, coalesce(o ->> 'testRequest', 'false') as test,
        coalesce(try_cast(o ->> 'daysPaused' as double), 0) as paused, coalesce(o ->> 'isExtended', 'false') as ext,
        coalesce(o ->> 'email', o ->> 'identifier') as who,
        case when json_type(o -> 'requestTypes') = 'ARRAY' then cast(o -> 'requestTypes' as varchar[])
             else [o ->> 'requestTypes'] end as raw_types
        from src""")
    con.execute("drop table src")
    con.execute("alter table src2 rename to src")
    _skip(imp, "imp_true(test)", "'OneTrust test request (testRequest true): not a real request'")
    types = "list_transform(raw_types, lambda t: " + _contains_map("t", ONETRUST_TYPES, "'?'") + ")"
    _problem(imp, f"select _src, 'request_type', 'unknown OneTrust requestTypes ' || chr(39) || "
                  f"left(array_to_string(raw_types, ', '), 40) || chr(39) from src where list_contains({types}, '?') "
                  "or len(raw_types) = 0")
    closing = _contains_map("resolution", ONETRUST_RESOLUTIONS, "'?'")
    closing = f"case when closed is null then null when resolution is null then 'completed' else {closing} end"
    _problem(imp, f"select _src, 'event', 'unknown OneTrust resolution ' || chr(39) || left(resolution, 40) || "
                  f"chr(39) from src where ({closing}) = '?'")
    note = ("case when paused > 0 then 'OneTrust paused the clock ' || cast(paused as bigint) || ' day(s); "
            "the GDPR does not stop it except to identify the subject' end")
    _request_rows(imp, "onetrust", "ref", types, "created", "imp_identity(who)",
                  f"nullif({closing}, '?')", "closed", note)
    paused, extended = con.execute(
        "select count(*) filter (where paused > 0), count(*) filter (where imp_true(ext)) from src "
        "where _src not in (select _src from import_skipped)").fetchall()[0]
    if paused:
        imp.report.notes.append(f"{paused} request(s) had their clock paused in OneTrust (daysPaused > 0): the GDPR "
                                "does not stop the clock except to identify the subject; deadlines here ignore it")
    if extended:
        imp.report.notes.append(f"{extended} request(s) are extended in OneTrust, but the export has no date for the "
                                "extension: it cannot be shown to be in time, so the one-month deadline applies "
                                "until the extension is loaded with its date")


# ---------------------------------------------------------------------------------------------- consent exports

def _consent_rows(imp: Import, decisions: str, prefix: str, hashed: bool,
                  visitors: str = "select distinct visitor from _dec") -> None:
    """import_rows from decisions (a relation of _src, _group, event_key, occurred_at, visitor, action,
    banner_version, country, browser) and _given: accept_all and reject_all by definition, a custom choice per
    category. The event id is prefix:event_key, or, when the key holds the visitor's id or a time (hashed), a hash of
    the visitor's pseudonym and the key: stable across exports, free of identities and of digit runs the privacy
    guard would have to look at twice."""
    con = imp.con
    con.execute(f"create temp view _dec as {decisions}")  # read twice below; not worth storing
    # Each identity is hashed once, however many decisions it made.
    con.execute("create temp table _vis as select visitor, imp_pseudo(imp_identity(visitor)) as visitor_ref "
                f"from ({visitors}) where visitor is not null")
    event_id = (f"'{prefix}:' || imp_id(v.visitor_ref || ':' || d.event_key)" if hashed
                else f"'{prefix}:' || d.event_key")
    _rows(imp, f"""
        with allowed as (
            select _group,
                coalesce(bool_and(given) filter (where category = 'functional'), false) as functional,
                coalesce(bool_and(given) filter (where category = 'analytics'), false) as analytics
            from _given group by _group)
        select d._src, d._part, {event_id} as event_id, d.occurred_at, v.visitor_ref, d.action,
            case d.action when 'shown' then null when 'accept_all' then 'true' when 'reject_all' then 'false'
                 else cast(coalesce(a.functional, false) as varchar) end as functional,
            case d.action when 'shown' then null when 'accept_all' then 'true' when 'reject_all' then 'false'
                 else cast(coalesce(a.analytics, false) as varchar) end as analytics,
            d.banner_version, d.browser, upper(d.country) as country
        from _dec d left join _vis v using (visitor) left join allowed a using (_group)""")


USERCENTRICS_COLUMNS = ("Controller ID", "Timestamp", "CMP Configuration ID", "CMP Configuration Version",
                        "Consent Action", "Data Processing Service ID", "Data Processing Service Version",
                        "Consent Given", "Consent String")
USERCENTRICS_ACTIONS = {"cmp_shown": "shown", "accept_all_l1": "accept_all", "accept_all_l2": "accept_all",
                        "deny_all_l1": "reject_all", "deny_all_l2": "reject_all", "save_l1": "custom",
                        "save_l2": "custom"}


def usercentrics_consent(imp: Import) -> None:
    _read_csv(imp)
    con = imp.con
    action = _map_sql('"Consent Action"', USERCENTRICS_ACTIONS)
    _problem(imp, f"select _src, 'action', 'unknown Usercentrics Consent Action ' || chr(39) || "
                  f"left(trim(\"Consent Action\"), 40) || chr(39) || ' (known: {', '.join(USERCENTRICS_ACTIONS).upper()})' "
                  f"from src where {action} is null")
    # One decision per visitor, time and action: the export has a row per service.
    con.execute("""create temp table _uc as select min(_src) as _group, trim("Controller ID") as cid,
            trim("Timestamp") as ts, lower(trim("Consent Action")) as act,
            any_value(trim("CMP Configuration ID")) || ' v' || any_value(trim("CMP Configuration Version")) as banner
        from src group by all""")
    _categorise(con, "usercentrics", f"""select d._group, s."Data Processing Service ID" as key,
            imp_true(s."Consent Given") as given
        from src s join _uc d on d.cid = trim(s."Controller ID") and d.ts = trim(s."Timestamp")
            and d.act = lower(trim(s."Consent Action"))
        where {action} = 'custom'""", imp.report)
    _consent_rows(imp, f"""
        select _group as _src, 0 as _part, _group, ts || ':' || act as event_key, imp_ts(ts) as occurred_at, cid as visitor,
            coalesce({_map_sql('act', USERCENTRICS_ACTIONS)}, act) as action, banner as banner_version,
            null as country, null as browser
        from _uc""", "usercentrics", hashed=True)
    # A problem of one row of a decision is a problem of the decision (its first row).
    con.execute("update import_problems p set _src = d._group from src s, _uc d where s._src = p._src "
                "and d.cid = trim(s.\"Controller ID\") and d.ts = trim(s.\"Timestamp\") "
                "and d.act = lower(trim(s.\"Consent Action\"))")


ONETRUST_GIVEN = ("CONFIRMED",)
ONETRUST_NOT_GIVEN = ("NOTGIVEN", "WITHDRAWN", "EXPIRED", "OPT_OUT", "HARD_OPT_OUT", "IMPLICIT", "CANCEL")
ONETRUST_TRANSACTIONS = ONETRUST_GIVEN + ONETRUST_NOT_GIVEN + ("PENDING", "NO_CHOICE", "EXTEND",
                                                                "CHANGE_PREFERENCES")


def onetrust_receipts(imp: Import) -> None:
    if imp.fmt.shape == "json" or _starts_with(imp.path, "["):
        doc = _load_json_document(imp.path)
        records = doc if isinstance(doc, list) else [doc]
        if not all(isinstance(r, dict) for r in records):
            raise NotThisFormat("is not a list of OneTrust consent receipts (JSON objects)")
        _records_from_python(imp, records)
    else:
        _read_jsonl(imp)
    con = imp.con
    _skip(imp, "imp_true(o ->> 'test')", "'OneTrust test receipt (test true)'")
    con.execute("""create temp table _purposes as
        select _src, _src as _group, upper(p ->> 'TransactionType') as tx, p ->> 'Id' as key
        from (select _src, unnest(cast(o -> 'purposes' as json[])) as p from src
              where json_type(o -> 'purposes') = 'ARRAY')""")
    _problem(imp, "select distinct _src, 'action', 'unknown OneTrust TransactionType ' || chr(39) || left(tx, 40) "
                  f"|| chr(39) from _purposes where tx is null or tx not in {_in(ONETRUST_TRANSACTIONS)}")
    _categorise(con, "onetrust", f"select _group, key, tx in {_in(ONETRUST_GIVEN)} as given from _purposes "
                f"where tx in {_in(ONETRUST_GIVEN + ONETRUST_NOT_GIVEN)}", imp.report)
    _consent_rows(imp, f"""
        with s as (
            select src._src, src._src as _group, o ->> 'identifier' as visitor, o ->> 'interactionDate' as t_at,
                o ->> 'source' as source, o -> 'geoLocation' ->> 'country' as country,
                (select count(*) from _purposes p where p._src = src._src and p.tx in {_in(ONETRUST_GIVEN)}) as given,
                (select count(*) from _purposes p where p._src = src._src and p.tx in {_in(ONETRUST_NOT_GIVEN)}) as refused,
                (select count(*) from _purposes p where p._src = src._src and p.tx = 'WITHDRAWN') as withdrawn
            from src where _src not in (select _src from import_skipped))
        select _src, 0 as _part, _group, trim(t_at) as event_key, imp_ts(trim(t_at)) as occurred_at, visitor,
            case when withdrawn > 0 then 'withdraw' when given + refused = 0 then 'shown'
                 when refused = 0 then 'accept_all' when given = 0 then 'reject_all' else 'custom' end as action,
            'OneTrust ' || coalesce(source, 'consent receipt') as banner_version, country, null as browser
        from s""", "onetrust", hashed=True)


DIDOMI_ACTIONS = {"preference.shown": "shown", "preferences.click.agreetoall": "accept_all",
                  "preferences.click.disagreetoall": "reject_all", "preferences.click.savechoices": "custom"}
DIDOMI_OTHER = ("consent.given", "consent.refused")
DIDOMI_SCHEMA = json.dumps({
    "id": "VARCHAR", "notice_id": "VARCHAR", "user": {"id": "VARCHAR", "country": "VARCHAR"}, "created_at": "VARCHAR",
    "timestamp": "VARCHAR", "events": [{"action": "VARCHAR", "purpose": "VARCHAR", "vendor": "VARCHAR",
                                        "created_at": "VARCHAR", "timestamp": "VARCHAR"}]})


def didomi_files(path: str) -> list[str]:
    if os.path.isfile(path):
        return [path]
    found = sorted(str(p) for p in Path(path).rglob("*") if p.is_file()
                   and p.name.lower().endswith((".json", ".json.gz", ".ndjson", ".ndjson.gz", ".jsonl", ".jsonl.gz")))
    return found


def didomi_events(imp: Import) -> None:
    files = didomi_files(imp.path)
    if not files:
        raise NotThisFormat("holds no .json.gz, .json or .ndjson files (a Didomi export folder has them under "
                            "date=YYYY-MM-DD/)")
    _read_jsonl(imp, files)
    con = imp.con
    # Each record parsed once into its fields (a field of the wrong JSON type reads as missing, and is reported so).
    con.execute(f"""create temp table _rec as select _src, r.id, r.notice_id, r."user".id as uid,
            r."user".country as country, coalesce(r.created_at, r."timestamp") as t_rec, r.events
        from (select _src, json_transform(o, '{DIDOMI_SCHEMA}') as r from src)""")
    con.execute("""create temp table _events as
        select _src, n, e.action, coalesce(e.purpose, e.vendor) as key, coalesce(e.created_at, e."timestamp") as t_at
        from (select _src, unnest(events) as e, generate_subscripts(events, 1) as n from _rec)""")
    known = tuple(DIDOMI_ACTIONS) + DIDOMI_OTHER
    _problem(imp, "select distinct _src, 'action', 'unknown Didomi event action ' || chr(39) || "
                  f"left(coalesce(action, 'null'), 40) || chr(39) from _events where action is null "
                  f"or action not in {_in(known)}")
    _problem(imp, "select _src, 'occurred_at', 'no time: the record has no created_at or timestamp' from _rec "
                  "where t_rec is null and _src not in (select _src from _events where t_at is not null)")
    _categorise(con, "didomi", "select _src as _group, key, action = 'consent.given' as given from _events "
                "where action in ('consent.given', 'consent.refused')", imp.report)
    _consent_rows(imp, f"""
        select e._src, e.n as _part, e._src as _group, r.id || ':' || e.n as event_key,
            imp_ts(coalesce(e.t_at, r.t_rec)) as occurred_at, r.uid as visitor,
            {_map_sql('e.action', DIDOMI_ACTIONS)} as action, coalesce(r.notice_id, 'didomi') as banner_version,
            r.country, null as browser
        from _events e join _rec r using (_src) where e.action in {_in(DIDOMI_ACTIONS)}""", "didomi", hashed=False,
                  visitors="select distinct uid as visitor from _rec")


KLARO_TYPES = {"show": "shown", "accept": "accept_all", "decline": "reject_all", "save": "custom",
               "contextual-accept": "custom", "script": "custom"}


def klaro(imp: Import) -> None:
    _read_jsonl(imp)
    con = imp.con
    t = "(o -> 'consent_data' ->> 'type')"
    _problem(imp, f"select _src, 'action', 'unknown Klaro consent type ' || chr(39) || left(coalesce({t}, 'null'), 40) "
                  f"|| chr(39) || ' (known: {', '.join(KLARO_TYPES)})' from src where {_map_sql(t, KLARO_TYPES)} is null")
    _problem(imp, "select _src, 'event_id', 'a Klaro record needs the id your endpoint gave it (id)' from src "
                  "where nullif(trim(o ->> 'id'), '') is null")
    con.execute("""create temp table _consents as select _src, unnest(json_keys(c)) as key,
            c from (select _src, o -> 'consent_data' -> 'consents' as c from src
                    where json_type(o -> 'consent_data' -> 'consents') = 'OBJECT')""")
    _categorise(con, "klaro", "select _src as _group, key, (c ->> key) = 'true' as given from _consents", imp.report)
    _consent_rows(imp, f"""
        select _src, 0 as _part, _src as _group, trim(o ->> 'id') as event_key,
            imp_ts(coalesce(o ->> 'created_at', o ->> 'timestamp')) as occurred_at,
            coalesce(o ->> 'visitor_id', 'klaro-record:' || trim(o ->> 'id')) as visitor,
            {_map_sql(t, KLARO_TYPES)} as action,
            'klaro ' || coalesce(o -> 'location_data' ->> 'hostname', '') as banner_version,
            null as country, null as browser
        from src""", "klaro", hashed=False)
    _note_visitors(imp, "Klaro", "o ->> 'visitor_id'")


def _note_visitors(imp: Import, tool: str, visitor_sql: str) -> None:
    n = imp.con.execute(f"select count(*) from src where {visitor_sql} is null").fetchall()[0][0]
    if n:
        imp.report.notes.append(f"{n} {tool} record(s) carry no visitor id: each is its own visitor, so they cannot "
                                "be matched to cookie observations")


COOKIECONSENT_TYPES = {"all": "accept_all", "necessary": "reject_all", "custom": "custom"}


def cookieconsent(imp: Import) -> None:
    _read_jsonl(imp)
    con = imp.con
    t = "(o ->> 'acceptType')"
    _problem(imp, f"select _src, 'action', 'unknown cookieconsent acceptType ' || chr(39) || "
                  f"left(coalesce({t}, 'null'), 40) || chr(39) || ' (known: all, custom, necessary)' "
                  f"from src where {_map_sql(t, COOKIECONSENT_TYPES)} is null")
    _categorise(con, "cookieconsent", """
        select _src as _group, unnest(cast(o -> 'acceptedCategories' as varchar[])) as key, true as given from src
            where json_type(o -> 'acceptedCategories') = 'ARRAY'
        union all
        select _src, unnest(cast(o -> 'rejectedCategories' as varchar[])), false from src
            where json_type(o -> 'rejectedCategories') = 'ARRAY'""", imp.report)
    at = "coalesce(o ->> 'lastConsentTimestamp', o ->> 'consentTimestamp')"
    _consent_rows(imp, f"""
        select _src, 0 as _part, _src as _group, trim({at}) as event_key,
            imp_ts(trim({at})) as occurred_at, o ->> 'consentId' as visitor, {_map_sql(t, COOKIECONSENT_TYPES)} as action,
            'revision ' || coalesce(o ->> 'revision', '0') as banner_version, null as country, null as browser
        from src""", "cookieconsent", hashed=True)
    imp.report.notes.append("cookieconsent records hold decisions only: banner views (shown) are not in them")


# ------------------------------------------------------------------------------------------------------ cookies

def har(imp: Import) -> None:
    doc = _load_json_document(imp.path)
    entries = doc.get("log", {}).get("entries") if isinstance(doc, dict) and isinstance(doc.get("log"), dict) else None
    if not isinstance(entries, list):
        raise NotThisFormat("is not a HAR file (no log.entries)")
    digest = hashlib.sha256(Path(imp.path).read_bytes()).hexdigest()[:16]
    pages = {p.get("id"): str(p.get("title") or "") for p in doc["log"].get("pages") or [] if isinstance(p, dict)}
    rows = []
    for i, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            continue
        response = entry.get("response") if isinstance(entry.get("response"), dict) else {}
        names = [c.get("name") for c in response.get("cookies") or [] if isinstance(c, dict)]
        if not names:  # some recorders leave cookies[] empty and keep the Set-Cookie headers
            names = [str(h.get("value", "")).split("=", 1)[0] for h in response.get("headers") or []
                     if isinstance(h, dict) and str(h.get("name", "")).lower() == "set-cookie"]
        url = str((entry.get("request") or {}).get("url", "")) if isinstance(entry.get("request"), dict) else ""
        if str(pages.get(entry.get("pageref"), "")).startswith(("http://", "https://")):
            url = pages[entry.get("pageref")]  # the page the visitor was on, not the tracker's address
        for j, name in enumerate(names, start=1):
            rows.append((i, f"har:{digest}:{i}:{j}", str(entry.get("startedDateTime") or ""),
                         str(name if name is not None else "").strip(), url.split("?", 1)[0].split("#", 1)[0], j))
    imp.report.records_read = len(entries)
    imp.con.execute("create temp table src as select unnest($i) as _src, unnest($j) as _part, unnest($e) as event_id, "
                    "unnest($t) as t_at, unnest($n) as name, unnest($u) as url",
                    {"i": [r[0] for r in rows], "j": [r[5] for r in rows], "e": [r[1] for r in rows], "t": [r[2] for r in rows],
                     "n": [r[3] for r in rows], "u": [r[4] for r in rows]})
    _rows(imp, """select _src, _part, event_id, imp_ts(nullif(t_at, '')) as observed_at,
            imp_pseudo('har:' || $digest) as visitor_ref, nullif(name, '') as cookie_name,
            nullif(url, '') as page from src order by _src, event_id""", {"digest": digest})
    imp.report.notes.append("one synthetic visitor for the whole HAR file (a scanner's page loads, with no consent "
                            "given)")


def _starts_with(path: str, char: str) -> bool:
    try:
        with _open_text(path) as fh:
            head = fh.read(4096).lstrip()
    except (OSError, UnicodeDecodeError, EOFError):
        return False
    return head.startswith(char)


# ------------------------------------------------------------------------------------------------- the formats

def _f(name, log, shape, signature, fields, translate, description, every_record_yields=True):
    return Format(name, log, shape, tuple(signature), fields, translate, description, every_record_yields)


FORMATS: dict[str, Format] = {f.name: f for f in (
    _f("fides-requests", DSR, "csv", FIDES_COLUMNS,
       {"event_id": "Request ID", "request_id": "Request ID", "occurred_at": "Time Received / Completed On",
        "event": "Status", "request_type": "Request Type", "subject_ref": "identity columns"},
       fides_requests, "Fides privacy-request CSV"),
    _f("transcend-requests", DSR, "csv", TRANSCEND_COLUMNS,
       {"event_id": "Request ID", "request_id": "Request ID", "occurred_at": "Created At", "event": "Status",
        "request_type": "Request Type", "channel": "Origin", "subject_ref": "Email"},
       transcend_requests, "Transcend CLI request CSV"),
    _f("onetrust-requests", DSR, "json", ("requestQueueRefId", "dateCreated"),
       {"event_id": "requestQueueRefId", "request_id": "requestQueueRefId",
        "occurred_at": "dateCreated / closureDate", "event": "resolution", "request_type": "requestTypes",
        "subject_ref": "email", "note": "daysPaused"},
       onetrust_requests, "OneTrust DSR request list (JSON)"),
    _f("usercentrics-consent", CONSENT, "csv", USERCENTRICS_COLUMNS,
       {"event_id": "Controller ID, Timestamp, Consent Action", "occurred_at": "Timestamp",
        "visitor_ref": "Controller ID", "action": "Consent Action", "functional": "Consent Given",
        "analytics": "Consent Given", "banner_version": "CMP Configuration ID / Version"},
       usercentrics_consent, "Usercentrics consent history CSV", every_record_yields=False),
    _f("onetrust-receipts", CONSENT, "jsonl", ("identifier", "interactionDate", "purposes"),
       {"event_id": "identifier, interactionDate", "occurred_at": "interactionDate", "visitor_ref": "identifier",
        "action": "purposes[].TransactionType", "functional": "purposes[]", "analytics": "purposes[]",
        "banner_version": "source", "country": "geoLocation.country"},
       onetrust_receipts, "OneTrust consent receipts (JSON or JSON Lines)"),
    _f("didomi-events", CONSENT, "jsonl", ("events", "user"),
       {"event_id": "id", "occurred_at": "created_at", "visitor_ref": "user.id", "action": "events[].action",
        "functional": "events[].purpose", "analytics": "events[].purpose", "banner_version": "notice_id",
        "country": "user.country"},
       didomi_events, "Didomi events (NDJSON, gzipped or not, or a folder of date= partitions)"),
    _f("klaro", CONSENT, "jsonl", ("consent_data",),
       {"event_id": "id", "occurred_at": "created_at", "visitor_ref": "visitor_id", "action": "consent_data.type",
        "functional": "consent_data.consents", "analytics": "consent_data.consents",
        "banner_version": "location_data.hostname"},
       klaro, "Klaro consent records (JSON Lines)"),
    _f("cookieconsent", CONSENT, "jsonl", ("acceptType", "consentId"),
       {"event_id": "consentId, consentTimestamp", "occurred_at": "lastConsentTimestamp / consentTimestamp",
        "visitor_ref": "consentId", "action": "acceptType", "functional": "acceptedCategories",
        "analytics": "acceptedCategories", "banner_version": "revision"},
       cookieconsent, "orestbida cookieconsent v3 preferences (JSON Lines)"),
    _f("har", COOKIES, "json", ("log",),
       {"event_id": "entry and cookie index", "observed_at": "startedDateTime", "cookie_name": "response.cookies[].name",
        "page": "request.url"},
       har, "HTTP Archive 1.2", every_record_yields=False),
)}
NAMES = ("contract",) + tuple(FORMATS)
CONTRACT_SUFFIXES = (".csv", ".csv.gz", ".jsonl", ".ndjson", ".jsonl.gz", ".parquet")
SUFFIXES = CONTRACT_SUFFIXES + (".ndjson.gz", ".json", ".json.gz", ".har")


# ----------------------------------------------------------------------------------------------- recognition

@dataclass
class Recognised:
    format: Format | None  # None: the contract
    log: Log | None


def _contract_log(keys: set[str]) -> Log | None:
    for log in LOGS.values():
        needed = {c.name for c in log.columns if c.required or c.required_when or c.required_unless}
        if needed <= keys <= set(log.column_names):
            return log
    return None


def _first_object(path: str) -> dict | None:
    try:
        with _open_text(path) as fh:
            line = fh.readline()
        obj = json.loads(line)
    except (OSError, UnicodeDecodeError, EOFError, json.JSONDecodeError, ValueError):
        return None
    return obj if isinstance(obj, dict) else None


DOCUMENT_KEYS = {"log", "content", "requestQueueRefId"}  # a HAR file or a OneTrust request list, minified
OPEN_COLUMNS = ("fides", "transcend")  # exports with a column per identity, attribute or custom field


def _close(keys: set[str]) -> list[str]:
    """Formats whose columns are these but one (or two): what differs."""
    out = []
    candidates = [(f.name, set(f.signature), set(f.signature)) for f in FORMATS.values() if f.shape == "csv"]
    candidates += [(f"contract {log.name}", {c.name for c in log.columns if c.required}, set(log.column_names))
                   for log in LOGS.values()]
    for name, needed, allowed in candidates:
        missing = needed - keys
        extra = keys - allowed if not name.startswith(OPEN_COLUMNS) else set()
        if missing and len(missing) + len(extra) <= 2 or (not missing and extra and len(extra) <= 1
                                                            and name.startswith("contract")):
            parts = []
            if missing:
                parts.append("missing " + ", ".join(repr(c) for c in sorted(missing)))
            if extra:
                parts.append("unexpected " + ", ".join(repr(c[:40]) for c in sorted(extra)))
            out.append(f"close to {name}: {'; '.join(parts)}")
    return out


def unknown_format(detail: str, keys: set[str] | None = None) -> str:
    close = _close(keys) if keys else []
    return (f"is in no known format ({detail})" + ("; " + "; ".join(close) if close else "")
            + ". Known formats: the contract (docs/data-contract.md), "
            + ", ".join(f"{f.name} ({f.description})" for f in FORMATS.values())
            + "; force one with --format NAME")


def recognise(path: str, forced: str | None = None, log_name: str | None = None) -> Recognised:
    """Which format a file is in, from its header or fields (not its name). Raises NotThisFormat when it is in
    none we know."""
    from dashboard.contract import log_for_file

    if forced and forced != "contract":
        if forced not in FORMATS:
            raise NotThisFormat(f"--format {forced[:40]!r} is not a format (one of: {', '.join(NAMES)})")
        return Recognised(FORMATS[forced], FORMATS[forced].log)
    named = LOGS.get(log_name) if log_name else None
    if forced == "contract" or not os.path.exists(path):
        return Recognised(None, named or log_for_file(path))
    if os.path.isdir(path):
        return Recognised(FORMATS["didomi-events"], CONSENT)
    lower = path.lower()
    if not lower.endswith(SUFFIXES):
        raise NotThisFormat("unsupported file type: use .csv, .csv.gz, .jsonl (.ndjson), .parquet, or a privacy "
                            "tool's export (" + ", ".join(s for s in SUFFIXES if s not in CONTRACT_SUFFIXES) + ")")
    if lower.endswith(".parquet"):
        return Recognised(None, named or log_for_file(path))
    if _starts_with(path, "{") or _starts_with(path, "["):
        first = _first_object(path)
        if first is not None and not DOCUMENT_KEYS & set(first):  # JSON Lines (not a document on one line)
            keys = set(first)
            log = _contract_log(keys)
            if log:
                return Recognised(None, named or log)
            for f in FORMATS.values():
                if f.shape != "csv" and f.name != "har" and set(f.signature) <= keys:
                    return Recognised(f, f.log)
            if named:
                return Recognised(None, named)
            if log_for_file(path):
                return Recognised(None, log_for_file(path))
            raise NotThisFormat(unknown_format("a JSON Lines file with keys " + ", ".join(sorted(keys)[:12])))
        if lower.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")) and log_for_file(path):
            return Recognised(None, named or log_for_file(path))
        doc = _load_json_document(path)
        if isinstance(doc, dict) and isinstance(doc.get("log"), dict):
            return Recognised(FORMATS["har"], COOKIES)
        items = doc.get("content") if isinstance(doc, dict) and "content" in doc else doc
        sample = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else (
            items if isinstance(items, dict) else {})
        if "requestQueueRefId" in sample:
            return Recognised(FORMATS["onetrust-requests"], DSR)
        if {"identifier", "interactionDate"} <= set(sample):
            return Recognised(FORMATS["onetrust-receipts"], CONSENT)
        raise NotThisFormat(unknown_format("a JSON document that is neither a HAR file nor a OneTrust export"))
    header = csv_header(path)
    if header is None:
        if named or log_for_file(path):
            return Recognised(None, named or log_for_file(path))
        raise NotThisFormat(unknown_format("not readable as CSV or JSON"))
    keys = set(header)
    log = _contract_log(keys)
    if log:
        return Recognised(None, named or log)
    for f in FORMATS.values():
        if f.shape == "csv" and set(f.signature) <= keys:
            return Recognised(f, f.log)
    if named:
        return Recognised(None, named)
    if log_for_file(path):
        return Recognised(None, log_for_file(path))
    raise NotThisFormat(unknown_format("a CSV file with columns " + ", ".join(header[:12])
                                       + (", ..." if len(header) > 12 else ""), keys))


def digest_of(path: str) -> str:
    """sha256 of a file, or of a folder's files (their names and contents, in name order)."""
    if os.path.isfile(path):
        from dashboard.ingest import sha256_of

        return sha256_of(path)
    digest = hashlib.sha256()
    for name in didomi_files(path):
        digest.update(os.path.relpath(name, path).encode() + b"\0")
        with open(name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


def translate(con: duckdb.DuckDBPyConnection, path: str, fmt: Format, key: bytes) -> Report:
    """Run fmt's importer: import_rows, import_problems, import_skipped and the report (rows per log, skips)."""
    report = Report(fmt.name)
    install(con, key)
    _categories(con)
    imp = Import(con, path, fmt, report)
    try:
        fmt.translate(imp)
    except NotThisFormat:
        raise
    except duckdb.OutOfMemoryException:
        raise
    except duckdb.Error as exc:
        raise NotThisFormat(f"cannot be read as {fmt.name}: {_first_line(exc)}") from exc
    if not report.records_read:
        report.records_read = con.execute("select count(*) from src").fetchall()[0][0]
    from dashboard import privacy

    report.notes = privacy.redact_all(report.notes)  # (one query) a service's "name" can be crafted
    report.skipped = dict(con.execute(
        "select reason, count(distinct _src) from import_skipped group by reason order by 2 desc, 1").fetchall())
    return report


def add_untranslated(con: duckdb.DuckDBPyConnection, report: Report, fmt: Format) -> None:
    """After staging: count the rows produced, and give each source row the importer could not translate at all a
    row of its own in staged, so its rejection names it (file, row, field) instead of it vanishing."""
    report.rows_produced = {fmt.log.name: con.execute("select count(*) from staged").fetchall()[0][0]}
    if fmt.every_record_yields:  # a record that made no row, was not skipped and has no reason yet: say so
        con.execute(
            "insert into import_problems select _src, $col, $reason from src where _src not in "
            "(select _src from staged) and _src not in (select _src from import_skipped) "
            "and _src not in (select _src from import_problems)",
            {"col": {"dsr_events": "request_type", "consent_events": "action"}.get(fmt.log.name, fmt.log.id_column),
             "reason": f"nothing in this record reads as a {fmt.name} record (no "
                                                  "request type, event, action or choice in it)"})
    con.execute("insert into staged (_row, _src) select (select coalesce(max(_row), 0) from staged) "
                "+ row_number() over (order by _src), _src from (select distinct _src from import_problems "
                "where _src not in (select _src from staged))")
