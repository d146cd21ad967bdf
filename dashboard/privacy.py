"""The privacy guard: raw personal identifiers (personal identity numbers, e-mail addresses, phone numbers) in the
logs.

What it catches (docs/security.md, "The privacy guard", says the same for users):
- a Swedish personal identity number (personnummer) or co-ordination number (samordningsnummer): 10 or 12 digits
  whose month is 01-12, whose day is 01-31 (61-91 for a co-ordination number), whose century (12 digits) is 18, 19
  or 20, and whose last digit is the Luhn check digit over the ten-digit form; written with any separators (spaces,
  '-', '+', '.', '/') between its digits, in digits of any script (full-width, Arabic-Indic, ...), alone or inside
  longer text, also when a float column wrote it as 199001011239.0;
- an e-mail address, also written `name (at) example.se`, `name [at] example [dot] se`, `name at example dot se`
  or with a full-width at sign;
- a phone number: international (`+46 70 123 45 67`, `0046 ...`, any `+<country>` number of 7-13 digits), a
  Swedish mobile number (`070-123 45 67`) or a Swedish number written with its area code and a dash
  (`08-123 45 67`).
A UUID or a hex digest (a hashed e-mail address) is a machine's id: only its groups of decimal digits are read (a
group with a hex letter is random, and random ones read as a personal number about once in 1 500 to 8 000). So is a
Google Analytics client id, as a whole (its Unix time read as one for about one visitor in 80).
Before checking, digits of every script become ASCII digits, invisible format characters are dropped and runs of white
space become one space, so look-alike or padded writing does not slip through.

The rule is written once, as DuckDB macros: ingest applies it to millions of rows inside DuckDB, and
identifier_kind() and redact() apply the very same rule to a single value (messages, tests).
"""

from __future__ import annotations

import functools
import threading
import unicodedata

import duckdb

MARKERS = {"personal number": "[personnummer]", "e-mail address": "[e-post]", "phone number": "[telefonnummer]"}


# Every decimal digit, space separator and dash Unicode has lies below U+20000 (planes 0 and 1): reading only those
# costs a tenth of reading all 1.1 million code points, once per process (a test checks nothing lies above).
LAST_CODE_POINT = 0x20000


@functools.cache
def _ascii_map(last: int = LAST_CODE_POINT) -> tuple[str, str]:
    """Characters that stand in for ASCII ones, and those ASCII ones, for translate(): every decimal digit of
    another script (Unicode category Nd), look-alike at and plus signs, spaces (Zs) and dashes."""
    src, dst = [], []
    for code in range(0x80, last):
        ch = chr(code)
        category = unicodedata.category(ch)
        if category == "Nd":
            src.append(ch), dst.append(str(unicodedata.decimal(ch)))
        elif category == "Zs":
            src.append(ch), dst.append(" ")
        elif category == "Pd" or ch == "\u2212":
            src.append(ch), dst.append("-")
    for ch, ascii_ch in (("＠", "@"), ("﹫", "@"), ("＋", "+"), ("﹢", "+"), ("．", "."), ("。", ".")):
        src.append(ch), dst.append(ascii_ch)
    return "".join(src), "".join(dst)


# After translation every pattern below is ASCII (cheap to compile and to run).
RUN = r"\d(?:[\s.\-+/]{0,3}\d)+"  # digits with up to three separators between them: may be one number
WORD = r"[^\s@<>()\[\]{},;:\"'/\\]"  # a character of an e-mail address (letters of any script included)
EMAIL = rf"{WORD}+@{WORD}+\.[^\s@<>()\[\]{{}},;:\"'/\\.0-9]{{2,}}"
PHONE = "|".join((
    r"(?:\+|\b0046)\s*[1-9]\d{0,2}(?:[\s\-().]{0,2}\d){6,12}\b",  # international
    r"\b07[02369](?:[\s\-]{0,2}\d){7}\b",  # Swedish mobile
    r"\b0[1-9]\d{0,2}\s*-\s*\d{2,3}(?:\s{0,2}\d){3,6}\b",  # Swedish, area code and dash
))
# A zero-padded counter after a short code and a dash or underscore ("CE-0001010008", "inv_0012310007"): an id
# numbering rows, not a person. Ten digits "00MMDD...." would otherwise read as someone born in 1900 or 2000, and one
# id in ten of a log past a million rows would be refused. Such a person's number written with a separator
# ("000101-0008") or the century ("20000101-0008") is still caught.
COUNTER = r"(^|[^0-9A-Za-z])[A-Za-z]{1,12}[-_]00\d{8}(?:\d*)\b"
# A value can hold a personal number only where a run of digits has a group of exactly 10 or 12 digits, or two
# groups of 2, 4, 6 or 8 digits side by side (the shapes pa_pnr_shape accepts): values without one (most ids, like
# "V-000020431-1") skip the costly look at every slice of every run (about ten times as fast; a test checks that
# the rule gives the same answer with and without this look).
PNR_CANDIDATE = r"(?:^|\D)(?:\d{10}|\d{12}|(?:\d\d){1,4}[\s.\-+/]{1,3}(?:\d\d){1,4})(?:\D|$)"
# A value that is nothing but such a counter, perhaps with a dash and up to three digits after it ("CE-0000000001",
# "TR_0012345678", "CE-0000000001-3", as ids merged from several sources are written) holds no identifier by the
# full rule: no at sign, its digits are not read for a personal number, and it is a phone number only when its
# digits begin 0046 (excluded here, so those still get the full check). (After an underscore the counter is not one
# to the full rule, whose \b sees no boundary there, so only a dash may follow.) The first look skips it: the ids of
# a log past a million rows are mostly this (a test holds the first look to the full rule on such values).
# Also skipped: a code and at most nine digits, perhaps with a dash and up to three digits after them
# ("V-000082133-3", "ORD-12345-1"). No slice of two such groups is a personal number (one of 10 or 12 digits, or
# groups of even length ending in four or in two and two), and they are a phone number only when their digits begin
# 07 or 0046 (excluded here: "V-0701234-567" is one).
SHORT_ID = r"[A-Za-z]{1,12}[-_](?:[1-9]\d{0,8}|0(?:[1-689]\d{0,7})?|00(?:[0-35-9]\d{0,6})?|004(?:[0-57-9]\d{0,5})?)"
COUNTER_ONLY = rf"(?:[A-Za-z]{{1,12}}[-_]00(?:[0-35-9]\d|4[0-57-9])\d{{6,}}|{SHORT_ID})(?:-\d{{1,3}})?"
# A machine's id: a UUID (8-4-4-4-12 hex digits) or a hex digest (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512),
# the pseudonyms tools and hashed e-mail addresses are written as. Its digits are read only in groups of decimal
# digits alone ("19900101-1239-4abc-..."): a group with a hex letter in it is a random number, and read as text a
# random UUID held a valid personal number about once in 8 000 and a SHA-256 digest once in 1 500 (docs/security.md).
HEX = "[0-9a-fA-F]"
HEX_ID = "|".join([rf"{HEX}{{8}}-{HEX}{{4}}-{HEX}{{4}}-{HEX}{{4}}-{HEX}{{12}}",
                   *(rf"{HEX}{{{n}}}" for n in (32, 40, 56, 64, 96, 128))])
HEX_GROUP = rf"{HEX}*[a-fA-F]{HEX}*"  # (replaced by '#': no separator, so no two groups of digits join)
# A Google Analytics client id, the _ga cookie's value that the policy's analytics sets: a random number and the Unix
# time of the first visit ("GA1.2.1234567890.1699999999", or without the prefix). Read as text its ten-digit time
# held a valid personal number for about one visitor in 80, so it is read as a whole id, not as digits.
GA_CLIENT_ID = r"(?:GA\d\.\d\.)?\d{1,10}\.1\d{9}"
MACHINE_ID = f"{HEX_ID}|{GA_CLIENT_ID}"
# A plain id: letters, digits, dashes and underscores only ("S-47737c8b1323-1", "REQ_2024-17"), in which no seven
# digits stand together with at most three dashes between them (SEVEN_DIGITS). By the full rule it holds nothing:
# no at sign, no white space or brackets for an address written in words; its runs of digits (separators are
# only dashes here) hold at most six digits, where a personal number has 10 or 12 and every phone number's pattern
# at least seven; a counter the rule sets aside has ten. The first look skips it (a test holds it to the full
# rule). Pseudonyms of twelve hex characters and a suffix pass the prefilter, which counts a hex letter as a
# separator between digits: of 4.3 million in ten million request events, 3.2 million went to the full rule, now
# 1.0 million (the look and the rule over them 6.6-7.3 s -> 4.8-5.0 s).
PLAIN_ID = r"[A-Za-z0-9_-]+"
SEVEN_DIGITS = r"\d(?:-{0,3}\d){6}"
# Cheap first look: only values with ten digits (white space of any length between them), a '+', a leading 0 or 00
# before digits, or something like an at sign get the full check.
PREFILTER = r"\d(?:(?:\D{0,3}|\s*[^\d\s]{0,3}\s*)\d){9}|\+\s*\d|(?:^|\D)00?\s*[1-9]|@|(?i:\bat\b|snabel)"


def q(text: str) -> str:
    """Text for a SQL string literal."""
    return text.replace("'", "''")


def first_look_sql() -> str:
    """The guard's first look (pa_first_look), all an ingest needs while no value passes it."""
    return rf"""
-- n with the random parts of a machine's id as '#': a UUID's or hex digest's groups that hold a hex letter (its
-- groups of digits are still read), a Google Analytics client id whole.
create or replace temp macro pa_unid(n) as (
    case when regexp_full_match(n, '{q(HEX_ID)}') then regexp_replace(n, '{q(HEX_GROUP)}', '#', 'g')
         when regexp_full_match(n, '{q(GA_CLIENT_ID)}') then '#'
         else n end
);
-- The cheap first look: only values that are not ASCII or match PREFILTER can hold an identifier, and not
-- values that are only a counter after a code (COUNTER_ONLY), nor a machine's id (MACHINE_ID) whose digits left
-- to read never make seven in a row (fewer than any personal or phone number has), nor a plain id (PLAIN_ID)
-- without seven digits together.
create or replace temp macro pa_first_look(v) as (
    (strlen(v) <> length(v) or regexp_matches(v, '{q(PREFILTER)}')) and not regexp_full_match(v, '{q(COUNTER_ONLY)}')
    and not (regexp_full_match(v, '{q(MACHINE_ID)}') and not regexp_matches(pa_unid(v), '\d(?:-?\d){{6}}'))
    and not (regexp_full_match(v, '{q(PLAIN_ID)}') and not regexp_matches(v, '{q(SEVEN_DIGITS)}'))
);
"""


def full_rule_sql() -> str:
    """The guard's full rule (pa_full_kind, pa_kind, pa_redact), over the first look's macros."""
    src, dst = _ascii_map()
    return rf"""
-- The Luhn check over ten ASCII digits (written out: a list comprehension costs ten times as much).
create or replace temp macro pa_luhn10(d) as (
    ((2 * (ascii(d[1]) - 48) - 9 * ((ascii(d[1]) - 48) >= 5)::int)
     + (ascii(d[2]) - 48)
     + (2 * (ascii(d[3]) - 48) - 9 * ((ascii(d[3]) - 48) >= 5)::int)
     + (ascii(d[4]) - 48)
     + (2 * (ascii(d[5]) - 48) - 9 * ((ascii(d[5]) - 48) >= 5)::int)
     + (ascii(d[6]) - 48)
     + (2 * (ascii(d[7]) - 48) - 9 * ((ascii(d[7]) - 48) >= 5)::int)
     + (ascii(d[8]) - 48)
     + (2 * (ascii(d[9]) - 48) - 9 * ((ascii(d[9]) - 48) >= 5)::int)
     + (ascii(d[10]) - 48)) % 10 = 0
);
-- d: ASCII digits. A personal number when 10 or 12 of them have a plausible date and a valid check digit.
create or replace temp macro pa_pnr_digits(d) as (
    case
        when length(d) not in (10, 12) then false
        when length(d) = 12 and left(d, 2) not in ('18', '19', '20') then false
        when not substr(right(d, 10), 3, 2) between '01' and '12' then false
        when not (substr(right(d, 10), 5, 2) between '01' and '31'
                  or substr(right(d, 10), 5, 2) between '61' and '91') then false
        else pa_luhn10(right(d, 10))
    end
);
-- A run of digits (its digit groups g, split where separators stood) holds a personal number when the digits of
-- some consecutive groups are one, written as people write them: one group of 10 or 12 digits, or groups of 2, 4,
-- 6 or 8 digits ending in the four last digits ("900101-1239", "19900101 1239", "90 01 01 - 12 39"). So
-- "2026-01-31 199001011239" and "199001011239.0" hold one, while "S-d28207166656" (eleven digits) and
-- "V-123456789-1" (nine and one) are numbers of other shapes and do not.
create or replace temp macro pa_pnr_shape(g) as (
    len(g) = 1 or (
        list_bool_and(list_transform(g, lambda x: length(x) in (2, 4, 6, 8)))
        and (length(g[-1]) = 4 or (length(g[-1]) = 2 and length(g[-2]) = 2)))
);
create or replace temp macro pa_run_has_pnr(g) as (
    list_bool_or(list_transform(
        flatten(list_transform(range(1, len(g) + 1),
                               lambda i: list_transform(range(i, len(g) + 1), lambda j: g[i:j]))),
        lambda c: pa_pnr_shape(c) and pa_pnr_digits(array_to_string(c, ''))))
);
-- The runs of digits in n that hold a personal number, as written (separators included); counters are not read,
-- and only text with a candidate (PNR_CANDIDATE) has its runs looked at.
create or replace temp macro pa_pnr_runs_in(m) as (
    list_transform(
        list_filter(
            list_transform(regexp_extract_all(m, '{q(RUN)}'),
                           lambda r: {{'raw': r, 'groups': regexp_extract_all(r, '\d+')}}),
            lambda x: pa_run_has_pnr(x.groups)),
        lambda x: x.raw)
);
create or replace temp macro pa_pnr_runs(n) as (
    list_transform([regexp_replace(n, '{q(COUNTER)}', '\1 ', 'g')], lambda m:
        case when regexp_matches(m, '{q(PNR_CANDIDATE)}') then pa_pnr_runs_in(m) else [] end)[1]
);
-- ASCII: digits of any script, look-alike signs, spaces and dashes as their ASCII forms, invisible format
-- characters dropped (only for values that are not ASCII already: strlen counts bytes, length characters).
create or replace temp macro pa_ascii(v) as (
    case when strlen(v) <> length(v)
         then regexp_replace(translate(v, '{q(src)}', '{q(dst)}'), '\p{{Cf}}', '', 'g')
         else v
    end
);
-- E-mail addresses written out in words ("name (at) example (dot) se", "name at example dot se") as addresses.
create or replace temp macro pa_mail_words(a) as (
    case when not regexp_matches(a, '(?i)at|snabel') then a else regexp_replace(regexp_replace(regexp_replace(a,
        '\s*[(\[{{<]\s*(?i:at|snabel-?a)\s*[)\]}}>]\s*', '@', 'g'),
        '\s*[(\[{{<]\s*(?i:dot|punkt)\s*[)\]}}>]\s*', '.', 'g'),
        '(?i)\s+(?:at|snabel-?a)\s+({q(WORD)}+)\s+(?:dot|punkt)\s+', '@\1.', 'g') end
);
-- The normalised text the rules read. (A macro repeats its argument wherever it is used: a one-element list and a
-- lambda compute an argument once, which keeps the expanded SQL small and quick to bind.)
-- Runs of white space are one space, so padding ("900101 -    1239", "+46      70 ...") hides nothing, and an at
-- sign takes no space around it ("anna @ example.se").
create or replace temp macro pa_norm(v) as (
    list_transform([regexp_replace(pa_ascii(v), '\s{{2,}}', ' ', 'g')], lambda a: pa_mail_words(
        case when contains(a, '@') then regexp_replace(a, '\s*@\s*', '@', 'g') else a end))[1]
);
create or replace temp macro pa_kind_of(n) as (
    case
        when contains(n, '@') and regexp_matches(n, '{q(EMAIL)}') then 'e-mail address'  -- (the @ first: cheap)
        when len(pa_pnr_runs(n)) > 0 then 'personal number'
        when regexp_matches(n, '{q(PHONE)}') then 'phone number'
    end
);
-- The kind of personal identifier in v ('personal number', 'e-mail address', 'phone number'), or NULL: by the
-- full rule alone (for values that passed the first look), and with the first look.
create or replace temp macro pa_full_kind(v) as (list_transform([pa_norm(v)], lambda n: pa_kind_of(pa_unid(n)))[1]);
create or replace temp macro pa_kind(v) as (case when pa_first_look(v) then pa_full_kind(v) end);
-- v with every personal identifier replaced by a marker; v itself when it holds none.
create or replace temp macro pa_redact(v) as (
    case
        when pa_kind(v) is null then v
        else list_transform([pa_norm(v)], lambda n: list_transform(
            [regexp_replace(n, '{q(EMAIL)}', '{MARKERS["e-mail address"]}', 'g')],
            lambda m: regexp_replace(
                list_reduce(pa_pnr_runs(m), lambda acc, r: replace(acc, r, '{MARKERS["personal number"]}'), m),
                '{q(PHONE)}', '{MARKERS["phone number"]}', 'g'))[1])[1]
    end
);
"""


def install_first_look(con: duckdb.DuckDBPyConnection) -> None:
    """Define the first look on a connection (temporary macros: nothing is written to a store)."""
    con.execute(first_look_sql())


def install_full_rule(con: duckdb.DuckDBPyConnection) -> None:
    """Define the full rule on a connection that has the first look, once. Defining it takes 25-50 ms, a sixth of
    a small file's ingest, so an ingest defines it only when a value passes the first look or a row is rejected."""
    if not con.execute("select exists (from duckdb_functions() where function_name = 'pa_redact' "
                       "and function_type = 'macro')").fetchall()[0][0]:
        con.execute(full_rule_sql())


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define every macro of the guard on a connection."""
    install_first_look(con)
    install_full_rule(con)


_lock = threading.Lock()


@functools.cache
def _checker() -> duckdb.DuckDBPyConnection:
    # Temporary macros belong to one connection, so the checker keeps its own and serialises its use.
    con = duckdb.connect()
    install_macros(con)
    return con


def _apply(macro: str, values: list[str]) -> list:
    """pa_kind or pa_redact of each value, in one query for many values. Binding the full rule costs tens of
    milliseconds a query (a tenth of a second for pa_redact), so it is asked only of the values that pass the first
    look; a value that does not holds no identifier (pa_kind NULL, pa_redact the value itself), as in the macros."""
    texts = [str(v) for v in values]
    query = "select {}(v) from unnest($vs) with ordinality as t(v, i) order by i"
    with _lock:
        con = _checker()
        looks = [r[0] for r in con.sql(query.format("pa_first_look"), params={"vs": texts}).fetchall()]
        suspects = [t for t, look in zip(texts, looks) if look]
        full = iter([r[0] for r in con.sql(query.format(macro), params={"vs": suspects}).fetchall()] if suspects
                    else [])
    return [next(full) if look else (text if macro == "pa_redact" else None) for text, look in zip(texts, looks)]


def identifier_kinds(values: list) -> list[str | None]:
    """identifier_kind() of each value, in one query."""
    return _apply("pa_kind", values) if values else []


def redact_all(values: list) -> list[str]:
    """redact() of each value, in one query."""
    return _apply("pa_redact", values) if values else []


def identifier_kind(value) -> str | None:
    """'personal number', 'e-mail address' or 'phone number' when value holds one, else None."""
    if value is None or value == "":
        return None
    return identifier_kinds([value])[0]


def redact(text) -> str:
    """text with every personal identifier replaced by its marker (for messages that quote input)."""
    if text is None or text == "":
        return "" if text is None else text
    return redact_all([text])[0]
