"""The rules a regulator would hold us to (issue #13): both readings of the holidays and the requests whose verdict
depends on them, the EDPB suspension for identification, the internal target, the missed-deadline rate, and the
consent-banner checks at their edges. Hand-made logs through the real ingest into a real store."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as hyp

from dashboard import config, consent, metrics, sql
from dashboard.config import STATUTE_READING
from dashboard.deadlines import WorkingCalendar, sla_params
from dashboard.ingest import ingest_file
from tests.helpers import write
from tests.test_requests import event, states

STRICT = WorkingCalendar()
STATUTE = WorkingCalendar(categories=STATUTE_READING)
STATUTE_PARAMS = {"count_eves": True}


def load(tmp_path, db, rows, name="dsr_events.csv"):
    assert ingest_file(str(write(tmp_path / name, rows)), db).exit_code == 0


def load_with_future(tmp_path, db, rows):
    """The issue's worked examples end after today, and ingest refuses events more than a day ahead. The past rows
    go through ingest; the later ones are written into the same real store as ingest would (and the request rollup
    recomputed as ingest does), standing in for the loads of the coming weeks."""
    from dashboard import refresh

    today = date.today()
    past = [r for r in rows if date.fromisoformat(r["occurred_at"][:10]) <= today]
    later = [r for r in rows if date.fromisoformat(r["occurred_at"][:10]) > today]
    load(tmp_path, db, past)
    con = duckdb.connect(str(db))
    try:
        con.execute("attach ':memory:' as scratch")
        con.execute("begin")
        for r in later:
            con.execute("insert into dsr_events values ($1, $2, cast($3 as timestamptz), $4, nullif($5, ''), "
                        "nullif($6, ''), nullif($7, ''), nullif($8, ''), 0)",
                        [r["event_id"], r["request_id"], r["occurred_at"], r["event"], r["request_type"],
                         r["channel"], r["subject_ref"], r["note"]])
        refresh.queue(con, "request_rollup", None, None, alias="main")  # rebuilt from the rows inserted here
        con.execute("commit")
        refresh.run_pending_on(con)
    finally:
        con.close()


# ---- 1. the two readings of the holidays -------------------------------------------------------------------------

@pytest.fixture
def eve_store(tmp_path, db):
    rows = [
        # received 2026-11-24: one month ends 2026-12-24 (strict) or 2026-12-28 (Swedish-statute)
        event("closed-28", "2026-11-24", "received", 1), event("closed-28", "2026-12-28", "completed", 2),
        event("closed-24", "2026-11-24", "received", 1), event("closed-24", "2026-12-24", "completed", 2),
        event("closed-29", "2026-11-24", "received", 1), event("closed-29", "2026-12-29", "completed", 2),
        # extended on 2026-12-28: valid only under the statute reading; still open
        event("ext-28", "2026-11-24", "received", 1), event("ext-28", "2026-12-28", "extended", 2),
        # received 2026-05-19: 2026-06-19 (strict) or 2026-06-22; rejected on the 22nd
        event("midsummer", "2026-05-19", "received", 1), event("midsummer", "2026-06-22", "rejected", 2),
        # 2026-01-31 -> 2026-03-02 under both: closed that day is on time either way
        event("jan-31", "2026-01-31", "received", 1), event("jan-31", "2026-03-02", "completed", 2),
    ]
    load_with_future(tmp_path, db, rows)
    return db


AS_OF = date(2027, 1, 10)


def test_a_request_closed_on_the_statute_deadline_is_late_by_default_and_doubtful(eve_store):
    got = states(eve_store, AS_OF)
    r = got["closed-28"]
    assert (r["deadline"], r["sla_status"], r["depends_on_calendar"]) == (date(2026, 12, 24), "late", True)
    assert (r["deadline_strict"], r["deadline_statute"]) == (date(2026, 12, 24), date(2026, 12, 28))
    statute = states(eve_store, AS_OF, **STATUTE_PARAMS)["closed-28"]
    assert (statute["deadline"], statute["sla_status"], statute["depends_on_calendar"]) == (
        date(2026, 12, 28), "on_time", True)


@pytest.mark.parametrize(("rid", "strict", "statute", "doubtful"), [
    ("closed-24", "on_time", "on_time", False),
    ("closed-29", "late", "late", False),
    ("ext-28", "overdue", "pending", True),
    ("midsummer", "late", "on_time", True),
    ("jan-31", "on_time", "on_time", False),
])
def test_each_reading_and_the_doubt(eve_store, rid, strict, statute, doubtful):
    a, b = states(eve_store, AS_OF)[rid], states(eve_store, AS_OF, **STATUTE_PARAMS)[rid]
    assert (a["sla_status"], b["sla_status"]) == (strict, statute)
    assert a["depends_on_calendar"] is doubtful and b["depends_on_calendar"] is doubtful


def test_the_extension_on_the_statute_deadline_is_valid_only_under_that_reading(eve_store):
    a, b = states(eve_store, AS_OF)["ext-28"], states(eve_store, AS_OF, **STATUTE_PARAMS)["ext-28"]
    assert a["has_invalid_extension"] and not a["is_extended"] and a["deadline"] == date(2026, 12, 24)
    assert b["is_extended"] and b["deadline"] == STATUTE.deadline(date(2026, 11, 24), 3) == date(2027, 2, 24)


@pytest.mark.parametrize("categories", ["public", "public,de_facto"])
def test_metrics_json_the_page_query_and_the_setting_agree(eve_store, monkeypatch, categories):
    monkeypatch.setenv("AUDIT_HOLIDAY_CATEGORIES", categories)
    out = subprocess.run([sys.executable, "-m", "dashboard", "metrics", "--from", "2026-01-01", "--to", "2026-12-31",
                          "--as-of", str(AS_OF), "--json", "--db", str(eve_store)],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout)["requests"]
    assert r["depends_on_calendar"] == 3
    assert r["holiday_reading"] == ("swedish_statute" if "de_facto" in categories else "strict")
    assert r["late"] == (3 if categories == "public" else 1)
    findings = {f["rule"]: f["count"] for f in json.loads(out.stdout)["findings"]}
    assert findings["depends_on_calendar"] == 3


def test_the_sql_holds_to_the_python_rule_under_the_statute_reading_for_three_years(tmp_path, db):
    rows, day = [], date(2023, 1, 1)
    while day <= date(2025, 12, 31):
        rows.append(event(f"A{day}", day, "received", 1))
        day += timedelta(days=1)
    load(tmp_path, db, rows)
    for overrides, cal in (({}, STRICT), (STATUTE_PARAMS, STATUTE)):
        for rid, r in states(db, date(2026, 6, 30), **overrides).items():
            received = date.fromisoformat(rid[1:])
            assert r["deadline"] == cal.deadline(received), (rid, overrides)
            assert r["deadline_strict"] == STRICT.deadline(received)
            assert r["deadline_statute"] == STATUTE.deadline(received)


# ---- 2. identification: the EDPB suspension ------------------------------------------------------------------------

RECEIVED = date(2026, 3, 2)  # a Monday; one month: 2026-04-02


@pytest.fixture
def id_store(tmp_path, db):
    rows = [
        # asked on the 2nd working day, verified 10 calendar days later
        event("in-time", RECEIVED, "received", 1), event("in-time", "2026-03-04", "identity_requested", 2),
        event("in-time", "2026-03-14", "identity_verified", 3),
        # asked on the 3rd working day: still in time (the edge)
        event("edge", RECEIVED, "received", 1), event("edge", "2026-03-05", "identity_requested", 2),
        event("edge", "2026-03-12", "identity_verified", 3),
        # asked on the 4th working day: late, suspends nothing
        event("late-ask", RECEIVED, "received", 1), event("late-ask", "2026-03-06", "identity_requested", 2),
        event("late-ask", "2026-03-20", "identity_verified", 3),
        # asked in time, never answered
        event("never", RECEIVED, "received", 1), event("never", "2026-03-03", "identity_requested", 2),
        # no identification asked
        event("plain", RECEIVED, "received", 1),
    ]
    load(tmp_path, db, rows)
    return db


def test_suspension_vectors(id_store):
    as_of = date(2026, 4, 20)
    got = states(id_store, as_of, clock_start="suspended")
    assert got["in-time"]["suspended_days"] == 10
    assert got["in-time"]["deadline"] == STRICT.deadline(RECEIVED, 1, 10) == date(2026, 4, 13)  # 12 Apr a Sunday
    assert got["edge"]["suspended_days"] == 7 and not got["edge"]["asked_late"]
    assert got["late-ask"]["suspended_days"] == 0 and got["late-ask"]["asked_late"]
    assert got["late-ask"]["deadline"] == date(2026, 4, 2) and got["late-ask"]["sla_status"] == "overdue"
    never = got["never"]
    assert never["sla_status"] == "awaiting_identity" and never["suspended_days"] == (as_of - date(2026, 3, 3)).days
    assert got["plain"]["suspended_days"] == 0 and got["plain"]["sla_status"] == "overdue"


def test_without_suspension_the_month_runs_from_receipt_and_the_uk_model_restarts_it(id_store):
    as_of = date(2026, 4, 20)
    received = states(id_store, as_of)
    assert {r["deadline"] for r in received.values()} == {date(2026, 4, 2)}
    assert received["late-ask"]["asked_late"] and not received["in-time"]["asked_late"]
    uk = states(id_store, as_of, clock_start="identity_verified")
    assert uk["in-time"]["deadline"] == STRICT.deadline(date(2026, 3, 14))
    # the EDPB rule gives the earlier deadline than the UK model
    assert states(id_store, as_of, clock_start="suspended")["in-time"]["deadline"] < uk["in-time"]["deadline"]


@pytest.mark.parametrize("within", [0, 2, 5])
def test_the_working_days_allowed_for_asking_are_a_setting(id_store, within):
    got = states(id_store, date(2026, 4, 20), clock_start="suspended", ask_within_days=within)
    # in-time asked after 2 working days, edge after 3, late-ask after 4
    assert got["in-time"]["asked_late"] is (within < 2)
    assert got["edge"]["asked_late"] is (within < 3)
    assert got["late-ask"]["asked_late"] is (within < 4)


def test_the_timeline_shows_the_suspension(id_store):
    con = duckdb.connect(str(id_store), read_only=True)
    try:
        params = {**sla_params(date(2026, 4, 20)), "clock_start": "suspended"}
        detail = sql.run(con, "rpt_request_detail", request_id="in-time", **params).row(0, named=True)
    finally:
        con.close()
    assert detail["suspended_days"] == 10 and detail["requested_day"] == date(2026, 3, 4)
    from dashboard.deadlines import how

    assert "suspended 10 days" in how(detail, params)


# ---- 3. internal target, and the figure a manager cannot misread ------------------------------------------------

def test_internal_target_per_type_and_the_missed_deadline_rate(tmp_path, db, monkeypatch):
    d = date(2026, 3, 2)
    rows = [
        event("fast", d, "received", 1), event("fast", "2026-03-09", "completed", 2),    # 5 working days
        event("slow", d, "received", 1), event("slow", "2026-03-20", "completed", 2),    # 14 working days
        event("late", d, "received", 1), event("late", "2026-04-07", "completed", 2),    # after the deadline
        event("overdue", d, "received", 1),
        event("open-early", "2026-04-10", "received", 1),                                 # not due yet
        event("erasure", d, "received", 1, request_type="erasure"),
        event("erasure", "2026-03-12", "completed", 2),                                  # 8 working days
    ]
    load(tmp_path, db, rows)
    monkeypatch.setenv("AUDIT_INTERNAL_TARGET_DAYS", "10")
    targets = tmp_path / "targets.csv"
    targets.write_text("request_type,working_days\nerasure,5\n")
    monkeypatch.setenv("AUDIT_INTERNAL_TARGETS", str(targets))
    as_of = date(2026, 4, 20)
    got = states(db, as_of)
    assert got["fast"]["internal_due"] == STRICT.add_working_days(d, 10) == date(2026, 3, 16)
    assert got["erasure"]["internal_due"] == STRICT.add_working_days(d, 5) == date(2026, 3, 9)
    assert [rid for rid, r in sorted(got.items()) if r["met_internal_target"]] == ["fast"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        result = metrics.compute(lambda name, **p: sql.run(con, name, **p), date(2026, 3, 1), date(2026, 4, 30), as_of)
    finally:
        con.close()
    r = result["requests"]
    assert (r["with_internal_target"], r["met_internal_target"]) == (4, 1)
    assert r["internal_target_rate"] == pytest.approx(1 / 4)
    # on time counts closed requests only (3 of 4); the missed-deadline rate sees the overdue one too
    assert r["on_time_rate"] == pytest.approx(3 / 4)
    assert (r["due"], r["missed_deadline_rate"]) == (5, pytest.approx(2 / 5))


@pytest.mark.parametrize(("name", "value", "message"), [
    ("AUDIT_CLOCK_START", "verified", "AUDIT_CLOCK_START must be one of"),
    ("AUDIT_CLOCK_START", "RECEIVED", "AUDIT_CLOCK_START must be one of"),
    ("AUDIT_INTERNAL_TARGET_DAYS", "ten", "whole number"),
    ("AUDIT_INTERNAL_TARGET_DAYS", "0", "from 1 to 60"),
    ("AUDIT_INTERNAL_TARGET_DAYS", "-5", "from 1 to 60"),
    ("AUDIT_ASK_ID_WITHIN_DAYS", "1e3", "whole number"),
    ("AUDIT_AT_RISK_DAYS", "five", "whole number"),
    ("AUDIT_AT_RISK_DAYS", "\u00b2", "whole number"),
    ("AUDIT_AT_RISK_DAYS", "\u0663", "whole number"),  # Arabic-Indic 3: int() reads it, a setting does not
    ("AUDIT_AT_RISK_DAYS", "5_0", "whole number"),  # int() reads 50
    ("AUDIT_AT_RISK_DAYS", "61", "from 0 to 60"),
    ("AUDIT_INTERNAL_TARGETS", "/nonexistent/targets.csv", "cannot read"),
])
def test_a_bad_setting_is_named(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(config.SettingsError, match=message):
        config.settings()


@given(hyp.one_of(
    hyp.from_regex(r"[+-]?[0-9]{1,25}", fullmatch=True),  # what a person types (and a plus)
    hyp.text(alphabet=hyp.characters(categories=("Nd", "No", "Pc", "Zs")), min_size=1),  # any script's digits, ², _
    hyp.text()))
def test_a_number_a_person_typed_is_read_only_from_ascii_digits(text):
    """config.whole_number, behind every setting, targets file and page number in a link: a number exactly when the
    text is ASCII digits with an optional minus, and then the number int() reads; '٣', '３', '²', '+2' and '1_000'
    are none (int() reads all but '²')."""
    try:  # what int() reads, in ASCII text with no digit separator, white space or plus sign
        expected = (int(text) if text.isascii() and "_" not in text and text == text.strip()
                    and not text.startswith("+") else None)
    except ValueError:
        expected = None
    assert config.whole_number(text) == expected, text


@pytest.mark.parametrize("body", [
    "request_type,working_days\nerasure,0\n", "request_type,working_days\naccess,many\n",
    "request_type,working_days\n=cmd(),5\n", "type,days\naccess,5\n",
    "request_type,working_days\naccess,\u00b2\n",  # a digit str.isdigit() accepts and int() refuses
])
def test_a_bad_targets_file_is_named_with_its_row(tmp_path, monkeypatch, body):
    path = tmp_path / "targets.csv"
    path.write_text(body)
    monkeypatch.setenv("AUDIT_INTERNAL_TARGETS", str(path))
    with pytest.raises(config.SettingsError, match="row 2"):
        config.settings()


# ---- 4. consent-banner checks at their edges ---------------------------------------------------------------------

def banner_events(version: str, accept: int, reject: int = 0, custom_all: int = 0, custom_some: int = 0,
                  withdraw: int = 0, day: str = "2026-03-10") -> list[dict]:
    out, n = [], 0
    spec = ([("accept_all", "true", "true")] * accept + [("reject_all", "false", "false")] * reject
            + [("custom", "true", "true")] * custom_all + [("custom", "true", "false")] * custom_some
            + [("withdraw", "false", "false")] * withdraw)
    start = datetime.fromisoformat(f"{day}T08:00:00")
    for action, functional, analytics in spec:
        n += 1
        out.append({"event_id": f"{version}-{n}", "occurred_at": (start + timedelta(seconds=n)).isoformat() + "+01:00",
                    "visitor_ref": f"V-{version}-{n}", "action": action, "functional": functional,
                    "analytics": analytics, "banner_version": version, "device": "desktop", "browser": "Firefox",
                    "country": "SE"})
    return out


def checks(db, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return consent.banner_checks(lambda name, **p: sql.run(con, name, **p),
                                     consent.params(date_from, date_to, "Europe/Stockholm"))
    finally:
        con.close()


def test_reject_hidden_fires_just_under_its_thresholds_and_not_at_them(tmp_path, db):
    rows = (banner_events("fires", accept=60, reject=1, custom_some=39)        # 1 % reject, 60 % accept
            + banner_events("reject-2pct", accept=60, reject=2, custom_some=38)  # reject exactly 2 %: not under
            + banner_events("accept-50pct", accept=50, reject=1, custom_some=49)  # accept exactly 50 %: not over
            + banner_events("too-few", accept=99))                              # 99 decisions: not judged
    load(tmp_path, db, rows, "consent_events.csv")
    got = {r["banner_version"]: r for r in checks(db)["versions"].iter_rows(named=True)}
    assert {v for v, r in got.items() if r["reject_may_be_hidden"]} == {"fires"}
    assert checks(db)["counts"]["reject_may_be_hidden"] == 1


def test_preticked_fires_over_ninety_percent_of_custom_decisions(tmp_path, db):
    rows = (banner_events("fires", accept=10, reject=10, custom_all=46, custom_some=4)   # 92 %
            + banner_events("exactly-90", accept=10, reject=10, custom_all=45, custom_some=5)
            + banner_events("too-few", accept=10, reject=10, custom_all=49))           # 49 custom: not judged
    load(tmp_path, db, rows, "consent_events.csv")
    got = {r["banner_version"]: r for r in checks(db)["versions"].iter_rows(named=True)}
    assert {v for v, r in got.items() if r["boxes_may_be_preticked"]} == {"fires"}
    assert got["exactly-90"]["custom_all_granted_share"] == pytest.approx(0.9)


@pytest.mark.parametrize(("decisions", "withdrawals", "day", "fires"), [
    (1001, 0, "2026-03-10", True),
    (1000, 0, "2026-03-10", False),    # not over 1000
    (1001, 1, "2026-03-10", False),    # a withdrawal in the window
    (1001, 0, "2025-12-31", False),    # the decisions fall before the 90 days up to 2026-03-31
])
def test_withdrawal_hard_to_find(tmp_path, db, decisions, withdrawals, day, fires):
    load(tmp_path, db, banner_events("v", accept=decisions, withdraw=withdrawals, day=day), "consent_events.csv")
    result = checks(db)
    assert result["counts"]["withdrawal_may_be_hard"] == int(fires)
    assert result["withdrawal"]["window_from"] == date(2026, 3, 31) - timedelta(days=89)


def test_a_necessary_cookie_the_policy_does_not_call_necessary_is_shown_for_review(tmp_path, db):
    load(tmp_path, db, banner_events("v", accept=1), "consent_events.csv")
    obs = [{"event_id": f"o{i}", "observed_at": "2026-03-10T09:00:00+01:00", "visitor_ref": "V-v-1",
            "cookie_name": name, "page": "/"} for i, name in enumerate(["SSESS1a2b", "_ga", "has_js", "_ga_XYZ12"])]
    load(tmp_path, db, obs, "cookie_observations.csv")
    result = checks(db)
    assert result["necessary_not_in_policy"]["cookie_name"].to_list() == ["SSESS1a2b"]
    con = duckdb.connect(str(db), read_only=True)
    try:  # the metrics count it in the cookie count's pass: the same figure as the page's list
        counted = consent.cookie_counts(lambda name, **p: sql.run(con, name, **p),
                                        consent.params(date(2026, 3, 1), date(2026, 3, 31), "Europe/Stockholm"))
    finally:
        con.close()
    assert counted["necessary_not_in_policy"] == result["necessary_not_in_policy"].height == 1
    summary = {r["cookie_name"]: r["category"] for r in result["necessary_not_in_policy"].iter_rows(named=True)}
    assert summary == {"SSESS1a2b": "necessary"}
    con = duckdb.connect(str(db), read_only=True)
    try:
        cats = dict(sql.run(con, "rpt_cookie_summary", **consent.params(date(2026, 3, 1), date(2026, 3, 31),
                                                                          "Europe/Stockholm"))
                    .select("cookie_name", "category").iter_rows())
    finally:
        con.close()
    assert cats["_ga_XYZ12"] == "analytics" and cats["_ga"] == "analytics"


def test_the_thresholds_come_from_the_data_file_with_their_sources():
    t = consent.banner_thresholds()
    assert (t["max_reject_share"], t["min_accept_share"], t["min_all_granted_share"]) == (0.02, 0.5, 0.9)
    assert (t["window_days"], t["min_window_decisions"]) == (90, 1000)
    import csv

    with open(consent.DATA / "banner_checks.csv", encoding="utf-8") as fh:
        assert all(row["source"] for row in csv.DictReader(fh))


def test_a_bad_setting_stops_the_cli_and_the_app_with_its_name(sample_store, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_requests import APP

    env = {**__import__("os").environ, "AUDIT_CLOCK_START": "whenever"}
    out = subprocess.run([sys.executable, "-m", "dashboard", "alerts", "--db", str(sample_store)], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 2 and "AUDIT_CLOCK_START must be one of" in out.stderr and "Traceback" not in out.stderr
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    monkeypatch.setenv("AUDIT_INTERNAL_TARGET_DAYS", "99")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "AUDIT_INTERNAL_TARGET_DAYS" in at.error[0].value and not at.metric


@pytest.mark.parametrize(("table", "column"), [("request_rollup", "requested_at"), ("request_rollup", "closed_day"),
                                               ("hold_rollup", "released_day")])
def test_a_store_from_before_a_rollup_column_gets_its_rollup_rebuilt_on_the_next_ingest(copy_store, tmp_path,
                                                                                       table, column):
    """A store from before identity_requested (requested_at) or before a rollup kept local days (closed_day and the
    other days of a request, released_day and placed_day of a hold): pages say it needs an ingest, and the next
    ingest (of any log) rebuilds the rollup, with the kept days those of the events' instants."""
    from dashboard import store

    con = duckdb.connect(str(copy_store))
    try:
        before = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("request_rollup", "hold_rollup")}
        con.execute(f"alter table {table} drop column {column}")
        assert store.missing_tables(con) == [f"{table}.{column}"]
    finally:
        con.close()
    load(tmp_path, copy_store, [event("new-1", "2026-11-02", "received", 1),
                                event("new-1", "2026-11-03", "identity_requested", 2)])
    con = duckdb.connect(str(copy_store), read_only=True)
    try:
        assert store.missing_tables(con) == []
        assert con.execute("select count(*) from request_rollup").fetchone()[0] == before["request_rollup"] + 1
        assert con.execute("select count(*) from hold_rollup").fetchone()[0] == before["hold_rollup"] > 0
        asked = con.execute("select cast(timezone('Europe/Stockholm', requested_at) as date) from request_rollup "
                        "where request_id = 'new-1'").fetchone()[0]
        wrong_days = con.execute(
            "select count(*) from hold_rollup where placed_day is distinct from "
            "cast(timezone('Europe/Stockholm', placed_at) as date) or released_day is distinct from "
            "cast(timezone('Europe/Stockholm', released_at) as date)").fetchone()[0]
    finally:
        con.close()
    assert asked == date(2026, 11, 3) and wrong_days == 0


@pytest.mark.parametrize(("categories", "clock", "words"), [
    ("public", "received", "Deadlines: strict reading"),
    ("public,de_facto", "suspended", "Deadlines: Swedish-statute reading"),
])
def test_the_report_states_the_reading_and_the_clock_in_force(sample_store, monkeypatch, categories, clock, words):
    from dashboard import report

    monkeypatch.setenv("AUDIT_HOLIDAY_CATEGORIES", categories)
    monkeypatch.setenv("AUDIT_CLOCK_START", clock)
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        html = report.build(lambda name, **p: sql.run(con, name, **p), "2026-10")
    finally:
        con.close()
    assert words in html and ("EDPB Guidelines 01/2022" in html) is (clock == "suspended")
    assert "On time only if the eves count as holidays" in html and "Missed deadline" in html
