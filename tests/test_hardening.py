"""Hostile and absurd input at ingest (issue 16): plausible bounds, taking a file back out, corrections reported as
conflicts, and errors that say what they are. Each class with several inputs."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ingest import ingest_file
from tests.conftest import ROOT
from tests.helpers import refusals, rows, run_cli, snapshot, table, write


def process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m dashboard ARGS` in a process of its own (cli: the same main() in this one)."""
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=300)


cli = run_cli


# --- 3. absurd values -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("log", ["transfers", "hold_events"])
@pytest.mark.parametrize("value, reason", [
    ("1000000001", "is more than 1,000,000,000"),
    ("999999999999999999", "is more than 1,000,000,000"),
    ("9223372036854775808", "is more than 1,000,000,000"),
    ("1" + "0" * 40, "is more than 1,000,000,000"),
    ("-99999999999999999999", "is less than 1"),
    ("0", "is less than 1"),
    ("1e9", "is not a whole number"),
])
def test_implausible_counts_are_rejected(tmp_path, db, log, value, reason):
    result = ingest_file(str(write(tmp_path / f"{log}.csv", rows(log, {}, {"record_count": value}))), db)
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.rejections[0].column == "record_count" and reason in result.rejections[0].reason


def test_the_largest_plausible_counts_load_and_their_sums_work(tmp_path, db):
    big = [{"record_count": "1000000000", "country": "US", "mechanism": "scc"} for _ in range(12)]
    assert ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", *big))), db).accepted == 12
    done = cli("metrics", "--from", "2026-01-01", "--to", "2026-12-31", "--as-of", "2026-11-24", "--db", str(db),
               "--json")
    assert done.returncode == 0, done.stderr
    assert '"records": 12000000000' in done.stdout


@pytest.mark.parametrize("value, reason", [
    ("2026-02-01T10:00:00+15:00", "UTC offset beyond"),
    ("2026-02-01T10:00:00-14:30", "UTC offset beyond"),
    ("2026-02-01T10:00:00+05:75", "UTC offset beyond"),
    ("2026-02-01T10:00:00+9900", "UTC offset beyond"),
    ("0001-01-01T00:00:00Z", "before 1990"),
    ("1989-12-31T23:59:59Z", "before 1990"),
    ("9999-12-31T00:00:00Z", "in the future"),
])
def test_implausible_times_are_rejected(tmp_path, db, value, reason):
    result = ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", {}, {"occurred_at": value}))), db)
    assert (result.accepted, result.rejected) == (1, 1), result.rejections
    assert reason in result.rejections[0].reason


@pytest.mark.parametrize("value", ["2026-02-01T10:00:00+14:00", "2026-02-01T10:00:00-12:00", "1990-01-01T12:00:00Z",
                                   "2026-02-01T10:00:00+0530"])
def test_the_edges_of_plausible_times_load(tmp_path, db, value):
    assert ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", {"occurred_at": value}))),
                       db).accepted == 1


@pytest.mark.parametrize("retain_until, ok", [
    ("2026-01-31", False),  # before the placement on 2026-02-01
    ("2026-02-01", True),
    ("2126-02-01", True),  # a century exactly
    ("2126-02-02", False),
    ("9999-12-31", False),
    ("1900-01-01", False),
    # dates past the range of a timestamp (year 294247): compared with one they stopped the whole check with a
    # conversion error, where the row alone must be rejected
    ("300000-01-01", False),
    ("294248-01-01", False),
    ("5881580-07-10", False),
])
def test_retain_until_lies_after_placement_and_within_a_century(tmp_path, db, retain_until, ok):
    result = ingest_file(str(write(tmp_path / "hold_events.csv",
                                   rows("hold_events", {"retain_until": retain_until}))), db)
    assert result.accepted == (1 if ok else 0), result.rejections
    if not ok:
        assert result.rejections[0].column == "retain_until"


def test_unload_takes_one_file_back_out_and_nothing_else(tmp_path, db):
    first = ingest_file(str(write(tmp_path / "dsr_events_a.csv", rows("dsr_events", {}, {"request_id": "r2"}))), db)
    before = snapshot(db)
    second = ingest_file(str(write(tmp_path / "dsr_events_b.csv", rows("dsr_events", {"request_id": "r9", "event_id": "x1"}, {
        "request_id": "r9", "event_id": "x2", "event": "completed", "occurred_at": "2026-02-10T10:00:00+01:00"}, {
        "event": "bogus", "event_id": "x3"}))), db)
    assert (first.accepted, second.accepted, second.rejected) == (2, 2, 1)
    done = cli("unload", str(second.run_id), "--db", str(db))
    assert done.returncode == 0 and "2 rows and 1 rejected rows removed" in done.stdout, done.stderr
    after = snapshot(db)
    after.pop("ingest_runs"), before.pop("ingest_runs")
    assert after == before, "every table as before the second load (request_rollup included)"
    con = duckdb.connect(str(db), read_only=True)
    try:
        runs = con.sql("select run_id, unloaded_at is not null from ingest_runs where refused is null "
                       "order by run_id").fetchall()
    finally:
        con.close()
    assert runs == [(first.run_id, False), (second.run_id, True)]  # marked unloaded, kept
    again = ingest_file(str(tmp_path / "dsr_events_b.csv"), db)
    assert (again.accepted, again.seen_before) == (2, False), "the same file loads again after an unload"
    assert cli("unload", str(second.run_id), "--db", str(db)).returncode == 2  # already unloaded
    for bad in ("999", "0", "-1"):
        done = cli("unload", bad, "--db", str(db))
        assert done.returncode == 2 and "Traceback" not in done.stderr and "no run" in done.stderr


def test_unloading_a_cookie_file_recomputes_consent_in_force(tmp_path, db):
    ingest_file(str(write(tmp_path / "consent_events.csv", rows("consent_events", {}))), db)
    obs = ingest_file(str(write(tmp_path / "cookie_observations.csv", rows("cookie_observations", {}, {}))), db)
    assert len(table(db, "cookie_consent")) == 2
    assert cli("unload", str(obs.run_id), "--db", str(db)).returncode == 0
    assert table(db, "cookie_consent") == [] and table(db, "cookie_observations") == []


# --- 4. corrections are conflicts ---------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"note": "corrected"}, {"event": "completed"}, {"occurred_at":
                                    "2026-01-31T11:00:00+01:00"}, {"subject_ref": "S-999"}])
def test_a_row_whose_id_is_stored_with_other_content_is_a_conflict(tmp_path, db, change):
    ingest_file(str(write(tmp_path / "dsr_events.csv", rows("dsr_events", {}, {}))), db)
    stored = table(db, "dsr_events")
    corrected = rows("dsr_events", change, {})
    result = ingest_file(str(write(tmp_path / "dsr_events_fix.csv", corrected)), db)
    assert (result.exit_code, result.accepted, result.conflicting, result.rejected, result.duplicate) == (1, 0, 1, 1, 1)
    assert not result.seen_before
    reason = result.rejections[0].reason
    assert "conflicts with the stored row" in reason and next(iter(change)) in reason and "run 1" in reason
    assert table(db, "dsr_events") == stored, "the stored row is not replaced"
    assert any("conflicts" in r[6] for r in table(db, "rejected_rows"))


def test_already_ingested_is_said_only_of_the_same_bytes(tmp_path, db):
    path = write(tmp_path / "dsr_events.csv", rows("dsr_events", {}, {}))
    assert cli("ingest", str(path), "--db", str(db)).returncode == 0
    again = cli("ingest", str(path), "--db", str(db))
    assert again.returncode == 0 and "already ingested" in again.stdout
    subset = write(tmp_path / "dsr_events_subset.csv", rows("dsr_events", {}))  # other bytes, rows already stored
    done = cli("ingest", str(subset), "--db", str(db))
    assert done.returncode == 0 and "already ingested" not in done.stdout and "1 already in the store" in done.stdout
    fixed = write(tmp_path / "dsr_events_fixed.csv", rows("dsr_events", {"note": "fixed"}))
    done = cli("ingest", str(fixed), "--db", str(db))
    assert done.returncode == 1 and "already ingested" not in done.stdout and "conflict" in done.stdout


# --- 9. errors that say what they are ------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["ingest", str(ROOT / "sample_data" / "hold_events.jsonl")],
    ["metrics", "--from", "2026-01-01", "--to", "2026-01-31"],
    ["alerts"],
    ["report", "--month", "2026-01"],
    ["unload", "1"],
])
@pytest.mark.parametrize("content", [b"not a database", b"\x00" * 5000, b"SQLite format 3\x00" + b"\x01" * 100])
def test_a_db_that_is_not_a_store_gives_a_clear_error(tmp_path, command, content):
    bad = tmp_path / "audit.duckdb"
    bad.write_bytes(content)
    done = cli(*command, "--db", str(bad))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "not a DuckDB audit store" in done.stderr
    assert bad.read_bytes() == content


@pytest.mark.parametrize("lacks", ["alter table ingest_runs drop column rejections_complete",
                                   "alter table ingest_runs drop column unloaded_at", "drop table log_days"])
def test_a_store_built_by_an_older_version_is_refused_with_what_to_run_and_then_works(tmp_path, monkeypatch, lacks):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "audit.duckdb"
    ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", {}, {"country": "xx"}))), db)
    con = duckdb.connect(str(db))
    con.execute(lacks)
    con.close()
    before = db.read_bytes()
    for command in (["metrics", "--from", "2026-01-01", "--to", "2026-12-31", "--json"], ["alerts"],
                    ["report", "--month", "2026-02", "--out", str(tmp_path / "r.html")]):
        done = cli(*command, "--db", str(db))
        assert done.returncode == 2, done.stderr
        assert "older version" in done.stderr and lacks.split()[-1] in done.stderr, done.stderr
        assert f"refresh --db {db}" in done.stderr
    assert db.read_bytes() == before, "reading never changes the store"
    if "rejections_complete" in lacks:  # the page's own check (store.missing_tables) is the same
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
        monkeypatch.setenv("AUDIT_DB", str(db))
        at.run()
        assert any("older version" in w.value and f"refresh --db {db}" in w.value for w in at.warning), at.warning
    assert cli("refresh", "--db", str(db), "--quiet").returncode == 0
    done = cli("metrics", "--from", "2026-01-01", "--to", "2026-12-31", "--json", "--db", str(db))
    assert done.returncode == 0, done.stderr
    import json

    assert json.loads(done.stdout)["transfers"]["rejected_rows"] == 1


def test_a_locked_store_gives_a_clear_error_and_names_the_files_not_loaded(tmp_path, copy_store):
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(copy_store)!r})
        print("holding", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        files = [write(tmp_path / f"transfers_{i}.csv", rows("transfers", {"transfer_id": f"L{i}"})) for i in (1, 2)]
        done = process("ingest", *map(str, files), "--db", str(copy_store), env={"AUDIT_LOCK_WAIT": "1"})
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "in use by another process" in done.stderr and "transfers_2.csv" in done.stderr
        done = process("metrics", "--from", "2026-01-01", "--to", "2026-01-31", "--db", str(copy_store),
                       env={"AUDIT_LOCK_WAIT": "1"})
        assert done.returncode == 2 and "in use by another process" in done.stderr and "Traceback" not in done.stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_folder_without_log_files_says_so(tmp_path, db):
    folder = tmp_path / "exports"
    (folder / "sub").mkdir(parents=True)
    write(folder / "sub" / "transfers.csv", rows("transfers", {}))
    (folder / "manifest.json").write_text("{}")
    (folder / "loop").symlink_to(folder / "loop")
    done = cli("ingest", str(folder), "--db", str(db))
    assert done.returncode == 2 and "no log files in this folder" in done.stderr and "Traceback" not in done.stderr
    assert not db.exists()


@pytest.mark.parametrize("name, content, message", [
    ("dsr_events.csv", "event_id,request_id,occurred_at,event,request_type,channel,subject_ref,note\n"
                       "e1,r1,2026-01-31T10:00:00+01:00,received,access,email,S-1,K\xf6p\n", "not UTF-8 text (line 2"),
    ("dsr_events.csv", "\xef\xbb\xbfevent_id,request_id\n\xff\xfe,x\n", "not UTF-8 text"),
    ("transfers.csv", "transfer_id;occurred_at;recipient\nt1;2026-01-01T00:00:00Z;X\n", "semicolons"),
    ("transfers.csv", "transfer_id\toccurred_at\trecipient\nt1\t2026-01-01T00:00:00Z\tX\n", "tabs"),
])
def test_refusals_say_what_is_wrong_and_what_to_do_and_are_recorded(tmp_path, db, name, content, message):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    result = ingest_file(str(path), db)
    assert result.exit_code == 2 and message in result.refused, result.refused
    assert refusals(db) == [(str(path), result.refused)]
    assert table(db, name.split(".")[0]) == []


@pytest.mark.parametrize("name", ["Transfers_2026.csv", "TRANSFERS.csv", "transfers_Q1.CSV"])
def test_file_names_are_recognised_in_any_case(tmp_path, db, name):
    path = write(tmp_path / "x.csv", rows("transfers", {})).rename(tmp_path / name)
    assert ingest_file(str(path), db).accepted == 1


# --- 7. formulas in CSV exports -------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
                                  "\t=1+1", "\r=1", "=1"])
def test_csv_export_neutralises_formula_cells_and_keeps_numbers(cell):
    import polars as pl

    from dashboard.exports import csv_bytes

    frame = pl.DataFrame({"text": [cell, "plain", None], "number": [-2, 3, None]})
    got = list(csv.reader(io.StringIO(csv_bytes(frame).decode())))
    assert got[1][0] == "'" + cell and got[2][0] == "plain" and got[3][0] == ""
    assert got[1][1] == "-2", "numbers stay numbers"


@pytest.mark.parametrize("text", ["![x](http://a.se/p.png)", "[y](javascript:alert(1))", "<b>x</b>",
                                  ":red[x] :material/home:", "$x$", "**b** _i_ `c`", "# h", "www.example.se"])
def test_markdown_escape_keeps_the_text_and_removes_the_syntax(text):
    from dashboard.ui import md_escape

    escaped = md_escape(text)
    assert escaped.replace("\\", "").replace("\u2060", "") == text
    assert not re.search(r"(?<!\\)[\[\]()*_`<>$:#]", escaped)


# --- 5. events out of order -----------------------------------------------------------------------------------------

def _metrics(db, date_from, date_to, as_of, env=None):
    args = ["metrics", "--from", str(date_from), "--to", str(date_to), "--as-of", str(as_of), "--db", str(db),
            "--json"]
    done = cli(*args, env=env)
    assert done.returncode == 0, done.stderr
    import json

    return json.loads(done.stdout)


@pytest.mark.parametrize("closing, when", [
    ("completed", "2026-01-30T10:00:00+01:00"),  # the day before receipt
    ("completed", "2026-01-31T09:00:00+01:00"),  # an hour before, the same day
    ("rejected", "2025-01-31T10:00:00+01:00"),  # a year before
])
def test_a_request_closed_before_it_was_received_is_never_on_time(tmp_path, db, closing, when):
    events = rows("dsr_events", {"request_id": "R1"}, {"request_id": "R1", "event": closing, "occurred_at": when,
                                                        "request_type": "", "subject_ref": ""})
    assert ingest_file(str(write(tmp_path / "dsr_events.csv", events)), db).accepted == 2
    m = _metrics(db, "2026-01-01", "2026-01-31", "2026-04-01")
    r = m["requests"]
    assert (r["received"], r["closed"], r["on_time"], r["open"], r["overdue"], r["out_of_order"]) == (1, 0, 0, 1, 1, 1)
    assert {f["rule"]: f["count"] for f in m["findings"]}["requests_out_of_order"] == 1
    alerts = cli("alerts", "--as-of", "2026-04-01", "--db", str(db))
    assert alerts.returncode == 1 and "R1" in alerts.stdout, "the overdue request reaches the alerts"


@pytest.mark.parametrize("clock", ["received", "identity_verified"])
@pytest.mark.parametrize("event", ["identity_verified", "extended"])
def test_a_verification_or_extension_before_receipt_is_ignored_and_the_request_stays_counted(tmp_path, db, clock,
                                                                                            event):
    events = rows("dsr_events", {"request_id": "R1", "occurred_at": "2026-03-02T10:00:00+01:00"},
                  {"request_id": "R1", "event": event, "occurred_at": "2026-02-10T10:00:00+01:00",
                   "request_type": "", "subject_ref": ""})
    ingest_file(str(write(tmp_path / "dsr_events.csv", events)), db)
    m = _metrics(db, "2026-03-01", "2026-03-31", "2026-04-10", env={"AUDIT_CLOCK_START": clock})
    r = m["requests"]
    # clocked from receipt 2 March: due 2 April, overdue on 10 April; the early event changes nothing
    assert (r["received"], r["open"], r["overdue"], r["extended"], r["out_of_order"]) == (1, 1, 1, 0, 1)
    alerts = cli("alerts", "--as-of", "2026-04-10", "--db", str(db), env={"AUDIT_CLOCK_START": clock})
    assert alerts.returncode == 1 and "R1" in alerts.stdout


@pytest.mark.parametrize("released", ["2026-01-31T10:00:00+01:00", "2026-02-01T09:59:00+01:00"])
def test_a_hold_released_before_it_was_placed_stays_active(tmp_path, db, released):
    events = rows("hold_events", {"hold_id": "H1"}, {"hold_id": "H1", "event": "released", "occurred_at": released,
                                                      "subject_ref": "", "data_category": "", "legal_basis": "",
                                                      "record_count": "", "retain_until": "", "request_id": ""})
    ingest_file(str(write(tmp_path / "hold_events.csv", events)), db)
    h = _metrics(db, "2026-02-01", "2026-02-28", "2026-03-01")["holds"]
    assert (h["active"], h["out_of_order"]) == (1, 1)


@pytest.mark.parametrize("shown, decisions, rate", [(1, 6, 1.0), (0, 3, None), (4, 2, 0.25)])
def test_the_interaction_rate_is_at_most_100_percent(tmp_path, db, shown, decisions, rate):
    events = rows("consent_events",
                  *[{"visitor_ref": f"V-{i}", "action": "shown", "functional": "", "analytics": ""} for i in range(shown)],
                  *[{"visitor_ref": "V-0", "occurred_at": f"2026-02-01T10:0{i}:00+01:00"} for i in range(decisions)])
    ingest_file(str(write(tmp_path / "consent_events.csv", events)), db)
    c = _metrics(db, "2026-02-01", "2026-02-28", "2026-03-01")["consent"]
    assert c["interaction_rate"] == rate
    assert c["decisions_without_shown"] == (decisions if shown == 0 else 0)


# --- low: exports, regions, leftovers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("length", [32_768, 70_000, 100_001])
def test_excel_keeps_a_text_longer_than_a_cell_on_a_sheet_of_its_own(length):
    import zipfile

    import polars as pl

    from dashboard.exports import CUT_NOTE, EXCEL_MAX_CELL, excel_bytes

    text = "".join(chr(65 + i % 26) for i in range(length))
    book = zipfile.ZipFile(io.BytesIO(excel_bytes(pl.DataFrame({"note": ["short", text]}))))
    strings = book.read("xl/sharedStrings.xml").decode()
    assert "long_text" in book.read("xl/workbook.xml").decode()
    assert CUT_NOTE.strip() in strings
    parts = -(-length // EXCEL_MAX_CELL)
    assert all(text[i * EXCEL_MAX_CELL:(i + 1) * EXCEL_MAX_CELL] in strings for i in range(parts))


@pytest.mark.parametrize("local, expected", [
    ("2026-07-01 12:00:00", "2026-07-01T12:00:00+02:00"),
    ("2026-01-15 08:30:00", "2026-01-15T08:30:00+01:00"),
    ("2026-10-25 01:59:00", "2026-10-25T01:59:00+02:00"),
])
def test_csv_times_carry_their_utc_offset(local, expected):
    from datetime import datetime

    import polars as pl

    from dashboard.exports import csv_bytes

    frame = pl.DataFrame({"occurred_at": [datetime.fromisoformat(local)]})
    assert csv_bytes(frame).decode().splitlines()[1] == expected


def test_spill_folders_of_killed_ingests_are_removed_and_live_ones_kept(tmp_path):
    import tempfile

    from dashboard.ingest import clean_stale_temp

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    base = Path(tempfile.gettempdir())
    folders = {"dead": base / f"audit-ingest-{dead}-abc", "old": base / "audit-ingest-xyz123",
               "odd": base / "audit-ingest-\u00b2-ghi",  # not a pid (isdigit() says it is; int() refuses it)
               "live": base / f"audit-ingest-{os.getpid()}-def"}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
        (folder / "raw.tmp").write_text("raw rows")
    removed = clean_stale_temp()
    assert str(folders["dead"]) in removed and str(folders["old"]) in removed and str(folders["odd"]) in removed
    assert folders["live"].exists() and not folders["dead"].exists()
    folders["live"].joinpath("raw.tmp").unlink()
    folders["live"].rmdir()


# --- CSV for Swedish Excel -----------------------------------------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as hst  # noqa: E402

_TEXT = hst.text(hst.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=30)


@hsettings(max_examples=60, deadline=None)
@given(texts=hst.lists(_TEXT, min_size=1, max_size=8),
       numbers=hst.lists(hst.one_of(hst.none(), hst.floats(-1e9, 1e9, allow_nan=False)), min_size=1, max_size=8))
def test_the_swedish_excel_csv_reads_back_as_written(texts, numbers):
    """Semicolons, quotes, å ä ö and line breaks in text, decimals with a comma: the file read back with Excel's
    Swedish settings (BOM, ';', decimal comma) holds exactly the frame (formula-like text gets its apostrophe)."""
    import io

    import polars as pl

    from dashboard.exports import csv_bytes, neutralise_formulas

    n = min(len(texts), len(numbers))
    frame = pl.DataFrame({"text": texts[:n], "rate": numbers[:n]}, schema={"text": pl.String, "rate": pl.Float64})
    data = csv_bytes(frame, "excel_sv")
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].split(b"\n", 1)[0] == b"text;rate"
    back = pl.read_csv(io.BytesIO(data[3:]), separator=";", decimal_comma=True, schema=frame.schema)
    expected = neutralise_formulas(frame).with_columns(pl.col("text").fill_null(""))
    assert back.with_columns(pl.col("text").fill_null("")).equals(expected)


@pytest.mark.parametrize("dialect, separator, bom", [("standard", b",", False), ("excel_sv", b";", True)])
def test_both_csv_dialects_and_no_other(dialect, separator, bom):
    import polars as pl

    from dashboard.exports import csv_bytes

    data = csv_bytes(pl.DataFrame({"a": [1.5], "b": ["x"]}), dialect)
    assert data.startswith(b"\xef\xbb\xbf") is bom and separator in data.splitlines()[0]
    assert (b"1,5" if bom else b"1.5") in data
    with pytest.raises(ValueError):
        csv_bytes(pl.DataFrame({"a": [1]}), "excel_us")


offsets = st.one_of(
    st.sampled_from(["Z", "z", "+14:00", "-14:00", "+1400", "+14", "+14:01", "-14:59", "+13:59", "+00", "+15", "-99"]),
    st.builds(lambda sign, h, colon, m: f"{sign}{h}{colon}{m}", st.sampled_from("+-"),
              st.text("0123456789", min_size=2, max_size=2), st.sampled_from(["", ":"]),
              st.sampled_from(["", *[f"{m:02d}" for m in (0, 1, 15, 30, 45, 59, 60, 75, 99)]])))


@settings(deadline=None, max_examples=60)
@given(st.lists(offsets, min_size=10, max_size=40))
def test_the_offset_check_is_the_arithmetic_of_hours_and_minutes(drawn):
    """An offset is beyond +-14:00 when hours * 60 + minutes exceed 14 * 60 or the minutes exceed 59; ingest checks
    it with one pattern (OFFSET_IN_RANGE). On every shape of offset, the pattern and the arithmetic agree."""
    from dashboard.contract import MAX_UTC_OFFSET_MINUTES
    from dashboard.ingest import ISO_TIMESTAMP, OFFSET_IN_RANGE, UTC_OFFSET

    values = [f"2026-02-01T10:00:00{o}" for o in drawn]
    got = duckdb.sql(
        f"select v, regexp_full_match(v, '{ISO_TIMESTAMP}{UTC_OFFSET}') "
        f"and not regexp_full_match(v, '{ISO_TIMESTAMP}{OFFSET_IN_RANGE}') from unnest($vs) t(v)",
        params={"vs": values}).fetchall()
    for value, beyond in got:
        found = re.fullmatch(ISO_TIMESTAMP + r"([+-])(\d{2})(?::?(\d{2}))?", value)
        if found is None:  # Z, or not an offset of this shape (other checks reject it)
            assert not beyond, value
            continue
        hours, minutes = int(found.group(4)), int(found.group(5) or 0)
        assert beyond == (hours * 60 + minutes > MAX_UTC_OFFSET_MINUTES or minutes > 59), value


def _typed_values():
    """Values for timestamp, date and count columns: well formed and in range, at the edges of the ranges, and a
    character or a field away from well formed."""
    from datetime import datetime, timedelta, timezone

    soon = datetime.now(timezone.utc)
    near_now = st.sampled_from([(soon + timedelta(hours=h)).isoformat() for h in (-1, 23, 25, 24 * 400)])
    stamps = st.builds(
        lambda y, mo, d, sep, hms, frac, off: f"{y}-{mo}-{d}{sep}{hms}{frac}{off}",
        st.sampled_from(["1989", "1990", "2026", "2025", "0000", "9999", "26"]),
        st.sampled_from(["01", "02", "12", "13", "00", "1"]),
        st.sampled_from(["01", "28", "29", "31", "32", "00"]),
        st.sampled_from(["T", " ", "t", "_"]),
        st.sampled_from(["10:00:00", "23:59:59", "24:00:00", "10:00", "10:60:00", "1:00:00"]),
        st.sampled_from(["", ".5", ".123456", "."]),
        offsets | st.just(""))
    dates = st.builds(lambda y, mo, d: f"{y}-{mo}-{d}", st.sampled_from(["1989", "1990", "2026", "20261"]),
                      st.sampled_from(["01", "02", "13", "1"]), st.sampled_from(["01", "29", "30", "31", "32"]))
    counts = st.one_of(st.integers(-10 ** 20, 10 ** 20).map(str),
                       st.sampled_from(["+5", "-0", "0", "1", "1e9", "1.0", "1 000", "+", "999999999999999999",
                                        "9999999999999999999", "-9999999999999999999", "0001"]))
    return st.one_of(stamps, near_now, dates, counts, st.text("0123456789-+:TZ. ", max_size=25))


@settings(deadline=None, max_examples=25)
@given(st.lists(_typed_values(), min_size=20, max_size=60))
def test_typed_rules_reading_only_suspect_values_find_what_every_rule_on_every_row_finds(values):
    """The format and range rules of a timestamp, date or count column read only the values that fail one combined
    look at a well-formed value in range (issue 14: a third of the checks' time at 10 million rows). On values of
    every shape put in every such column of every log, the narrowed checks find the same rows, columns and reasons
    as every rule reading every row."""
    from dashboard import ingest
    from dashboard.contract import COUNT, DATE, LOGS, TIMESTAMP

    con = duckdb.connect()
    con.execute("create table _guard (_row bigint, column_name varchar, kind varchar)")
    con.execute("create table _countries as select unnest($codes) as code", {"codes": ingest.COUNTRY_CODES})
    compared = 0
    for log in LOGS.values():
        for column in [c for c in log.columns if c.kind in (TIMESTAMP, DATE, COUNT)]:
            cells = ", ".join(f"cast(null as varchar) as {ingest._q(c.name)}" for c in log.columns if c is not column)
            con.execute(f"create or replace table staged as select _row, _row as _src, {cells}, v as "
                        f"{ingest._q(column.name)} from (select unnest($vs) as v, generate_subscripts($vs, 1) as _row)",
                        {"vs": values})
            found = []
            for narrow in (True, False):
                sql, params = ingest._checks(log, narrow=narrow)
                found.append(con.execute(f"select * from ({sql}) order by all",
                                         {k: v for k, v in params.items() if f"${k}" in sql}).fetchall())
            assert found[0] == found[1], (log.name, column.name)
            compared += 1
    assert compared >= 5
