"""The metrics interface: every field on hand-made logs (expected numbers worked out by hand below), the planted
sample problems in the findings, the Overview equal to the JSON, and the monthly report."""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hyp
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.ingest import ingest_file
from tests.helpers import run_cli, write

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


def dsr(rid, day, event, rtype=""):
    received = event == "received"
    return {"event_id": f"{rid}-{event}-{day}", "request_id": rid, "occurred_at": f"{day}T11:00:00+01:00",
            "event": event, "request_type": rtype if received else "", "channel": "web" if received else "",
            "subject_ref": f"S-{rid}" if received else "", "note": ""}


def hold(hid, day, event, basis="", retain="", records=""):
    placed = event == "placed"
    return {"event_id": f"{hid}-{event}", "hold_id": hid, "occurred_at": f"{day}T11:00:00+01:00", "event": event,
            "request_id": "", "subject_ref": "S-h" if placed else "", "data_category": "contract" if placed else "",
            "legal_basis": basis, "record_count": str(records), "retain_until": retain}


def transfer(tid, day, rtype, country, mechanism, basis, purpose, records):
    return {"transfer_id": tid, "occurred_at": f"{day}T11:00:00+01:00", "recipient": f"R-{tid}",
            "recipient_type": rtype, "country": country, "mechanism": mechanism, "legal_basis": basis,
            "purpose": purpose, "data_categories": "contact", "record_count": str(records), "reference": ""}


def ce(n, visitor, day, time, action, f="", a=""):
    return {"event_id": f"ce{n}", "occurred_at": f"{day}T{time}+01:00", "visitor_ref": visitor, "action": action,
            "functional": f, "analytics": a, "banner_version": "v1", "device": "desktop", "browser": "Edge",
            "country": "SE"}


def obs(n, visitor, day, time, cookie):
    return {"event_id": f"o{n}", "observed_at": f"{day}T{time}+01:00", "visitor_ref": visitor,
            "cookie_name": cookie, "page": "/"}


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("metrics")
    db = tmp / "audit.duckdb"
    logs = {
        "dsr_events.csv": [
            dsr("R1", "2026-03-02", "received", "access"), dsr("R1", "2026-03-10", "completed"),
            dsr("R2", "2026-03-02", "received", "erasure"), dsr("R2", "2026-04-07", "completed"),
            dsr("R3", "2026-03-05", "received", "rectification"),
            dsr("R4", "2026-03-20", "received", "objection"),
            dsr("R5", "2026-03-30", "received", "restriction"),
            dsr("R6", "2026-03-03", "received", "portability"), dsr("R6", "2026-03-04", "withdrawn"),
            dsr("R7", "2026-03-03", "received", "access"), dsr("R7", "2026-03-20", "extended"),
            dsr("R7", "2026-04-10", "completed"),
            dsr("R8", "2026-03-04", "received", "access"), dsr("R8", "2026-04-08", "extended"),
            dsr("R8", "2026-04-09", "completed"),
            dsr("R9", "2026-03-06", "received", "erasure"), dsr("R9", "2026-03-09", "rejected"),
            dsr("R10", "2026-02-20", "received", "access"),
        ],
        "hold_events.csv": [
            hold("H1", "2026-01-10", "placed", "consumer_law", "2027-01-01", 5),
            hold("H2", "2026-01-10", "placed", "bookkeeping_act", "2026-04-01", 7),
            hold("H3", "2026-01-10", "placed", "aml_act", "2026-06-30", 2),
            hold("H4", "2026-01-10", "placed", "consumer_law", "2026-03-01", 9), hold("H4", "2026-03-05", "released"),
            hold("H5", "2026-05-01", "placed", "consumer_law", "2026-05-02", 4),
        ],
        "transfers.csv": [
            transfer("T1", "2026-03-02", "processor", "SE", "eea", "contract", "hosting", 10),
            transfer("T2", "2026-03-10", "processor", "US", "adequacy", "consent", "analytics", 100),
            transfer("T3", "2026-03-11", "sub_processor", "IN", "none", "contract", "support", 5),
            transfer("T4", "2026-03-12", "controller", "SG", "adequacy", "contract", "other", 1),
            transfer("T5", "2026-03-13", "controller", "SE", "eea", "legitimate_interest", "sale", 50),
            transfer("T6", "2026-03-14", "authority", "SE", "eea", "legal_obligation", "tax", 2),
            transfer("T7", "2026-03-15", "acquirer", "SE", "eea", "legitimate_interest", "divestiture", 1000),
            transfer("T8", "2026-04-01", "processor", "IN", "none", "contract", "support", 3),
        ],
        "consent_events.csv": [
            ce(1, "V1", "2026-03-05", "10:00:00", "shown"), ce(2, "V1", "2026-03-05", "10:00:05", "accept_all",
                                                               "true", "true"),
            ce(3, "V2", "2026-03-05", "11:00:00", "shown"), ce(4, "V2", "2026-03-05", "11:00:05", "reject_all",
                                                               "false", "false"),
            ce(5, "V3", "2026-03-06", "10:00:00", "shown"), ce(6, "V3", "2026-03-06", "10:00:05", "custom",
                                                               "true", "false"),
            ce(7, "V4", "2026-03-07", "10:00:00", "shown"),
            ce(8, "V1", "2026-03-20", "10:00:00", "withdraw", "false", "false"),
            ce(9, "V9", "2026-04-02", "10:00:00", "shown"),
        ],
        "cookie_observations.csv": [
            obs(1, "V4", "2026-03-07", "10:00:01", "_ga"),
            obs(2, "V1", "2026-03-05", "10:01:00", "_ga"),
            obs(3, "V2", "2026-03-05", "11:01:00", "has_js"),
            obs(4, "V3", "2026-03-06", "10:01:00", "has_js"),
            obs(5, "V4", "2026-04-02", "10:00:00", "_ga"),
        ],
    }
    for name, rows in logs.items():
        assert ingest_file(str(write(tmp / name, rows)), db).exit_code == 0, name
    return db


def metrics_json(db, *args):
    out = run_cli("metrics", *args, "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_every_field_on_hand_made_logs(hand_store):
    m = metrics_json(hand_store, "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-04-15")
    assert list(m) == ["from", "to", "as_of", "requests", "holds", "transfers", "consent", "findings", "freshness",
                       "refresh_pending", "decisions", "status"]
    assert m["refresh_pending"] == [], "ingest ran every job it queued"
    assert m["decisions"]["requests"]["without_decision"] == m["decisions"]["requests"]["findings"] > 0, \
        "no journal: nothing decided"
    # each log's last event on or before 15 Apr (H5 placed on 1 May is after it) and its events in March
    assert m["freshness"] == {
        "dsr_events": {"last_day": "2026-04-10", "rows_in_period": 13},
        "hold_events": {"last_day": "2026-03-05", "rows_in_period": 1},
        "transfers": {"last_day": "2026-04-01", "rows_in_period": 7},
        "consent_events": {"last_day": "2026-04-02", "rows_in_period": 8},
        "cookie_observations": {"last_day": "2026-04-02", "rows_in_period": 4},
    }
    # every area breaks a high-severity rule; the gap before the as-of day is said as well
    assert {a: s["status"] for a, s in m["status"].items()} == dict.fromkeys(
        ("requests", "holds", "transfers", "consent"), "off track")
    assert "the log ends 2026-04-10, before the as-of date 2026-04-15" in m["status"]["requests"]["why"]
    assert (m["from"], m["to"], m["as_of"]) == ("2026-03-01", "2026-03-31", "2026-04-15")
    # R1..R9 received in March (R10 in February). Deadlines: R2 2026-04-02; R3 2026-04-07 (5 Apr Easter Sunday,
    # 6 Apr Easter Monday); R4 2026-04-20, 3 working days after 15 Apr; R5 2026-04-30, 11 working days; R7 extended
    # on 20 Mar, before its 3 Apr deadline; R8 extended on 8 Apr, after its 7 Apr deadline.
    assert m["requests"] == {
        "received": 9,
        "received_by_type": {"access": 3, "rectification": 1, "erasure": 2, "objection": 1, "restriction": 1,
                             "portability": 1},
        "closed": 5,  # R1, R2, R7, R8 completed; R9 rejected
        "on_time": 3,  # R1, R7 (extended), R9
        "late": 2,  # R2 completed 7 Apr; R8 on 9 Apr, its extension invalid
        # the backlog is a state on 15 Apr: R3 and R10 (received in February, before the period) overdue,
        # R4 at risk, R5 pending
        "open": 4, "open_from_before": 1, "overdue": 2, "at_risk": 1,
        "withdrawn": 1, "extended": 1, "invalid_extensions": 1,
        "on_time_rate": 0.6,
        "median_days_to_close": 36.0,  # 3, 8, 36, 36, 38
        "out_of_order": 0, "rejected_rows": 0,
        # due by 15 Apr (deadline passed; R7's extended one is in June): R1, R2, R3, R8, R9; missed: R2, R3, R8
        "due": 5, "missed_deadline_rate": 0.6,
        "depends_on_calendar": 0, "identification_asked_late": 0, "doubtful": 0, "awaiting_identity": 0,
        "with_internal_target": 0, "met_internal_target": 0, "internal_target_rate": None,
        "holiday_reading": "strict", "clock_start": "received",
    }
    # H1, H2, H3 active (H4 released, H5 placed after the as-of day); H2 past retain-until; H3 due 30 Jun.
    assert m["holds"] == {"active": 3, "blocked_records": 14, "overdue": 1, "release_due_90d": 1, "out_of_order": 0,
                          "rejected_rows": 0}
    assert m["transfers"] == {
        "total": 7, "records": 1168, "non_eea": 3,  # T2 US, T3 IN, T4 SG
        "non_eea_without_valid_mechanism": 2,  # T3 none, T4 adequacy without a decision
        "sale_without_consent": 1,  # T5
        "by_recipient_type": {"processor": 2, "sub_processor": 1, "authority": 1, "acquirer": 1, "controller": 2},
        "rejected_rows": 0,
    }
    assert m["consent"] == pytest.approx({
        "shown": 4, "decisions": 3, "interaction_rate": 0.75, "analytics_rate": 1 / 3, "functional_rate": 2 / 3,
        "accept_all_rate": 1 / 3, "reject_all_rate": 1 / 3, "withdrawals": 1,
        "cookies_before_consent": 2,  # V4's _ga with no decision, V2's has_js after reject all
        "decisions_without_shown": 0, "rejected_rows": 0,
        # too few decisions to judge a banner version; fewer than 1000 decisions for the withdrawal check
        "reject_may_be_hidden": 0, "boxes_may_be_preticked": 0, "withdrawal_may_be_hard": 0,
        "necessary_not_in_policy": 0, "unknown_cookies": 0,
    }, abs=1e-6)
    assert {f["rule"]: f["count"] for f in m["findings"]} == {
        "request_overdue": 2, "request_late": 2, "invalid_extension": 1, "request_at_risk": 1, "hold_overdue": 1,
        "hold_kept_too_long": 0, "non_eea_without_mechanism": 1, "adequacy_not_in_force": 1,
        "eea_mechanism_outside_eea": 0, "sale_without_consent": 1, "derogation_review": 0,
        "cookie_before_consent": 2, "scheme_not_in_force": 0, "requests_rows_rejected": 0, "holds_rows_rejected": 0,
        "transfers_rows_rejected": 0, "consent_rows_rejected": 0, "requests_out_of_order": 0,
        "holds_out_of_order": 0, "decisions_without_shown": 0, "depends_on_calendar": 0,
        "identification_asked_late": 0, "reject_may_be_hidden": 0, "boxes_may_be_preticked": 0,
        "withdrawal_may_be_hard": 0, "necessary_not_in_policy": 0, "unknown_cookie": 0,
    }
    assert all(f["severity"] in ("high", "medium", "low") for f in m["findings"])


def test_an_empty_period_gives_zeros_and_null_rates(hand_store):
    m = metrics_json(hand_store, "--from", "2025-01-01", "--to", "2025-01-31", "--as-of", "2025-02-01")
    assert m["requests"]["received"] == 0 and m["requests"]["on_time_rate"] is None
    assert m["requests"]["median_days_to_close"] is None
    assert m["consent"]["interaction_rate"] is None and m["transfers"]["total"] == 0


def test_as_of_defaults_to_today(hand_store):
    """Today in the dashboard's time zone (AUDIT_TZ), whatever the machine's own date."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    m = metrics_json(hand_store, "--from", "2026-03-01", "--to", "2026-03-31")
    assert m["as_of"] == datetime.now(ZoneInfo(os.environ.get("AUDIT_TZ", "Europe/Stockholm"))).date().isoformat()


def test_the_planted_sample_problems_show_up_in_findings(sample_store, manifest):
    m = metrics_json(sample_store, "--from", manifest["from"], "--to", manifest["until"], "--as-of", manifest["as_of"])
    counts = {f["rule"]: f["count"] for f in m["findings"]}
    planted = manifest["planted"]
    assert counts["request_overdue"] == len(planted["requests"]["overdue"])
    late_by_default = [i for i in planted["requests"]["identification"] if i["state"]["received"] == "late"]
    assert counts["request_late"] == (len(planted["requests"]["late"]) + len(planted["requests"]["invalid_extension"])
                                      + len(planted["requests"]["depends_on_calendar"]) + len(late_by_default))
    assert counts["depends_on_calendar"] == len(planted["requests"]["depends_on_calendar"])
    assert counts["identification_asked_late"] == sum(
        i["case"] == "asked_late" for i in planted["requests"]["identification"])
    for item in planted["consent"]["banner_checks"]:
        assert counts[item["rule"]] == 1, item
    assert counts["withdrawal_may_be_hard"] == 1
    assert counts["necessary_not_in_policy"] == len(planted["consent"]["necessary_not_in_policy"])
    # the planted _fbp: a cookie no one names is a finding, on the Overview and in the report
    assert counts["unknown_cookie"] == len(planted["cookies"]["unknown_cookies"]) >= 1
    assert counts["invalid_extension"] == len(planted["requests"]["invalid_extension"])
    assert counts["hold_overdue"] == len(planted["holds"]["overdue_holds"])
    assert counts["hold_kept_too_long"] == len(planted["holds"]["kept_too_long"])
    assert counts["non_eea_without_mechanism"] == len(planted["transfers"]["non_eea_mechanism_none"])
    assert counts["adequacy_not_in_force"] == len(planted["transfers"]["adequacy_without_decision"])
    assert counts["sale_without_consent"] == len(planted["transfers"]["sale_without_consent"])
    assert counts["cookie_before_consent"] == len(planted["cookies"]["cookie_before_consent"])


def overview(db, monkeypatch, date_from: str, date_to: str, as_of: str) -> AppTest:
    """The Overview of the store db for a period, rendered under AppTest, without an exception."""
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": date_from, "to": date_to, "as_of": as_of})
    at.run()
    assert not at.exception
    return at


def test_the_overview_shows_the_metrics_json(sample_store, monkeypatch):
    m = metrics_json(sample_store, "--from", "2026-10-01", "--to", "2026-10-31", "--as-of", "2026-11-24")
    at = overview(sample_store, monkeypatch, "2026-10-01", "2026-10-31", "2026-11-24")
    shown = {x.label: x.value for x in at.metric}
    assert shown["Received"] == str(m["requests"]["received"])
    assert shown["Overdue"] == str(m["requests"]["overdue"])
    assert shown["On-time rate"] == f"{m['requests']['on_time_rate']:.1%}"
    assert shown["Active holds"] == str(m["holds"]["active"])
    assert shown["Overdue for release"] == str(m["holds"]["overdue"])
    assert shown["Outside EU/EEA"] == str(m["transfers"]["non_eea"])
    assert shown["Outside EU/EEA without a valid safeguard"] == str(m["transfers"]["non_eea_without_valid_mechanism"])
    assert shown["Interaction"] == f"{m['consent']['interaction_rate']:.1%}"
    assert shown["Cookies before consent"] == str(m["consent"]["cookies_before_consent"])
    listed = [c.value for c in at.markdown if " · " in c.value]
    assert len(listed) == sum(1 for f in m["findings"] if f["count"])


def test_the_report_has_every_section_and_needs_no_network(sample_store, tmp_path):
    out = tmp_path / "report.html"
    done = run_cli("report", "--month", "2026-10", "--out", str(out), "--db", str(sample_store))
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    for heading in ("Status", "Key figures", "Findings", "Overdue requests on", "Transfers outside the EU/EEA",
                    "Consent trends", "Definitions"):
        assert f"<h2>{heading}" in text, heading
    assert "2026-09" in text, "the previous month beside the figures"
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", text), "external resource"
    assert "REQ-002206" in text, "a planted overdue request"


def test_the_report_charts_keep_their_colours_under_the_apps_plotly_template(sample_store, monkeypatch):
    """Inside the app Streamlit's plotly template is the default (importing streamlit's chart element sets it); the
    report built there must still colour every trace from our palette, as the command line's does."""
    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401  (registers and selects the "streamlit" template)

    from dashboard import labels, report, sql, store
    from tests.helpers import report_traces, trace_colour

    monkeypatch.setattr(pio.templates, "default", "streamlit")
    with store.read_only(sample_store) as con:
        text = report.build(lambda name, **p: sql.run(con, name, **p), "2026-10")
    traces = report_traces(text)
    palette = {*labels.CATEGORY, labels.RED, labels.ORANGE}
    assert traces and all(trace_colour(t) in palette for t in traces), [trace_colour(t) for t in traces]
    by_type = {t["name"]: trace_colour(t) for t in traces if t["type"] == "bar"}
    assert by_type["access"] != by_type["erasure"]


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "\uff12\uff10\uff12\uff16-01", "\u0662\u0660\u0662\u0666-01", ""])
def test_report_refuses_a_bad_month(sample_store, month):
    """Not a month of ASCII digits (full-width and Arabic-Indic digits are digits to Python's \\d and to int())."""
    done = run_cli("report", "--month", month, "--db", str(sample_store))
    assert done.returncode == 2 and "YYYY-MM" in done.stderr


def test_report_formats_a_figure_by_what_it_is_not_by_its_size():
    from dashboard.report import format_figure as _fmt

    assert _fmt("median_days_to_close", 1.0) == "1.0", "one day is not 100 %"
    assert _fmt("median_days_to_close", 0.5) == "0.5"
    assert _fmt("on_time_rate", 1.0) == "100.0%"
    assert _fmt("received", 12345) == "12 345"
    assert _fmt("on_time_rate", None) == "–"


@pytest.mark.parametrize("bad_rows, in_period", [
    ([{"mechanism": "bogus", "occurred_at": "2026-03-10T10:00:00+01:00"}], 1),  # dated in the period
    ([{"country": "XX", "occurred_at": "2026-05-10T10:00:00+01:00"}], 0),  # dated outside it
    ([{"occurred_at": "not a time"}, {"occurred_at": "10/03/2026"}], 2),  # undated: counted in every period
])
def test_a_rejected_row_never_leaves_its_area_on_track(tmp_path, db, bad_rows, in_period):
    """Only safe transfers load; the rejected ones must keep the area from reading 'on track'."""
    from dashboard import findings, metrics, sql, store
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    good = [{"occurred_at": "2026-03-05T10:00:00+01:00"}]
    ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", *good, *bad_rows))), db)
    with store.read_only(db) as con:
        m = metrics.compute(lambda name, **p: sql.run(con, name, **p), date(2026, 3, 1), date(2026, 3, 31),
                            date(2026, 4, 15))
    assert m["transfers"]["rejected_rows"] == in_period
    status = m["status"]["transfers"]
    assert status["status"] == ("needs attention" if in_period else "data ends"), status
    # the log ends on 5 March, before the as-of day: never "on track" (its day is named)
    assert "2026-03-05" in status["why"] and status == vars(findings.area_status(
        "transfers", metrics.rule_counts(m), m["freshness"], date(2026, 4, 15)))


@pytest.mark.parametrize("mechanism, day, unsafe", [("privacy_shield", "2021-03-01", 1),
                                                    ("privacy_shield", "2019-03-01", 0),
                                                    ("safe_harbour", "2016-03-01", 1)])
def test_historic_mechanisms_load_and_count_by_date(tmp_path, db, mechanism, day, unsafe):
    from dashboard import metrics, sql, store
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    result = ingest_file(str(write(tmp_path / "transfers.csv", rows("transfers", {
        "country": "US", "mechanism": mechanism, "occurred_at": f"{day}T10:00:00+01:00"}))), db)
    assert result.accepted == 1
    start = date.fromisoformat(day)
    with store.read_only(db) as con:
        m = metrics.compute(lambda name, **p: sql.run(con, name, **p), start, start, start)
    assert m["transfers"]["non_eea_without_valid_mechanism"] == unsafe
    assert {f["rule"]: f["count"] for f in m["findings"]}["scheme_not_in_force"] == unsafe


def test_show_the_rows_lands_on_exactly_the_rows_each_finding_counts(sample_store, manifest, monkeypatch):
    """Issue #15: for every finding the sample plants, the rows "Show the rows" lands on (?finding=<rule>) are as
    many as the finding counts: the request and hold rules through the queries their pages run, and one finding of
    each page (consent's every one: each has its own source) through the page itself."""
    import duckdb

    from dashboard import findings, holds, sql
    from dashboard.deadlines import period_params

    view = {"from": "2025-11-25", "to": "2026-11-24", "as_of": "2026-11-24"}
    m = metrics_json(sample_store, "--from", view["from"], "--to", view["to"], "--as-of", view["as_of"])
    counted = {f["rule"]: f["count"] for f in m["findings"] if f["count"]}
    as_of, start, end = (date.fromisoformat(view[k]) for k in ("as_of", "from", "to"))
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        for rule, count in counted.items():
            page = findings.BY_RULE[rule].page
            if page == "app_pages/requests.py":
                rows = sql.run(con, "rpt_request_finding_rows", rule=rule, **period_params(as_of, start, end))
            elif page == "app_pages/holds.py":
                rows = sql.run(con, holds.FINDING_ROWS[rule], **holds.params(as_of, "Europe/Stockholm"))
            else:
                continue
            assert rows.height == count, (rule, rows.height, count)
    finally:
        con.close()

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    on_pages = {}
    for rule in counted:
        found = findings.BY_RULE[rule]
        if found.page in findings.ROWS_PAGES and (found.page == "app_pages/consent.py" or found.page not in on_pages):
            on_pages.setdefault(found.page, []).append(rule)
    checked = 0
    for page, rules in on_pages.items():
        for rule in rules:
            found = findings.BY_RULE[rule]
            at = AppTest.from_file(APP, default_timeout=90)
            at.query_params.update({**view, **found.link, "finding": rule})
            at.switch_page(page).run()
            assert not at.exception, (rule, at.exception)
            if page == "app_pages/transfers.py":
                shown = int(next(x for x in at.metric if x.label == "Transfers").value.replace(" ", ""))
            else:
                shown = int(at.subheader[0].value.rsplit(": ", 1)[1])
                assert at.subheader[0].value.startswith(found.title), rule
            assert shown == counted[rule], (rule, shown, counted[rule])
            checked += 1
    assert checked >= 8 and len(on_pages) == 4, on_pages


def test_show_the_rows_of_data_errors_equals_their_counts(tmp_path, db, monkeypatch):
    """The data-error findings too: rows rejected at ingest (dated in the period, undated, and one outside it that
    is not counted), a request closed before it was received, a hold released before it was placed, decisions
    with no banner shown: each page opened with ?finding= lists exactly as many rows as the finding counts, each
    row with its decision in the review journal."""
    from dashboard import findings, reviews
    from dashboard.ingest import ingest_file
    from tests.helpers import rows, write

    files = {
        "transfers.csv": rows("transfers", {}, {"country": "Sverige"}, {"occurred_at": "not a time"},
                              {"record_count": "-4", "occurred_at": "2025-06-01T10:00:00Z"}),
        "dsr_events.csv": rows("dsr_events", {}, {"request_id": "r2", "event": "completed",
                                                  "occurred_at": "2026-01-20T10:00:00+01:00"},
                               {"request_id": "r2", "occurred_at": "2026-01-25T10:00:00+01:00"}),
        "hold_events.csv": rows("hold_events", {}, {"hold_id": "H2", "event": "released",
                                                    "occurred_at": "2026-01-05T10:00:00+01:00"},
                                {"hold_id": "H2", "occurred_at": "2026-01-10T10:00:00+01:00"}),
        "consent_events.csv": rows("consent_events", {}, {"visitor_ref": "V-2", "action": "reject_all",
                                                          "analytics": "false", "functional": "false"}),
    }
    for name, data in files.items():
        ingest_file(str(write(tmp_path / name, data)), db)
    view = {"from": "2026-01-01", "to": "2026-02-28", "as_of": "2026-02-28"}
    m = metrics_json(db, "--from", view["from"], "--to", view["to"], "--as-of", view["as_of"])
    counted = {f["rule"]: f["count"] for f in m["findings"]}
    expected = {"transfers_rows_rejected": 2, "requests_out_of_order": 1, "holds_out_of_order": 1,
                "decisions_without_shown": 2}
    assert {rule: counted[rule] for rule in expected} == expected
    monkeypatch.setenv("AUDIT_DB", str(db))
    for rule, count in expected.items():
        found = findings.BY_RULE[rule]
        assert found.page in findings.ROWS_PAGES
        at = AppTest.from_file(APP, default_timeout=90)
        at.query_params.update({**view, **found.link, "finding": rule})
        at.switch_page(found.page).run()
        assert not at.exception, (rule, at.exception)
        assert at.subheader[0].value == f"{found.title}: {count}", rule
        shown = at.dataframe[0].value
        assert shown.shape[0] == count, rule
        # each row is a finding instance of the review journal (docs/reviews.md): its decision beside its id
        column = reviews.instance_column(rule)
        assert list(shown.columns)[list(shown.columns).index(column) + 1] == "decision", rule
        first = str(shown[column].iloc[0])
        reviews.record(rule, first, "not an issue", "dpo@example.se", owner=f"owner of {rule}")
        at.run()
        assert at.dataframe[0].value.set_index(column).loc[first, "owner"] == f"owner of {rule}", rule


@settings(max_examples=80, deadline=None)
@given(statuses=hyp.fixed_dictionaries({area: hyp.sampled_from(["off track", "needs attention", "no data", "data ends",
                                                                 "on track"])
                                         for area in ("requests", "holds", "transfers", "consent")}))
def test_no_rule_broken_is_good_news_only_where_every_area_had_data(statuses):
    """"No rule is broken" in green over an empty period read as compliance: it is said as good news only when every
    area had data to judge; otherwise the words name what could not be judged."""
    from dashboard import findings

    titles = {area: area.title() for area in statuses}
    good, words = findings.nothing_found({a: {"status": s, "label": s} for a, s in statuses.items()}, titles, "WHOLE")
    gaps = [a for a, s in statuses.items() if s in ("no data", "data ends")]
    assert good == (not gaps) and (words == "WHOLE") == good
    if gaps and len(set(statuses.values())) == 1 and "no data" in statuses.values():
        assert "No log has events" in words
    elif gaps:
        assert all(f"{titles[a]}: {statuses[a]}" in words for a in gaps)


def test_the_overview_and_the_report_of_an_empty_month_judge_nothing(sample_store, monkeypatch):
    from dashboard import report, sql, store

    at = overview(sample_store, monkeypatch, "2024-01-01", "2024-01-31", "2024-01-31")
    assert not [s.value for s in at.success if "No rule" in s.value]
    assert any("No log has events in the period" in i.value for i in at.info)
    with store.read_only(sample_store) as con:
        html = report.build(lambda name, **p: sql.run(con, name, **p), "2024-01")
    assert "No log has events in the period" in html and "No rule was broken in the month." not in html
