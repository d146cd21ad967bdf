"""Ingest: every format, every bad-input case, refusals, idempotency, transactions and concurrent readers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dashboard import ingest
from dashboard.ingest import ingest_file
from tests.helpers import GOOD, query, rows, snapshot, table, write


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".jsonl", ".parquet"])
@pytest.mark.parametrize("log", list(GOOD))
def test_every_format_of_every_log_lands(tmp_path, db, log, suffix):
    path = write(tmp_path / f"{log}_x{suffix}", rows(log, {}, {}))
    result = ingest_file(str(path), db)
    assert (result.exit_code, result.rows_read, result.accepted, result.rejected) == (0, 2, 2, 0), result
    assert len(table(db, log)) == 2
    runs = table(db, "ingest_runs")
    assert runs[0][2] == log and runs[0][5:9] == (2, 2, 0, 0)


def test_values_are_typed_and_timestamps_keep_their_instant(tmp_path, db):
    path = write(tmp_path / "transfers.csv", rows("transfers", {"occurred_at": "2026-03-01T00:30:00+01:00"}))
    ingest_file(str(path), db)
    con = duckdb.connect(str(db), read_only=True)
    utc, local_day, cats, count = con.sql(
        "select cast(timezone('UTC', occurred_at) as varchar), cast(timezone('Europe/Stockholm', occurred_at) "
        "as date), data_categories, record_count from transfers").fetchall()[0]
    con.close()
    assert utc == "2026-02-28 23:30:00"
    assert str(local_day) == "2026-03-01"
    assert cats == ["contact", "identity"] and count == 10


BAD_ROWS = [
    ("dsr_events", {"occurred_at": "31/01/2026 10:00"}, "occurred_at", "not an ISO 8601 timestamp"),
    ("dsr_events", {"occurred_at": "2026-01-31T10:00:00"}, "occurred_at", "has no UTC offset"),
    ("dsr_events", {"occurred_at": "2026-02-30T10:00:00+01:00"}, "occurred_at", "not a valid date and time"),
    ("dsr_events", {"occurred_at": "2099-01-01T10:00:00+01:00"}, "occurred_at", "more than a day in the future"),
    ("dsr_events", {"event": "opened"}, "event", "is not one of"),
    ("dsr_events", {"event": "Received"}, "event", "is not one of"),
    ("dsr_events", {"request_type": ""}, "request_type", "required when event is received"),
    ("dsr_events", {"subject_ref": ""}, "subject_ref", "required when event is received"),
    ("dsr_events", {"request_id": ""}, "request_id", "required, but empty"),
    ("dsr_events", {"channel": "fax"}, "channel", "is not one of"),
    ("hold_events", {"retain_until": ""}, "retain_until", "required when event is placed"),
    ("hold_events", {"retain_until": "2033-13-01"}, "retain_until", "is not a date"),
    ("hold_events", {"record_count": "0"}, "record_count", "is less than 1"),
    ("hold_events", {"record_count": "2.5"}, "record_count", "is not a whole number"),
    ("hold_events", {"legal_basis": "gdpr"}, "legal_basis", "is not one of"),
    ("transfers", {"country": "se"}, "country", "must be upper case"),
    ("transfers", {"country": "XX"}, "country", "not an ISO 3166-1 alpha-2"),
    ("transfers", {"country": "EL"}, "country", "not an ISO 3166-1 alpha-2"),
    ("transfers", {"data_categories": "contact;health"}, "data_categories", "has a value that is not one of"),
    ("transfers", {"record_count": "-4"}, "record_count", "is less than 1"),
    ("transfers", {"mechanism": "shield"}, "mechanism", "is not one of"),
    ("consent_events", {"analytics": "false"}, "action", "accept_all needs functional and analytics both true"),
    ("consent_events", {"action": "reject_all"}, "action", "reject_all needs functional and analytics both false"),
    ("consent_events", {"action": "custom", "functional": ""}, "functional", "required unless action is shown"),
    ("consent_events", {"functional": "maybe"}, "functional", "is not a boolean"),
    ("consent_events", {"device": "tv"}, "device", "is not one of"),
]


@pytest.mark.parametrize(("log", "change", "column", "reason"), BAD_ROWS,
                         ids=[f"{b[0]}-{b[2]}-{b[3][:20]}" for b in BAD_ROWS])
def test_a_bad_row_is_rejected_with_file_row_column_and_reason_and_the_good_rows_land(
        tmp_path, db, log, change, column, reason):
    path = write(tmp_path / f"{log}.csv", rows(log, {}, change, {}))
    result = ingest_file(str(path), db)
    assert (result.exit_code, result.accepted, result.rejected) == (1, 2, 1)
    assert any(r.row == 2 and r.column == column and reason in r.reason for r in result.rejections), \
        result.rejections
    stored = table(db, "rejected_rows")
    assert any(r[1] == str(path) and r[4] == 2 and r[5] == column and reason in r[6] for r in stored)
    assert len(table(db, log)) == 2


def test_a_shown_consent_event_needs_no_choice(tmp_path, db):
    path = write(tmp_path / "consent_events.csv", rows("consent_events",
                                                       {"action": "shown", "functional": "", "analytics": ""}))
    assert ingest_file(str(path), db).exit_code == 0


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(40)), bad=st.sets(st.integers(0, 39), max_size=4))
def test_the_stored_rows_lie_in_time_order_whatever_the_files_order(tmp_path_factory, order, bad):
    """Ingest stores a file's good rows sorted by time (then by file row), so a period's query skips the row groups of
    other days: rows in any order, some rejected, land in time order, and a second file's rows follow in theirs."""
    from datetime import datetime, timedelta

    db = tmp_path_factory.mktemp("order") / "audit.duckdb"
    start = datetime(2026, 3, 1, 8, 0)
    for run, offset in enumerate((0, 7)):  # the second file's times lie among the first's
        data = rows("transfers", *({"transfer_id": f"R{run}-{i}",
                                    "occurred_at": (start + timedelta(hours=3 * i + offset)).isoformat() + "+01:00"}
                                   for i in order))
        for i in bad:
            data[i]["country"] = "Sverige"
        path = write(tmp_path_factory.mktemp("files") / f"transfers_{run}.csv", data)
        assert ingest_file(str(path), db).accepted == 40 - len(bad)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = con.sql("select ingest_run_id, occurred_at from transfers order by rowid").fetchall()
    assert [r for r, _ in stored] == sorted(r for r, _ in stored)
    for run in {r for r, _ in stored}:
        times = [t for r, t in stored if r == run]
        assert times == sorted(times), run


def test_duplicate_ids_inside_a_file_keep_the_first(tmp_path, db):
    data = rows("transfers", {}, {})
    data[1]["transfer_id"] = data[0]["transfer_id"]
    path = write(tmp_path / "transfers.csv", data)
    result = ingest_file(str(path), db)
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.rejections[0].reason == "duplicate transfer_id in this file (first at row 1)"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ids=st.lists(st.sampled_from(["T-1", "T-2", "T-3", "U-1", "T-10", "T-11"]), min_size=1, max_size=12),
       colliding=st.booleans())
def test_only_a_repeated_id_is_a_duplicate_even_when_ids_share_a_hash(tmp_path_factory, monkeypatch, ids, colliding):
    """Ids seen twice are found by their hash, then compared as text: with a hash under which ids of one length
    collide (T-1, T-2, U-1 share one), still only a repeated id is rejected, and each repeat names its first row."""
    if colliding:
        monkeypatch.setattr(ingest, "ID_HASH", "length")
    tmp = tmp_path_factory.mktemp("ids")
    data = rows("transfers", *[{"transfer_id": i} for i in ids])
    result = ingest_file(str(write(tmp / "transfers.csv", data)), tmp / "audit.duckdb", keep_rejections=100)
    first = {}
    expected = []
    for row, i in enumerate(ids, start=1):
        if i in first:
            expected.append((row, f"duplicate transfer_id in this file (first at row {first[i]})"))
        first.setdefault(i, row)
    assert [(r.row, r.reason) for r in result.rejections] == expected
    assert result.accepted == len(first)


@pytest.mark.parametrize(("columns", "message"), [
    (["event_id", "request_id", "occurred_at", "event", "request_type", "channel", "note"],
     "missing required column(s): subject_ref"),
    (["event_id", "request_id", "occurred_at", "event", "request_type", "channel", "subject_ref", "email"],
     "unknown column(s): 'email'"),
])
def test_a_file_with_wrong_columns_is_refused_and_changes_nothing(tmp_path, copy_store, columns, message):
    before = snapshot(copy_store)
    path = write(tmp_path / "dsr_events.csv", rows("dsr_events", {}), columns=columns)
    result = ingest_file(str(path), copy_store)
    assert result.exit_code == 2 and message in result.refused
    assert snapshot(copy_store) == before


@pytest.mark.parametrize(("name", "content"), [
    ("dsr_events.csv", 'event_id,request_id,occurred_at,event,request_type,channel,subject_ref\n'
                       'e1,r1,2026-01-01T10:00:00Z,received,access,email,S-1\n'
                       'e2,r1,2026-01-01T10:00:00Z,completed\n'),
    ("dsr_events.jsonl", '{"event_id": "e1", "request_id": "r1"}\n{"event_id": "e2", \n'),
    ("dsr_events.parquet", "this is not parquet"),
    ("dsr_events.csv", ""),
])
def test_a_file_that_cannot_be_parsed_is_refused_and_changes_nothing(tmp_path, copy_store, name, content):
    before = snapshot(copy_store)
    path = tmp_path / name
    path.write_text(content)
    result = ingest_file(str(path), copy_store)
    assert result.exit_code == 2, result
    assert result.refused
    assert snapshot(copy_store) == before


def test_unknown_log_and_unknown_type_are_refused(tmp_path, db):
    unknown = write(tmp_path / "events.csv", [{"when": "2026-03-01", "what": "x"}])
    assert "no known format" in ingest_file(str(unknown), db).refused
    other = tmp_path / "transfers.xlsx"
    other.write_text("x")
    assert "unsupported file type" in ingest_file(str(other), db).refused
    assert "unknown log" in ingest_file(str(unknown), db, log_name="transfer").refused
    assert not db.exists() or len(table(db, "transfers")) == 0


def test_a_contract_file_is_recognised_by_its_header_not_its_name(tmp_path, db):
    path = write(tmp_path / "events.csv", rows("transfers", {}))
    result = ingest_file(str(path), db)
    assert (result.log, result.format, result.accepted) == ("transfers", "csv", 1)
    assert ingest_file(str(path), db, log_name="transfers").duplicate == 1


def test_the_same_file_twice_adds_nothing_and_says_so(tmp_path, db):
    path = write(tmp_path / "transfers.csv", rows("transfers", {}, {}, {"country": "xx"}))
    first = ingest_file(str(path), db)
    second = ingest_file(str(path), db)
    assert (first.accepted, first.duplicate) == (2, 0)
    assert (second.accepted, second.duplicate, second.rejected) == (0, 2, 1)
    assert len(table(db, "transfers")) == 2
    assert counted_rejections(db)["by_log"] == 1, "a rejected row is counted once"
    assert [r[7] for r in table(db, "ingest_runs")] == [1, 1]
    third = ingest_file(str(path), db)
    assert len(table(db, "rejected_rows")) == 1, "the same rejections are taken over by the latest load, not copied"
    ingest.unload(third.run_id, db)
    assert [r[0] for r in table(db, "rejected_rows")] == [second.run_id], "and handed back when it is unloaded"
    assert counted_rejections(db)["by_log"] == 1


def counted_rejections(db) -> dict:
    """The rejected rows as every place that shows them counts them: the figure (rpt_rejected_rows_by_log, read by
    metrics, the Overview and the findings), the finding's rows, the reasons and the table on Data quality."""
    from dashboard import sql

    con = duckdb.connect(str(db), read_only=True)
    period = {"date_from": "2000-01-01", "date_to": "2100-12-31", "tz": "Europe/Stockholm"}
    try:
        figure = sql.run(con, "rpt_rejected_rows_by_log", **period)
        listed = sql.run(con, "dq_rejected_in_period", log_name="transfers", logs=["transfers"], **period)
        reasons = sql.run(con, "dq_rejection_reasons", log_name="")
        page = sql.run(con, "dq_rejected_rows", log_name="", column_name="", search="", logs=["transfers"],
                       limit=1000, offset=0)
    finally:
        con.close()
    return {"by_log": int(figure["rejected_rows"].sum()), "reasons": int(reasons["rejections"].sum()),
            "rows": sorted((Path(f).name, n) for f, n in listed.select("file", "row_number").iter_rows()),
            "page": sorted({(Path(f).name, n) for f, n in page.select("file", "row_number").iter_rows()})}


# Two transfer files: A stores t1 and t2; B holds t2 with other content (a conflict while A's t2 is stored), a good
# row and one that no load accepts. Loads and unloads in any order.
CONFLICTING = {"A": [{"transfer_id": "t1"}, {"transfer_id": "t2"}],
               "B": [{"transfer_id": "t2", "recipient": "Annan AB"}, {"transfer_id": "t4"},
                     {"transfer_id": "t5", "country": "xx"}]}


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["load", "unload", "unload_first"]), st.sampled_from(["A", "B"])),
                      min_size=1, max_size=7))
# B rejected for its conflict, A unloaded, B loaded again (its t2 stored), that load unloaded (t2 counted again)
@example(steps=[("load", "A"), ("load", "B"), ("unload", "A"), ("load", "B"), ("unload", "B")])
# the same rejections taken over by a second load of B, handed back, or kept when the first load is unloaded
@example(steps=[("load", "A"), ("load", "B"), ("load", "B"), ("load", "A"), ("unload", "B"), ("unload", "B")])
@example(steps=[("load", "A"), ("load", "B"), ("load", "B"), ("load", "B"), ("unload_first", "B"), ("unload", "B"),
                ("unload_first", "A"), ("load", "B")])
@example(steps=[("load", "B"), ("load", "B"), ("unload_first", "B"), ("unload", "B")])
def test_a_row_counts_as_rejected_by_the_latest_load_of_its_file(tmp_path_factory, steps):
    """A file loaded again (after the row it conflicted with was unloaded) stores what it now can: that row is no
    longer counted as rejected anywhere, and counts again once that load is unloaded (docs/data-contract.md)."""
    folder = tmp_path_factory.mktemp("reload")
    db = folder / "audit.duckdb"
    paths = {name: write(folder / f"transfers_{name}.csv",
                         [{**GOOD["transfers"], **change} for change in changes])
             for name, changes in CONFLICTING.items()}
    loaded: dict[str, list[tuple[int, set]]] = {"A": [], "B": []}  # per file, its loaded runs and rows rejected
    for action, name in steps:
        if action == "load":
            done = ingest_file(str(paths[name]), db, keep_rejections=100)
            assert not done.refused, done.refused
            loaded[name].append((done.run_id, {r.row for r in done.rejections}))
        elif loaded[name]:
            run_id, _ = loaded[name].pop(0 if action == "unload_first" else -1)
            ingest.unload(run_id, db)
        if not db.exists():
            continue
        # a file's rows as its latest loaded run judged them (each row has one reason here)
        expected = sorted((paths[n].name, row) for n in loaded if loaded[n] for row in loaded[n][-1][1])
        got = counted_rejections(db)
        assert got["rows"] == got["page"] == expected, (steps, got)
        assert got["by_log"] == got["reasons"] == len(expected), (steps, got)
        orphans = query(db, "select count(*) from rejected_rows r where not exists (select 1 from ingest_runs i "
                            "where i.run_id = r.run_id and i.refused is null and i.unloaded_at is null)")
        assert orphans == [(0,)], "every record belongs to a loaded run: an unload takes its own out or hands back"


def test_data_quality_shows_a_row_stored_by_a_later_load_as_no_longer_rejected(tmp_path, db, monkeypatch):
    """As a DPO sees it: the first load of B rejected its t2 (a conflict with A's), A was unloaded, B loaded again
    stored it. Data quality lists no rejected row and says why, while Last ingests keeps the first load's count."""
    from streamlit.testing.v1 import AppTest

    b_rows = CONFLICTING["B"][:2]  # (without the row every load rejects)
    paths = {name: write(tmp_path / f"transfers_{name}.csv", [{**GOOD["transfers"], **c} for c in changes])
             for name, changes in (("A", CONFLICTING["A"]), ("B", b_rows))}
    a = ingest_file(str(paths["A"]), db)
    assert ingest_file(str(paths["B"]), db).conflicting == 1
    ingest.unload(a.run_id, db)
    assert ingest_file(str(paths["B"]), db).rejected == 0
    monkeypatch.setenv("AUDIT_DB", str(db))
    at = AppTest.from_file(str(Path(ingest.__file__).parent / "app.py"), default_timeout=60)
    at.query_params.update({"from": "2026-01-01", "to": "2026-12-31", "as_of": "2026-11-24"})
    at.switch_page("app_pages/data_quality.py").run()
    assert not at.exception
    assert any(m.value.startswith("No rejected row: every row of each file's latest load") for m in at.success)
    [runs] = [d.value for d in at.dataframe if "rows_rejected" in d.value.columns]
    assert sorted(runs["rows_rejected"].to_list()) == ["0", "0", "1"], "each load's own count stays in Last ingests"


def test_an_older_stores_rejections_count_as_they_did(tmp_path, db):
    """Runs recorded before every run kept its own rejections (rejections_complete empty) recorded a row once per
    file content: for such a content every record still counts."""
    path = write(tmp_path / "transfers.csv", rows("transfers", {}, {"country": "xx"}))
    ingest_file(str(path), db)
    con = duckdb.connect(str(db))
    con.execute("update ingest_runs set rejections_complete = null")
    con.close()
    second = ingest_file(str(path), db)  # an older version recorded nothing more for the same content
    con = duckdb.connect(str(db))
    con.execute("delete from rejected_rows where run_id = $r", {"r": second.run_id})
    con.execute("update ingest_runs set rejections_complete = null")
    con.close()
    assert counted_rejections(db)["by_log"] == 1


def test_an_overlapping_file_adds_only_the_new_rows(tmp_path, db):
    data = rows("dsr_events", {}, {}, {})
    ingest_file(str(write(tmp_path / "dsr_events_a.csv", data[:2])), db)
    result = ingest_file(str(write(tmp_path / "dsr_events_b.jsonl", data[1:])), db)
    assert (result.accepted, result.duplicate) == (1, 1)
    assert sorted(r[0] for r in table(db, "dsr_events")) == ["e1-1", "e1-2", "e1-3"]


def test_an_interrupted_ingest_leaves_nothing_half_written(tmp_path, copy_store):
    before = snapshot(copy_store)
    path = write(tmp_path / "transfers.csv", rows("transfers", {}, {"country": "xx"}))

    def interrupt(phase):
        if phase == "recording":  # the rows are inserted, the transaction is not committed
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ingest_file(str(path), copy_store, progress=interrupt)
    assert snapshot(copy_store) == before
    assert ingest_file(str(path), copy_store).accepted == 1, "the store is usable afterwards"


HOLD_STORE_OPEN = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
    if sys.argv[2] == "write":
        con.execute("begin transaction")
        con.execute("create table if not exists _busy (x int)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
    if sys.argv[2] == "write":
        con.execute("rollback")
    con.close()
""")


def _hold(db, mode, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD_STORE_OPEN, str(db), mode, str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def test_ingest_waits_while_a_reader_holds_the_store(tmp_path, copy_store):
    reader = _hold(copy_store, "read", 1.5)
    started = time.monotonic()
    result = ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", {}))), copy_store)
    waited = time.monotonic() - started
    reader.wait(10)
    assert result.accepted == 1
    assert waited >= 1.0, "the reader really held the store"


def test_a_reader_waits_while_an_ingest_holds_the_store(copy_store):
    from dashboard import store

    writer = _hold(copy_store, "write", 1.5)
    with store.read_only(copy_store) as con:
        assert con.sql("select count(*) from transfers").fetchall()[0][0] > 0
    writer.wait(10)


def test_cli_exit_status_and_messages(tmp_path, db):
    good = write(tmp_path / "transfers_good.csv", rows("transfers", {}))
    bad = write(tmp_path / "transfers_bad.csv", rows("transfers", {}, {"country": "se"}))
    refused = write(tmp_path / "transfers_refused.csv", rows("transfers", {}), columns=["transfer_id", "land"])

    def cli(*files):
        return subprocess.run([sys.executable, "-m", "dashboard", "ingest", *map(str, files), "--db", str(db)],
                              capture_output=True, text=True)

    ok = cli(good)
    assert ok.returncode == 0 and "1 stored" in ok.stdout
    some = cli(bad)
    assert some.returncode == 1
    assert f"{bad}: row 2, column country: 'se' must be upper case (SE)" in some.stderr
    whole = cli(refused, good)
    assert whole.returncode == 2
    assert f"REFUSED {refused}: missing required column(s)" in whole.stderr
    assert "already ingested" in whole.stdout


def test_a_file_too_big_for_the_memory_limit_is_refused_and_changes_nothing(copy_store, monkeypatch):
    """Ingest works in bounded memory (AUDIT_INGEST_MEMORY) and spills to disk past it; where even that is not
    enough, the file is refused with what to do, and the store is as it was."""
    from tests.conftest import SAMPLE

    before = snapshot(copy_store)
    monkeypatch.setenv("AUDIT_INGEST_MEMORY", "4MB")
    result = ingest_file(str(SAMPLE / "cookie_observations.parquet"), copy_store)
    assert result.exit_code == 2 and "AUDIT_INGEST_MEMORY (4MB)" in result.refused, result
    assert result.accepted == 0
    assert snapshot(copy_store) == before
