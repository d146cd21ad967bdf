"""Request states from the SQL rule: held to the Python reference, on hand-made logs, on the planted sample."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given
from hypothesis import settings as st_settings
from hypothesis import strategies as hyp
import pytest
import polars as pl
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import sql
from dashboard.deadlines import WorkingCalendar, period_params, sla_params
from dashboard.ingest import ingest_file
from tests.helpers import run_cli, write

CAL = WorkingCalendar()
APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def states(db, as_of: date, **overrides) -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        params = {**sla_params(as_of), **overrides}
        frame = sql.run(con, "stg_request_states", **params)
    finally:
        con.close()
    return {r["request_id"]: r for r in frame.iter_rows(named=True)}


def event(rid, day, kind, n, **extra):
    row = {"event_id": f"{rid}-{n}", "request_id": rid, "occurred_at": f"{day}T12:00:00+01:00", "event": kind,
           "request_type": "", "channel": "", "subject_ref": "", "note": ""}
    if kind == "received":
        row.update(request_type="access", channel="web", subject_ref=f"S-{rid}")
    row.update(extra)
    return row


def test_sql_deadlines_equal_the_python_rule_for_every_day_of_five_years(tmp_path, db):
    rows, day = [], date(2021, 1, 1)
    while day <= date(2025, 12, 31):
        rows.append(event(f"A{day}", day, "received", 1))
        rows.append(event(f"B{day}", day, "received", 1))
        rows.append(event(f"B{day}", day + timedelta(days=1), "extended", 2))
        day += timedelta(days=1)
    assert ingest_file(str(write(tmp_path / "dsr_events.csv", rows)), db).exit_code == 0
    got = states(db, date(2026, 6, 30))
    assert len(got) == 2 * (date(2025, 12, 31) - date(2021, 1, 1)).days + 2
    for rid, r in got.items():
        received = date.fromisoformat(rid[1:])
        months = 3 if rid[0] == "B" else 1
        assert r["deadline"] == CAL.deadline(received, months), rid
        assert r["one_month_deadline"] == CAL.deadline(received), rid


def test_states_on_hand_made_requests(tmp_path, db):
    d = date(2026, 3, 2)  # Monday; one-month deadline 2026-04-02 (Thursday)
    deadline = CAL.deadline(d)
    assert deadline == date(2026, 4, 2)
    rows = [
        event("on-deadline", d, "received", 1), event("on-deadline", deadline, "completed", 2),
        event("day-after", d, "received", 1), event("day-after", deadline + timedelta(days=1), "completed", 2),
        event("rejected-late", d, "received", 1), event("rejected-late", date(2026, 4, 7), "rejected", 2),
        event("withdrawn", d, "received", 1), event("withdrawn", date(2026, 5, 20), "withdrawn", 2),
        event("valid-ext", d, "received", 1), event("valid-ext", deadline, "extended", 2),
        event("valid-ext", date(2026, 5, 20), "completed", 3),
        event("late-ext", d, "received", 1), event("late-ext", deadline + timedelta(days=1), "extended", 2),
        event("late-ext", date(2026, 4, 20), "completed", 3),
        event("open-overdue", d, "received", 1),
        event("after-as-of", d, "received", 1), event("after-as-of", date(2026, 6, 1), "completed", 2),
        # as of 2026-04-20 (Monday): deadline 2026-04-27 is 5 working days ahead -> at risk
        event("at-risk", date(2026, 3, 27), "received", 1),
        # deadline 2026-04-28: 6 working days ahead -> pending
        event("pending", date(2026, 3, 28), "received", 1),
        event("orphan", d, "completed", 1),
    ]
    ingest_file(str(write(tmp_path / "dsr_events.csv", rows)), db)
    got = states(db, date(2026, 4, 20))
    assert "orphan" not in got
    expect = {
        "on-deadline": ("completed", "on_time"), "day-after": ("completed", "late"),
        "rejected-late": ("rejected", "late"), "withdrawn": ("open", "overdue"),
        "valid-ext": ("open", "pending"), "late-ext": ("completed", "late"),
        "open-overdue": ("open", "overdue"), "after-as-of": ("open", "overdue"),
        "at-risk": ("open", "at_risk"), "pending": ("open", "pending"),
    }
    assert {k: (v["state"], v["sla_status"]) for k, v in got.items()} == expect
    assert got["valid-ext"]["is_extended"] and got["valid-ext"]["deadline"] == CAL.deadline(d, 3)
    assert got["late-ext"]["has_invalid_extension"] and got["late-ext"]["deadline"] == deadline
    assert got["day-after"]["days_to_close"] == 32 and got["day-after"]["days_late"] == 1
    assert got["at-risk"]["working_days_left"] == 5 and got["pending"]["working_days_left"] == 6
    assert got["open-overdue"]["days_late"] == (date(2026, 4, 20) - deadline).days
    later = states(db, date(2026, 6, 30))
    assert later["withdrawn"]["sla_status"] == "outside_sla"
    assert later["after-as-of"]["sla_status"] == "late"
    assert later["valid-ext"]["sla_status"] == "on_time"


def test_the_clock_can_start_at_identity_verification(tmp_path, db):
    rows = [event("r", date(2026, 1, 10), "received", 1), event("r", date(2026, 1, 20), "identity_verified", 2)]
    ingest_file(str(write(tmp_path / "dsr_events.csv", rows)), db)
    assert states(db, date(2026, 1, 25))["r"]["deadline"] == CAL.deadline(date(2026, 1, 10))
    verified = states(db, date(2026, 1, 25), clock_start="identity_verified")["r"]
    assert verified["deadline"] == CAL.deadline(date(2026, 1, 20))
    assert verified["days_to_close"] is None


def test_the_planted_requests_have_the_right_state(sample_store, manifest):
    as_of = date.fromisoformat(manifest["as_of"])
    got = states(sample_store, as_of)
    planted = manifest["planted"]["requests"]
    for item in planted["overdue"]:
        r = got[item["request_id"]]
        assert (r["sla_status"], str(r["deadline"])) == ("overdue", item["deadline"])
    for item in planted["late"]:
        r = got[item["request_id"]]
        assert (r["sla_status"], str(r["closed_day"])) == ("late", item["completed"])
    for item in planted["at_risk"]:
        assert got[item["request_id"]]["sla_status"] == "at_risk"
    (valid,) = planted["valid_extension"]
    assert got[valid["request_id"]]["is_extended"] and got[valid["request_id"]]["sla_status"] == "on_time"
    (invalid,) = planted["invalid_extension"]
    r = got[invalid["request_id"]]
    assert r["has_invalid_extension"] and not r["is_extended"] and r["sla_status"] == "late"
    assert str(r["deadline"]) == invalid["deadline"]
    orphan = planted["orphan_events"][0]["request_id"]
    assert orphan not in got
    for item in planted["depends_on_calendar"]:
        r = got[item["request_id"]]
        assert (r["sla_status"], str(r["deadline"]), r["depends_on_calendar"]) == (
            item["state"]["strict"], item["strict_deadline"], True)
    statute = states(sample_store, as_of, count_eves=True)
    for item in planted["depends_on_calendar"]:
        r = statute[item["request_id"]]
        assert (r["sla_status"], str(r["deadline"])) == (item["state"]["swedish_statute"], item["statute_deadline"])
    suspended = states(sample_store, as_of, clock_start="suspended")
    for item in planted["identification"]:
        assert got[item["request_id"]]["sla_status"] == item["state"]["received"], item
        r = suspended[item["request_id"]]
        assert (r["sla_status"], r["suspended_days"]) == (item["state"]["suspended"], item["suspended_days"]), item
        assert r["asked_late"] is (item["case"] == "asked_late")
    (target,) = planted["missed_internal_target"]
    r = states(sample_store, as_of, internal_default=target["target_days"])[target["request_id"]]
    assert (str(r["internal_due"]), r["met_internal_target"], r["sla_status"]) == (
        target["internal_due"], False, "on_time")


def test_planted_repeat_access_subjects_are_listed(sample_store, manifest):
    as_of = date.fromisoformat(manifest["as_of"])
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        repeats = sql.run(con, "rpt_repeat_access", limit=None, offset=0,
                          **period_params(as_of, as_of - timedelta(days=730), as_of, lookback_days=366))
    finally:
        con.close()
    found = repeats.group_by("subject_ref").len()
    counts = dict(found.iter_rows())
    for item in manifest["planted"]["requests"]["repeat_access_subjects"]:
        assert counts.get(item["subject_ref"]) == item["access_requests"] - 1, item


def _requests_page_queries(query_params: dict) -> tuple[AppTest, set[str]]:
    """The Requests page opened on this link, and the queries its run made with the caches empty."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query_params)
    at.switch_page("app_pages/requests.py")
    st.cache_data.clear()
    sql.TRACE = []
    try:
        at.run()
        return at, {name for name, _, _ in sql.TRACE}
    finally:
        sql.TRACE = None


@pytest.mark.parametrize(("link", "shown", "start"), [
    (None, "queue", "2025-11-25"), ("late", "late", "2026-11-01"), ("doubtful", "doubtful", "2025-11-25"),
    ("LATE", "queue", "2026-11-01"), ("' OR 1=1 --", "queue", "2025-11-25"), ("late,doubtful", "queue", "2026-11-01"),
])
def test_the_lists_are_drawn_one_at_a_time_each_named_with_its_count(sample_store, monkeypatch, link, shown, start):
    """The open queue, "Late and overdue" and "Doubtful verdicts" are drawn one at a time (?list=, any other value:
    the queue), and only the list drawn is looked up; the switch names each list's count, which is the length of
    that list (test_the_backlog_is_a_state_that_equals_the_queue holds the counts to the lists over more periods)."""
    end = "2026-11-24"
    from dashboard.deadlines import queue_params

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    view = {"from": start, "to": end, "as_of": "2026-11-24"}
    at, ran = _requests_page_queries(view if link is None else {**view, "list": link})
    assert not at.exception
    queries = {"queue": "rpt_request_queue", "late": "rpt_requests_late", "doubtful": "rpt_requests_doubtful"}
    assert {k for k, q in queries.items() if q in ran} == {shown}
    as_of, d0, d1 = (date.fromisoformat(view[k]) for k in ("as_of", "from", "to"))
    with duckdb.connect(str(sample_store), read_only=True) as con:
        lengths = {
            "queue": sql.run(con, "rpt_request_queue", types=[], statuses=[], channels=[], limit=None, offset=0,
                             **queue_params(as_of)).height,
            "late": sql.run(con, "rpt_requests_late", decided="all", late_decided_ids=[], overdue_decided_ids=[],
                            limit=None, offset=0, **period_params(as_of, d0, d1)).height,
            "doubtful": sql.run(con, "rpt_requests_doubtful", doubt="all", limit=None, offset=0,
                                **period_params(as_of, d0, d1)).height}
    [switch] = [w for w in at.get("button_group") if w.proto.label == "List"]
    names = {"queue": "Open requests", "late": "Late and overdue", "doubtful": "Doubtful verdicts"}
    assert [o.content for o in switch.proto.options] == [f"{names[k]} ({lengths[k]})" for k in names]
    assert lengths["queue"] and lengths["late"]  # the sample data has both in either period: counts, not zeros
    heading = {"queue": "Queue: open requests", "late": "Late and overdue", "doubtful": "Doubtful verdicts"}
    assert [h.value for h in at.subheader if h.value in heading.values()] == [heading[shown]]
    if shown != "queue":
        assert at.query_params["list"] == shown
    elif link is not None:
        assert "list" not in at.query_params


@pytest.mark.parametrize("link", [None, "true", "True", "false", "1", "' OR 1=1 --", "\u00b2"])
def test_the_repeat_access_list_is_found_only_when_opened(sample_store, manifest, monkeypatch, link):
    """Repeat access requests (a fee question, not a breach) are listed when their expander is opened: closed, the
    page runs no query for them; opened (?repeats=true in a link), the list has every repeat the query finds, and
    its count. Any other value in the link leaves it closed."""
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    as_of = date.fromisoformat(manifest["as_of"])
    view = {"from": str(as_of - timedelta(days=364)), "to": str(as_of), "as_of": str(as_of)}
    at, ran = _requests_page_queries(view if link is None else {**view, "repeats": link})
    assert not at.exception
    [expander] = [e for e in at.expander if e.label == "List the repeat access requests"]
    opened = link in ("true", "True")
    assert ("rpt_repeat_access" in ran) is opened
    listed = [frame.value for frame in expander.dataframe]
    if not opened:
        assert listed == [] and not any("repeat request" in c.value for c in at.caption)
        return
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        every = sql.run(con, "rpt_repeat_access", limit=None, offset=0,
                        **period_params(as_of, as_of - timedelta(days=364), as_of, lookback_days=366))
    finally:
        con.close()
    assert every.height > 0 and [c.value for c in at.caption if "repeat request" in c.value] == [
        f"{every.height} repeat requests; showing 1–{min(every.height, 100)}."]
    assert list(listed[0].iloc[:, 0]) == every["subject_ref"].to_list()[:100]


def _alerts(db, as_of):
    out = run_cli("alerts", "--as-of", as_of, "--db", str(db), "--json")
    return out.returncode, json.loads(out.stdout)


def test_alerts_exit_status_and_the_page_agree(sample_store, manifest, monkeypatch):
    code, alerts = _alerts(sample_store, manifest["as_of"])
    assert code == 1 and alerts["overdue"] == len(manifest["planted"]["requests"]["overdue"])
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": manifest["as_of"], "to": manifest["as_of"], "state": "overdue,at_risk"})
    at.switch_page("app_pages/requests.py").run()
    assert not at.exception
    queue = at.dataframe[0].value
    assert list(queue["request_id"]) == [r["request_id"] for r in alerts["requests"]]
    assert list(queue["deadline"].astype(str)) == [r["deadline"] for r in alerts["requests"]]
    overdue_metric = next(m for m in at.metric if m.label == "Overdue")
    assert int(overdue_metric.value) <= alerts["overdue"]


@pytest.mark.parametrize("target", [None, "10"])
def test_the_queue_shows_an_internal_target_column_only_when_one_is_set(sample_store, manifest, monkeypatch, target):
    """Without AUDIT_INTERNAL_TARGET_DAYS or AUDIT_INTERNAL_TARGETS every internal target is blank: the queue and its
    export leave the column out rather than show an empty one. With a target, every open request has its day. Days
    past the deadline stand beside the deadline in the queue, and beside the state in the late list (sorted by them;
    after the decision's columns a screen's width did not reach them)."""
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    monkeypatch.delenv("AUDIT_INTERNAL_TARGETS", raising=False)
    if target:
        monkeypatch.setenv("AUDIT_INTERNAL_TARGET_DAYS", target)
    else:
        monkeypatch.delenv("AUDIT_INTERNAL_TARGET_DAYS", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": manifest["as_of"], "to": manifest["as_of"]})
    at.switch_page("app_pages/requests.py").run()
    assert not at.exception
    queue = at.dataframe[0].value
    assert len(queue) and ("internal_due" in queue.columns) == bool(target)
    if target:
        assert queue["internal_due"].notna().all()
    assert list(queue.columns[queue.columns.get_loc("deadline"):][:2]) == ["deadline", "days_late"]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"as_of": manifest["as_of"], "to": manifest["as_of"], "list": "late"})
    at.switch_page("app_pages/requests.py").run()
    assert not at.exception
    [late] = [frame.value for frame in at.dataframe]  # the late-and-overdue list, sorted by days past deadline
    assert list(late.columns[late.columns.get_loc("sla_status"):][:3]) == ["sla_status", "days_late", "decision"]


@pytest.mark.parametrize(("start", "end"), [("2025-11-25", "2026-11-24"), ("2026-09-01", "2026-09-30")])
def test_the_days_to_close_read_as_in_the_report(sample_store, monkeypatch, start, end):
    """The 90th percentile of a year was 21.4 days: the page said 21, the report and metrics --json 21.4. The page
    writes days to close with the report's one decimal, so one figure reads the same everywhere."""
    from dashboard import i18n, report

    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": start, "to": end, "as_of": "2026-11-24"})
    at.switch_page("app_pages/requests.py").run()
    assert not at.exception
    with duckdb.connect(str(sample_store), read_only=True) as con:
        kpis = sql.run(con, "rpt_request_kpis", **period_params(date(2026, 11, 24), date.fromisoformat(start),
                                                                date.fromisoformat(end))).row(0, named=True)
    shown = {m.label: m.value for m in at.metric}
    with i18n.use("en"):
        for key, label in (("median_days_to_close", "Median days to close"),
                           ("p90_days_to_close", "90th percentile days to close")):
            assert shown[label] == report.format_figure(key, kpis[key]) == i18n.number(kpis[key], 1), label
    assert kpis["p90_days_to_close"] % 1  # a figure with a fraction: the case that read differently


def test_alerts_exit_zero_when_nothing_is_overdue(sample_store):
    code, alerts = _alerts(sample_store, "2025-06-01")
    assert code == 0 and alerts["overdue"] == 0 and alerts["due_soon"] >= 1


@pytest.mark.parametrize(("start", "end"), [("2025-01-01", "2025-03-31"), ("2026-09-01", "2026-11-24")])
def test_scoping_to_the_period_changes_no_figure(sample_store, start, end):
    as_of, d0, d1 = date(2026, 11, 24), date.fromisoformat(start), date.fromisoformat(end)
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        scoped = sql.run(con, "rpt_request_kpis", **period_params(as_of, d0, d1))
        everything = sql.run(con, "rpt_request_kpis", date_from=d0, date_to=d1, **sla_params(as_of))
    finally:
        con.close()
    assert scoped.to_dicts() == everything.to_dicts()


@pytest.mark.parametrize(("start", "end", "as_of"), [
    ("2026-09-01", "2026-11-24", "2026-11-24"),  # the default view: an overdue request received before it
    ("2026-11-01", "2026-11-30", "2026-11-24"),
    ("2025-01-01", "2025-03-31", "2025-06-30"),  # an old period looked at later
    ("2026-03-01", "2026-03-31", "2026-03-31"),  # a month review
])
def test_the_backlog_is_a_state_that_equals_the_queue(sample_store, start, end, as_of):
    """Open, overdue and at-risk are counted over every request open on the as-of day, whatever its receipt day,
    so the figures equal the queue's rows; "Late and overdue" lists every overdue request too."""
    from dashboard.deadlines import queue_params

    d0, d1, day = date.fromisoformat(start), date.fromisoformat(end), date.fromisoformat(as_of)
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        kpis = sql.run(con, "rpt_request_kpis", **period_params(day, d0, d1)).row(0, named=True)
        queue = sql.run(con, "rpt_request_queue", types=[], statuses=[], channels=[], limit=None, offset=0,
                        **queue_params(day))
        late = sql.run(con, "rpt_requests_late", decided="all", late_decided_ids=[], overdue_decided_ids=[],
                       limit=None, offset=0, **period_params(day, d0, d1))
        doubtful = sql.run(con, "rpt_requests_doubtful", doubt="all", limit=None, offset=0,
                           **period_params(day, d0, d1))
    finally:
        con.close()
    # the Requests page's list switch names each list's count from the figures: they are the lists' lengths
    assert late.height == kpis["late"] + kpis["overdue"] and doubtful.height == kpis["doubtful"]
    by_status = dict(queue.group_by("sla_status").len().iter_rows())
    assert kpis["open"] == queue.height
    for status in ("overdue", "at_risk", "awaiting_identity"):
        assert kpis[status] == by_status.get(status, 0), status
    assert kpis["open_from_before"] == queue.filter(pl.col("received_day") < d0).height
    assert sorted(late.filter(pl.col("sla_status") == "overdue")["request_id"]) == sorted(
        queue.filter(pl.col("sla_status") == "overdue")["request_id"])
    if as_of == "2026-11-24" and start == "2026-09-01":
        assert kpis["open_from_before"] >= 1 and kpis["overdue"] >= 1


def test_the_queue_computed_for_open_requests_only_equals_the_full_computation(sample_store):
    """queue_params skips requests closed by the as-of day; the queue must not change because of it."""
    from dashboard.deadlines import queue_params

    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        for as_of in (date(2025, 6, 30), date(2026, 3, 29), date(2026, 11, 24)):
            args = dict(types=[], statuses=[], channels=[], limit=None, offset=0)
            full = sql.run(con, "rpt_request_queue", **args, **sla_params(as_of))
            fast = sql.run(con, "rpt_request_queue", **args, **queue_params(as_of))
            assert fast.height > 0 and fast.equals(full), as_of
    finally:
        con.close()


def test_states_follow_events_that_arrive_in_later_files(tmp_path, db):
    """request_rollup is kept by its refresh job for the days a file touches: a closing event in a later file (even
    one that arrives before its request's receipt) changes the state, and the rollup equals one built from
    scratch."""
    files = [
        [event("R1", "2026-01-05", "received", 1), event("R2", "2026-01-07", "received", 1),
         event("R3", "2026-01-09", "completed", 2)],  # R3's receipt comes later: an orphan for now
        [event("R1", "2026-01-20", "extended", 2), event("R2", "2026-01-21", "completed", 2),
         event("R3", "2026-01-08", "received", 1)],
        [event("R1", "2026-03-30", "completed", 3), event("R2", "2026-01-10", "withdrawn", 3)],
    ]
    expected = [
        {"R1": ("open", None), "R2": ("open", None)},
        {"R1": ("open", None), "R2": ("completed", date(2026, 1, 21)), "R3": ("completed", date(2026, 1, 9))},
        {"R1": ("completed", date(2026, 3, 30)), "R2": ("withdrawn", date(2026, 1, 10)),
         "R3": ("completed", date(2026, 1, 9))},
    ]
    for n, (rows, want) in enumerate(zip(files, expected)):
        assert ingest_file(str(write(tmp_path / f"dsr_events_{n}.csv", rows)), db).exit_code == 0
        got = states(db, date(2026, 6, 30))
        assert {rid: (r["state"], r["closed_day"]) for rid, r in got.items()} == want, n
        con = duckdb.connect(str(db), read_only=True)
        try:
            kept = con.sql("select * from request_rollup order by request_id").fetchall()
            rebuilt = con.sql("select * from (" + sql.load("job_request_rollup") + ") order by request_id",
                              params={"tz": "Europe/Stockholm", "day_from": date(2000, 1, 1),
                                      "day_to": date(2100, 1, 1)}).fetchall()
        finally:
            con.close()
        assert kept == rebuilt, n
    # As of a day before the later events, they are ignored.
    early = states(db, date(2026, 1, 15))
    assert early["R1"]["state"] == "open" and early["R2"]["state"] == "withdrawn"
    assert early["R1"]["is_extended"] is False


@pytest.mark.parametrize("typed", ["REQ-000003", "req-000003", "  Req-000003 ", "rEq-000003"])
def test_a_request_id_is_found_in_any_case_with_its_deadline_and_last_note(sample_store, monkeypatch, typed):
    """The timeline's request id matches whatever its case; the detail says the deadline, how it was computed and
    the request's last note (issue #15)."""
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2024-11-25", "to": "2026-11-24", "as_of": "2026-11-24", "req": typed})
    at.switch_page("app_pages/requests.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "REQ\\-000003" in text and "deadline" in text
    assert "Last note: complex request" in text
    assert not any("No events for request" in w.value for w in at.warning)


def test_the_detail_computes_one_request_and_agrees_with_the_full_computation(sample_store):
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        as_of = date(2026, 11, 24)
        params = {**sla_params(as_of), "request_id": "REQ-002206"}
        one = sql.run(con, "rpt_request_detail", **{**params, "only_id": "REQ-002206"})
        every = sql.run(con, "rpt_request_detail", **params)
    finally:
        con.close()
    assert one.height == 1 and one.equals(every)


def _by_definition(states: pl.DataFrame, start: date, end: date, as_of: date) -> dict:
    """Each request figure by its definition in docs/metrics.md, counted over the requests' rows (polars, not SQL)."""
    period = states.filter(pl.col("received_day").is_between(start, end))
    closed = period.filter(pl.col("state").is_in(["completed", "rejected"]))
    opened = states.filter(pl.col("state") == "open")
    due = period.filter(pl.col("sla_status").is_in(["on_time", "late", "overdue"]) & (pl.col("deadline") < as_of))
    with_target = closed.filter(pl.col("internal_due").is_not_null())
    days = closed["days_to_close"]
    return {
        "received": period.height,
        **{f"received_{t}": period.filter(pl.col("request_type") == t).height
           for t in ("access", "rectification", "erasure", "objection", "restriction", "portability")},
        "closed": closed.height,
        "on_time": period.filter(pl.col("sla_status") == "on_time").height,
        "late": period.filter(pl.col("sla_status") == "late").height,
        "withdrawn": period.filter(pl.col("state") == "withdrawn").height,
        "extended": period.filter(pl.col("is_extended")).height,
        "invalid_extensions": period.filter(pl.col("has_invalid_extension")).height,
        "out_of_order": period.filter(pl.col("out_of_order").is_not_null()).height,
        "depends_on_calendar": period.filter(pl.col("depends_on_calendar")).height,
        "identification_asked_late": period.filter(pl.col("asked_late")).height,
        "doubtful": period.filter(pl.col("depends_on_calendar") | pl.col("asked_late")).height,
        "with_internal_target": with_target.height,
        "met_internal_target": period.filter(pl.col("met_internal_target")).height,
        "due": due.height,
        "median_days_to_close": days.quantile(0.5, "linear") if days.len() else None,
        "p90_days_to_close": days.quantile(0.9, "linear") if days.len() else None,
        "open": opened.height,
        "overdue": opened.filter(pl.col("sla_status") == "overdue").height,
        "at_risk": opened.filter(pl.col("sla_status") == "at_risk").height,
        "awaiting_identity": opened.filter(pl.col("sla_status") == "awaiting_identity").height,
        "open_from_before": opened.filter(pl.col("received_day") < start).height,
    }


@st_settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=hyp.sampled_from([date(2025, 3, 31), date(2025, 12, 31), date(2026, 6, 30), date(2026, 11, 24)]),
       days=hyp.sampled_from([1, 31, 90, 365]), lag=hyp.sampled_from([0, 20]),
       clock_start=hyp.sampled_from(["received", "suspended", "identity_verified"]), count_eves=hyp.booleans(),
       internal=hyp.sampled_from([None, 10]))
def test_every_request_figure_is_its_definition_over_the_requests(sample_store, as_of, days, lag, clock_start,
                                                                    count_eves, internal):
    """rpt_request_kpis (counts of groups, for speed) against each figure's definition counted row by row over the
    request states, for periods ending on or before the as-of day and under each clock-start rule and reading."""
    end = as_of - timedelta(days=lag)
    start = end - timedelta(days=days - 1)
    params = {**period_params(as_of, start, end), "clock_start": clock_start, "count_eves": count_eves,
              "internal_default": internal}
    with duckdb.connect(str(sample_store), read_only=True) as con:
        figures = sql.run(con, "rpt_request_kpis", **params).row(0, named=True)
        states = con.sql(sql.load("stg_request_states"), params=sql.bind("stg_request_states", params)).pl()
    expected = _by_definition(states, start, end, as_of)
    assert {k: figures[k] for k in expected} == pytest.approx(expected)


@st_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    as_of=hyp.dates(date(2025, 1, 1), date(2027, 1, 31)),
    start_before=hyp.integers(-40, 400),
    length=hyp.integers(1, 400),
    clock_start=hyp.sampled_from(["received", "suspended", "identity_verified"]),
    count_eves=hyp.booleans(),
    statuses=hyp.lists(hyp.sampled_from(["overdue", "at_risk", "pending", "awaiting_identity"]), unique=True,
                       max_size=2),
)
def test_the_queue_from_a_periods_states_is_the_queue_of_the_open_requests_alone(sample_store, as_of, start_before,
                                                                                 length, clock_start, count_eves,
                                                                                 statuses):
    """The Requests page lists the queue from the period's states, which it keeps for its other queries; the export
    and the CLI compute only the requests open on the as-of day. Whatever the period (before, around or after the
    as-of day), both give the same rows in the same order."""
    from dashboard.deadlines import queue_params

    start = as_of - timedelta(days=start_before)
    options = {"clock_start": clock_start, "count_eves": count_eves, "types": [], "statuses": statuses,
               "channels": [], "limit": None, "offset": 0}
    with duckdb.connect(str(sample_store), read_only=True) as con:
        alone = sql.run(con, "rpt_request_queue", **{**queue_params(as_of), **options})
        from_period = sql.run(con, "rpt_request_queue",
                              **{**period_params(as_of, start, start + timedelta(days=length - 1)), **options})
    assert from_period.rows() == alone.rows()
    if as_of >= date(2025, 6, 1) and not statuses:
        assert alone.height  # the sample data has open requests from then on: the test compares rows, not nothing


@st_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(as_of=hyp.dates(date(2025, 1, 1), date(2027, 3, 31)),
       clock_start=hyp.sampled_from(["received", "suspended", "identity_verified"]), count_eves=hyp.booleans())
def test_the_queue_counts_days_left_or_days_overdue_never_negative_days_left(sample_store, as_of, clock_start,
                                                                           count_eves):
    """A request past its deadline shows how many days it is overdue, beside its deadline; its days left are blank,
    not negative. One that is not past it shows its days left (0 on the deadline day) and no days overdue. The queue
    lists them by deadline: the most overdue first."""
    from dashboard.deadlines import queue_params

    with duckdb.connect(str(sample_store), read_only=True) as con:
        queue = sql.run(con, "rpt_request_queue", types=[], statuses=[], channels=[], limit=None, offset=0,
                        **{**queue_params(as_of), "clock_start": clock_start, "count_eves": count_eves})
    assert queue.columns.index("days_late") == queue.columns.index("deadline") + 1
    for r in queue.iter_rows(named=True):
        left = (r["working_days_left"], r["calendar_days_left"])
        if r["deadline"] is not None and as_of > r["deadline"]:
            assert r["days_late"] == (as_of - r["deadline"]).days > 0 and left == (None, None), r
        elif r["deadline"] is not None:
            assert r["days_late"] is None and r["calendar_days_left"] == (r["deadline"] - as_of).days, r
            assert 0 <= r["working_days_left"] <= r["calendar_days_left"], r
        assert (r["sla_status"] == "overdue") <= (r["days_late"] is not None), r
    deadlines = queue["deadline"].to_list()
    known = [d for d in deadlines if d is not None]
    assert known == sorted(known) and deadlines == known + [None] * (len(deadlines) - len(known))
    if as_of >= date(2025, 6, 1):
        assert queue.height  # the sample data has open requests from then on


@st_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    as_of=hyp.sampled_from([date(2026, 3, 31), date(2026, 9, 30), date(2026, 11, 24)]),
    days=hyp.integers(30, 400),
    size=hyp.integers(1, 7),
    picks=hyp.lists(hyp.tuples(hyp.sampled_from(["request_late", "request_overdue"]), hyp.integers(0, 60)),
                    max_size=12),
)
def test_the_late_list_pages_and_its_decision_filter_partition_the_whole_list(sample_store, as_of, days, size, picks):
    """"Late and overdue" is paged on the server with the review journal's decisions as a filter: the pages, at any
    size, are the whole list in its order; the rows without a decision and those with one are the list split by
    whether the journal has a decision on that row's finding (overdue rows: request_overdue; closed late:
    request_late), and the counts it reports say so."""
    start = as_of - timedelta(days=days - 1)
    with duckdb.connect(str(sample_store), read_only=True) as con:
        def late(decided="all", late_ids=(), overdue_ids=(), limit=None, offset=0):
            return sql.run(con, "rpt_requests_late", decided=decided, late_decided_ids=list(late_ids),
                           overdue_decided_ids=list(overdue_ids), limit=limit, offset=offset,
                           **period_params(as_of, start, as_of))

        every = late()
        ids = every["request_id"].to_list()
        # decisions on some rows of the list (by position), under either rule: only the row's own rule counts
        late_ids = sorted({ids[i % len(ids)] for rule, i in picks if rule == "request_late"} if ids else set())
        overdue_ids = sorted({ids[i % len(ids)] for rule, i in picks if rule == "request_overdue"} if ids else set())
        pages, offset = [], 0
        while True:
            page = late(limit=size, offset=offset)
            if page.is_empty():
                break
            pages.append(page)
            offset += size
        split = {v: late(v, late_ids, overdue_ids) for v in ("without", "decided", "all")}
    assert every.height == 0 or every["all_rows"][0] == every["total_rows"][0] == every.height
    assert (pl.concat(pages) if pages else every.clear()).rows() == every.rows()
    has = {r["request_id"] for r in every.iter_rows(named=True)
           if r["request_id"] in (overdue_ids if r["sla_status"] == "overdue" else late_ids)}
    assert split["decided"]["request_id"].to_list() == [i for i in ids if i in has]
    assert split["without"]["request_id"].to_list() == [i for i in ids if i not in has]
    assert split["all"]["request_id"].to_list() == ids
    for frame in split.values():
        if frame.height:
            assert frame["all_rows"][0] == len(ids) and frame["without_decision"][0] == len(ids) - len(has)
            assert frame["total_rows"][0] == frame.height
    if as_of == date(2026, 11, 24):
        assert every.height > 0  # the sample data has overdue requests then: the test is not about an empty list


@pytest.mark.parametrize("doubt", ["all", "calendar", "identification"])
@pytest.mark.parametrize("size", [1, 3, 100])
def test_the_doubtful_verdicts_paged_are_the_whole_list(sample_store, doubt, size):
    """"Doubtful verdicts" is paged on the server: its pages, at any size, are the whole list in its order, and each
    page says how many rows there are in all."""
    params = period_params(date(2026, 11, 24), date(2025, 11, 25), date(2026, 11, 24))
    with duckdb.connect(str(sample_store), read_only=True) as con:
        every = sql.run(con, "rpt_requests_doubtful", doubt=doubt, limit=None, offset=0, **params)
        pages = [sql.run(con, "rpt_requests_doubtful", doubt=doubt, limit=size, offset=o, **params)
                 for o in range(0, every.height + size, size)]
    assert every.height > 0 and pages[-1].is_empty()
    assert pl.concat(pages).rows() == every.rows()
    assert all(p["total_rows"].to_list() == [every.height] * p.height for p in pages)
