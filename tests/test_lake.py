"""The lake and the engines (docs/scale.md): a store's logs exported as a Parquet lake, every refresh job run over it
on DuckDB and on ClickHouse (chdb, through the same client a cluster is reached with) equals the store's own tables
row for row, on the sample data and on random logs (files in any order, the autumn DST day, a month's end, visitors
with no decision, requests with every event kind, events at the same instant); a store filled from the lake gives
the dashboard's figures of a plain ingest."""

from __future__ import annotations

import json
import random
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard import cli, lake, refresh
from dashboard.contract import LOGS
from dashboard.ingest import ingest_file
from tests.helpers import snapshot, write

DERIVED = [job.table for job in refresh.JOBS]


def differences(db: Path, out: Path) -> dict[str, tuple[int, int, int]]:
    """Per table: (rows in the store, rows only in the store, rows only in OUT/<table>.parquet), as multisets."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = {}
        for table in DERIVED:
            parquet = str(out / f"{table}.parquet").replace("'", "''")
            mine = f"select * from {table}"
            theirs = f"select * from read_parquet('{parquet}')"
            found[table] = tuple(con.sql(q).fetchall()[0][0] for q in (
                f"select count(*) from {table}",
                f"select count(*) from ({mine} except all {theirs})",
                f"select count(*) from ({theirs} except all {mine})"))
        return found
    finally:
        con.close()


def assert_same_rows(db: Path, out: Path) -> None:
    found = differences(db, out)
    assert all(only_store == only_lake == 0 for _, only_store, only_lake in found.values()), found


@pytest.fixture(scope="module")
def sample_lake(sample_store, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lake") / "lake"
    lake.export(sample_store, out)
    return out


def test_the_export_is_a_hive_lake_of_every_log_by_utc_month(sample_store, sample_lake):
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        con.execute("set TimeZone = 'UTC'")
        for log, spec in LOGS.items():
            months = {p.name for p in (sample_lake / log).iterdir()}
            expected = {f"month={m}" for (m,) in con.sql(
                f"select distinct strftime({spec.time_column}, '%Y-%m') from {log}").fetchall()}
            assert months == expected
            pattern = str(sample_lake / log / "month=*" / "*.parquet")
            # every row once, with the log's columns (and the month the folder names, read as Hive partitions)
            columns = ", ".join(f'"{c.name}"' for c in spec.columns)
            assert con.sql(f"select count(*) from (select {columns} from {log} except all "
                           f"select {columns} from read_parquet('{pattern}'))").fetchall() == [(0,)]
            assert (con.sql(f"select count(*) from read_parquet('{pattern}')").fetchall()
                    == con.sql(f"select count(*) from {log}").fetchall())
            assert con.sql(f"select count(*) from read_parquet('{pattern}', hive_partitioning = true) "
                           f"where month <> strftime({spec.time_column}, '%Y-%m')").fetchall() == [(0,)]
    finally:
        con.close()


def test_exporting_again_replaces_the_lake_and_leaves_no_staging_behind(sample_store, tmp_path):
    out = tmp_path / "lake"
    first = lake.export(sample_store, out)
    (out / "transfers" / "month=1999-01").mkdir()  # a partition the store no longer has
    assert lake.export(sample_store, out) == first
    assert sorted(p.name for p in out.iterdir()) == sorted(LOGS)
    assert not (out / "transfers" / "month=1999-01").exists()


@pytest.mark.parametrize("engine", lake.ENGINES)
def test_every_job_on_each_engine_equals_the_store_row_for_row(sample_store, sample_lake, tmp_path, engine):
    done = lake.refresh_lake(engine, sample_lake, out=tmp_path / "out")
    assert {d.table for d in done} == set(DERIVED)
    assert_same_rows(sample_store, tmp_path / "out")
    assert all(n > 0 for n, _, _ in differences(sample_store, tmp_path / "out").values())


def test_a_range_of_days_gives_only_those_days(sample_store, sample_lake, tmp_path):
    lo, hi = datetime(2026, 3, 1).date(), datetime(2026, 4, 30).date()
    lake.refresh_lake("clickhouse", sample_lake, lo, hi, out=tmp_path / "out")
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        for job in refresh.JOBS:
            parquet = str(tmp_path / "out" / f"{job.table}.parquet")
            scope = job.scope.replace("$day_from", "$lo").replace("$day_to", "$hi")
            params = {"lo": lo, "hi": hi, **({"tz": "Europe/Stockholm"} if "$tz" in scope else {})}
            for query in (f"select * from {job.table} where {scope} except all select * from read_parquet('{parquet}')",
                          f"select * from read_parquet('{parquet}') except all select * from {job.table} where {scope}"):
                assert con.sql(query, params=params).fetchall() == [], job.table
    finally:
        con.close()


def metrics_json(db: Path, capsys) -> dict:
    assert cli.main(["metrics", "--json", "--db", str(db), "--from", "2025-11-25", "--to", "2026-11-24"]) == 0
    figures = json.loads(capsys.readouterr().out)
    figures.pop("generated_at", None)
    return figures


def test_a_store_filled_from_the_lake_on_clickhouse_shows_the_figures_of_a_plain_ingest(
        sample_store, sample_lake, copy_store, capsys):
    con = duckdb.connect(str(copy_store))
    for table in DERIVED:
        con.execute(f"delete from {table}")
    con.close()
    assert cli.main(["refresh", "--lake", str(sample_lake), "--engine", "clickhouse", "--db", str(copy_store),
                     "--quiet"]) == 0
    capsys.readouterr()
    mine, theirs = snapshot(sample_store), snapshot(copy_store)
    assert {t: mine[t] for t in DERIVED} == {t: theirs[t] for t in DERIVED}
    assert metrics_json(copy_store, capsys) == metrics_json(sample_store, capsys)


@pytest.mark.parametrize("argv, says", [
    (["refresh", "--lake", "{missing}", "--out", "{tmp}/o"], "is not a lake"),
    (["refresh", "--lake", "{lake}"], "--out DIR or --db STORE"),
    (["refresh", "--lake", "{lake}", "--out", "{tmp}/o", "--db", "{tmp}/s.duckdb"], "--out DIR or --db STORE"),
    (["refresh", "--engine", "clickhouse"], "need --lake"),
    (["refresh", "--out", "{tmp}/o"], "need --lake"),
    (["refresh", "--lake", "{lake}", "--out", "{tmp}/o", "--all"], "--all is for a store"),
    (["refresh", "--lake", "{lake}", "--db", "{foreign}"], "not a DuckDB audit store"),
    (["refresh", "--lake", "{lake}", "--db", "{tmp}/s.duckdb"], "No audit store at"),
    (["refresh", "--engine", "clickhouse", "--logs-database", "nowhere_db", "--out", "{tmp}/o"], "lacks the logs"),
    (["refresh", "--engine", "duckdb", "--logs-database", "audit", "--out", "{tmp}/o"], "needs --engine clickhouse"),
    (["refresh", "--engine", "clickhouse", "--logs-database", "audit", "--lake", "{lake}", "--out", "{tmp}/o"],
     "not both"),
])
def test_a_refresh_that_cannot_run_says_why_and_writes_nothing(sample_lake, tmp_path, capsys, argv, says):
    foreign = tmp_path / "foreign.duckdb"
    foreign.write_bytes(b"SQLite format 3\0" + bytes(100))
    argv = [a.format(missing=tmp_path / "nowhere", tmp=tmp_path, lake=sample_lake, foreign=foreign) for a in argv]
    assert cli.main(argv) == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "o").exists() and not (tmp_path / "s.duckdb").exists()
    assert foreign.read_bytes().startswith(b"SQLite format 3")


# ---- random logs -------------------------------------------------------------------------------------------------

# 2026-10-24 .. 2026-11-02: the change back to winter time (2026-10-25, a day of 25 hours) and a month's end.
START = datetime(2026, 10, 24, tzinfo=timezone.utc)
SPAN_HOURS = 10 * 24


def _moment(draw, minutes: int = 15) -> str:
    # on a grid (quarter hours, or coarser), so that events of one visitor, request or hold often share an instant
    return (START + timedelta(minutes=minutes * draw(st.integers(0, SPAN_HOURS * 60 // minutes - 1)))).isoformat()


@st.composite
def every_log(draw):
    visitors = [f"V-{i}" for i in range(draw(st.integers(1, 6)))]
    consent, cookies = [], []
    for n in range(draw(st.integers(0, 30))):
        action = draw(st.sampled_from(["shown", "shown", "accept_all", "reject_all", "custom", "withdraw"]))
        flags = {"accept_all": ("true", "true"), "reject_all": ("false", "false"), "withdraw": ("false", "false"),
                 "shown": ("", "")}.get(action) or (draw(st.sampled_from(["true", "false"])),
                                                   draw(st.sampled_from(["true", "false"])))
        consent.append({"event_id": f"c{n}", "occurred_at": _moment(draw), "visitor_ref": draw(st.sampled_from(visitors)),
                        "action": action, "functional": flags[0], "analytics": flags[1],
                        "banner_version": draw(st.sampled_from(["v1", "v2"])),
                        "device": draw(st.sampled_from(["desktop", "mobile", ""])),
                        "browser": draw(st.sampled_from(["Firefox", ""])), "country": draw(st.sampled_from(["SE", ""]))})
    for n in range(draw(st.integers(0, 25))):  # some of these visitors never decided
        cookies.append({"event_id": f"o{n}", "observed_at": _moment(draw),
                        "visitor_ref": draw(st.sampled_from([*visitors, "V-never"])),
                        "cookie_name": draw(st.sampled_from(["_ga", "_gid", "has_js", "_fbp"])), "page": "/"})
    requests = [{"event_id": f"e{n}", "request_id": draw(st.sampled_from(["r1", "r2", "r3"])),
                 "occurred_at": _moment(draw, 6 * 60),
                 "event": draw(st.sampled_from(["received", "identity_requested", "identity_verified", "extended",
                                                "completed", "rejected", "withdrawn"])),
                 "request_type": draw(st.sampled_from(["access", "erasure"])),
                 "channel": draw(st.sampled_from(["email", "web"])), "subject_ref": draw(st.sampled_from(["S-1", "S-2"])),
                 "note": ""} for n in range(draw(st.integers(0, 14)))]
    holds = [{"event_id": f"h{n}", "hold_id": draw(st.sampled_from(["H1", "H2"])),
              "occurred_at": _moment(draw, 6 * 60),
              "event": draw(st.sampled_from(["placed", "placed", "released"])),
              "request_id": draw(st.sampled_from(["r1", "r2"])), "subject_ref": "S-1",
              "data_category": draw(st.sampled_from(["bookkeeping", "credit"])), "legal_basis": "bookkeeping_act",
              "record_count": str(draw(st.integers(1, 9))),
              "retain_until": draw(st.sampled_from(["2026-12-01", "2033-12-31"]))} for n in range(draw(st.integers(0, 8)))]
    sent = [{"transfer_id": f"t{n}", "occurred_at": _moment(draw),
             "recipient": draw(st.sampled_from(["Molnhus AB", "Datacorp Inc"])),
             "recipient_type": "processor", "country": draw(st.sampled_from(["SE", "US"])),
             "mechanism": draw(st.sampled_from(["eea", "scc", "none"])), "legal_basis": "contract",
             "purpose": "hosting", "data_categories": draw(st.sampled_from(["contact", "contact;identity"])),
             "record_count": str(draw(st.integers(1, 50))), "reference": ""} for n in range(draw(st.integers(0, 6)))]
    return ({"consent_events": consent, "cookie_observations": cookies, "dsr_events": requests,
             "hold_events": holds, "transfers": sent}, draw(st.randoms(use_true_random=False)))


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=every_log())
def test_random_logs_loaded_in_any_order_give_the_same_rows_on_every_engine(tmp_path_factory, data):
    logs, rnd = data
    tmp_path = tmp_path_factory.mktemp("lake")
    db = tmp_path / "audit.duckdb"
    files = []
    for log, rows in logs.items():  # each log cut in two files at a random row, loaded in a random order
        if rows:
            rnd.shuffle(rows)
            cut = rnd.randint(0, len(rows))
            files += [write(tmp_path / f"{log}_{i}.csv", part, list(rows[0])) for i, part in
                      enumerate((rows[:cut], rows[cut:])) if part]
    rnd.shuffle(files)
    for path in files:
        assert ingest_file(str(path), db).exit_code == 0
    if not db.exists():
        return
    lake.export(db, tmp_path / "lake")
    for engine in lake.ENGINES:
        out = tmp_path / f"out-{engine}"
        lake.refresh_lake(engine, tmp_path / "lake", out=out)
        assert_same_rows(db, out)


def test_events_at_one_instant_resolve_the_same_way_on_every_engine(tmp_path):
    """Two choices at one instant: the one granting least is in force, whichever row came first; two first events of
    a kind at one instant: the one with the lower event id counts."""
    at, later = "2026-10-27T10:00:00+00:00", "2026-10-27T10:05:00+00:00"
    choice = {"occurred_at": at, "banner_version": "v1", "device": "desktop", "browser": "Firefox", "country": "SE"}
    consent = [{**choice, "event_id": "c1", "visitor_ref": "V-1", "action": "accept_all", "functional": "true",
                "analytics": "true"},
               {**choice, "event_id": "c2", "visitor_ref": "V-1", "action": "reject_all", "functional": "false",
                "analytics": "false"},
               {**choice, "event_id": "c3", "visitor_ref": "V-2", "action": "custom", "functional": "false",
                "analytics": "false"},
               {**choice, "event_id": "c4", "visitor_ref": "V-2", "action": "accept_all", "functional": "true",
                "analytics": "true"}]
    cookies = [{"event_id": f"o{i}", "observed_at": later, "visitor_ref": v, "cookie_name": "_ga", "page": "/"}
               for i, v in enumerate(("V-1", "V-2"))]
    received = {"occurred_at": at, "event": "received", "request_id": "r1", "channel": "email", "subject_ref": "S-1",
                "note": ""}
    requests = [{**received, "event_id": "e2", "request_type": "erasure"},
                {**received, "event_id": "e1", "request_type": "access"}]
    db = tmp_path / "audit.duckdb"
    for log, rows in (("consent_events", consent), ("cookie_observations", cookies), ("dsr_events", requests)):
        assert ingest_file(str(write(tmp_path / f"{log}.csv", rows)), db).exit_code == 0
    lake.export(db, tmp_path / "lake")
    expected_consent = [("V-1", "reject_all", False), ("V-2", "custom", False)]
    con = duckdb.connect(str(db), read_only=True)
    assert con.sql("select visitor_ref, consent_action, analytics from cookie_consent order by 1").fetchall() \
        == expected_consent
    assert con.sql("select request_type from request_rollup").fetchall() == [("access",)]
    con.close()
    for engine in lake.ENGINES:
        out = tmp_path / engine
        lake.refresh_lake(engine, tmp_path / "lake", out=out)
        assert duckdb.sql(f"select visitor_ref, consent_action, analytics from '{out}/cookie_consent.parquet' "
                          "order by 1").fetchall() == expected_consent, engine
        assert duckdb.sql(f"select request_type from '{out}/request_rollup.parquet'").fetchall() == [("access",)]


def test_on_clickhouse_the_logs_may_be_tables_of_a_database_rather_than_a_lake(sample_store, sample_lake, tmp_path):
    """As on a cluster whose logs are (Distributed) MergeTree tables: loaded here from the lake into chdb."""
    import clickhouse_connect

    holder = clickhouse_connect.get_client(dsn="chdb://")  # chdb's tables live while a client holds the engine
    try:
        holder.command("create database if not exists audit_logs_test")
        for log in LOGS:
            structure = ", ".join(f"{n} {lake._ch_type(t)}" for n, t in lake.log_columns(log))
            holder.command(f"create or replace table audit_logs_test.{log} ({structure}) engine = MergeTree "
                           "order by tuple()")
            holder.command(f"insert into audit_logs_test.{log} select * from file("
                           f"'{sample_lake / log}/month=*/*.parquet', Parquet, '{lake._ch_quote(structure)}')")
        with pytest.raises(lake.LakeError, match="lacks the logs"):
            lake.refresh_lake("clickhouse", None, out=tmp_path / "x", logs_database="system")
        lake.refresh_lake("clickhouse", None, out=tmp_path / "out", logs_database="audit_logs_test")
        assert_same_rows(sample_store, tmp_path / "out")
    finally:
        holder.command("drop database if exists audit_logs_test")
        holder.close()


@pytest.mark.parametrize("name", ["logs; drop table x", "a.b", "", "x" * 65, "ö"])
def test_a_logs_database_that_is_not_a_plain_name_is_refused(name, tmp_path):
    with pytest.raises(lake.LakeError, match="not a ClickHouse database name"):
        lake.refresh_lake("clickhouse", None, out=tmp_path / "out", logs_database=name)


@pytest.mark.parametrize("name", ["it's a 'lake'", "lake; drop table x --", "sjö lake", "lake\"quoted\""])
def test_a_lake_anywhere_is_written_and_read_whatever_its_folder_is_called(sample_store, tmp_path, name):
    """A folder name is never SQL: quotes, non-ASCII letters and statement text in it are only a name, for the
    export and for both engines' readers."""
    out = tmp_path / name
    assert lake.export(sample_store, out)["consent_events"] > 0
    day = datetime(2026, 10, 27).date()
    con = duckdb.connect(str(sample_store), read_only=True)
    expected = con.sql("select count(*) from cookie_consent where cast(timezone('Europe/Stockholm', observed_at) "
                       "as date) = $d", params={"d": day}).fetchall()[0][0]
    con.close()
    assert expected > 0
    for engine in lake.ENGINES:
        done = {d.table: d.rows for d in lake.refresh_lake(engine, out, day, day, out=tmp_path / f"t-{engine}")}
        assert done["cookie_consent"] == expected, engine


@pytest.mark.parametrize("name, says", [("back\\slash", "backslash"), ("a\\", "backslash"),
                                        ("\\\\server\\share", "backslash"), ("lake[1]", "cannot hold [ ]"),
                                        ("lake*", "cannot hold *"), ("lake{a,b}", "cannot hold { }"),
                                        ("lake?", "cannot hold ?")])
def test_a_lake_path_the_engines_would_misread_is_refused_before_anything_is_written(sample_store, tmp_path, capsys,
                                                                                     name, says):
    """DuckDB reads a backslash as a folder separator, and both engines read * ? [ ] { } as wildcards: the export
    says so and writes nothing, and a refresh refuses such a lake."""
    assert cli.main(["lake", "export", "--db", str(sample_store), "--out", str(tmp_path / name)]) == 2
    assert says in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(lake.LakeError, match="cannot hold"):
        lake.refresh_lake("duckdb", tmp_path / name, out=tmp_path / "out")
