"""Consent figures and the cookie-before-consent rule on hand-made logs (every figure and edge), planted cases,
and the two pages under AppTest with their filters changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import consent, sql
from dashboard.ingest import ingest_file
from tests.helpers import rows, write

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TZ = "Europe/Stockholm"
DAY = date(2026, 3, 10)


def run(db, name, date_from=DAY, date_to=DAY, group_by="all", change_day=None, **extra):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sql.run(con, name, **consent.params(date_from, date_to, TZ, group_by, change_day), **extra)
    finally:
        con.close()


def ev(n, visitor, time, action, functional="", analytics="", version="v1", device="desktop"):
    return {"event_id": f"c{n}", "occurred_at": f"2026-03-10T{time}+01:00", "visitor_ref": visitor, "action": action,
            "functional": functional, "analytics": analytics, "banner_version": version, "device": device,
            "browser": "Firefox", "country": "SE"}


def seen(n, visitor, time, cookie, day="2026-03-10"):
    return {"event_id": f"o{n}", "observed_at": f"{day}T{time}+01:00", "visitor_ref": visitor, "cookie_name": cookie,
            "page": "/"}


@pytest.fixture
def consent_store(tmp_path, db):
    events = [
        ev(1, "A", "10:00:00", "shown"), ev(2, "A", "10:00:05", "accept_all", "true", "true"),
        ev(3, "B", "10:00:00", "shown"), ev(4, "B", "10:00:09", "reject_all", "false", "false"),
        ev(5, "C", "10:00:00", "shown"), ev(6, "C", "10:00:07", "custom", "true", "false", device="mobile"),
        ev(7, "D", "10:00:00", "shown", device="mobile"),
        ev(8, "A", "12:00:00", "withdraw", "false", "false"),
        ev(9, "E", "10:00:00", "shown"), ev(10, "E", "10:00:03", "custom", "false", "true", device="mobile"),
    ]
    observations = [
        seen(1, "A", "10:00:05", "_ga"),        # same second as the consent: in force
        seen(2, "A", "10:00:04", "_gid"),       # a second before the consent: finding
        seen(3, "A", "12:00:01", "_ga"),        # after the withdrawal: finding
        seen(4, "B", "10:00:20", "_gat"),       # after reject all: finding
        seen(5, "B", "10:00:21", "SSESS1a2b"),  # necessary: never a finding
        seen(6, "C", "10:00:30", "has_js"),     # functional allowed
        seen(7, "C", "10:00:31", "_ga"),        # analytics refused: finding
        seen(8, "D", "10:00:02", "_ga"),        # never decided: finding
        seen(9, "E", "10:00:10", "has_js"),     # functional refused: finding
        seen(10, "E", "10:00:11", "Drupal.toolbar.collapsed"),  # functional refused: finding
        seen(11, "E", "10:00:12", "_fbp"),      # unknown cookie: listed, not a finding of this rule
        seen(12, "Z", "10:00:00", "_ga", day="2026-03-11"),     # outside the period
    ]
    assert ingest_file(str(write(tmp_path / "consent_events.csv", events)), db).exit_code == 0
    assert ingest_file(str(write(tmp_path / "cookie_observations.csv", observations)), db).exit_code == 0
    return db


def test_every_consent_figure_by_hand(consent_store):
    k = run(consent_store, "rpt_consent_kpis").row(0, named=True)
    # shown 5; decisions: A accept, B reject, C custom(f), E custom(a) = 4; withdrawals 1
    assert (k["shown"], k["decisions"], k["withdrawals"]) == (5, 4, 1)
    assert k["interaction_rate"] == pytest.approx(4 / 5)
    assert k["analytics_rate"] == pytest.approx(2 / 4)  # A and E
    assert k["functional_rate"] == pytest.approx(2 / 4)  # A and C
    assert k["accept_all_rate"] == pytest.approx(1 / 4)
    assert k["reject_all_rate"] == pytest.approx(1 / 4)
    assert k["custom_rate"] == pytest.approx(2 / 4)


def test_a_period_without_events_gives_null_rates(consent_store):
    k = run(consent_store, "rpt_consent_kpis", date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)).row(0, named=True)
    assert (k["shown"], k["decisions"], k["interaction_rate"], k["analytics_rate"]) == (0, 0, None, None)


def test_breakdown_by_device(consent_store):
    rows = {r["group_key"]: r for r in run(consent_store, "rpt_consent_rates", group_by="device").iter_rows(named=True)}
    assert (rows["mobile"]["shown"], rows["mobile"]["decisions"]) == (1, 2), "C and E saw the banner on desktop"
    assert rows["desktop"]["reject_all_rate"] == pytest.approx(1 / 2)


def test_cookie_before_consent_edges(consent_store):
    findings = run(consent_store, "rpt_cookies_before_consent", limit=100, offset=0)
    got = sorted(findings["event_id"])
    assert got == sorted(["o2", "o3", "o4", "o7", "o8", "o9", "o10"])
    by_id = {r["event_id"]: r for r in findings.iter_rows(named=True)}
    assert by_id["o3"]["consent_in_force"] == "withdraw"
    assert by_id["o8"]["consent_in_force"] == "no_decision"  # a code, shown as words (labels.WORDS)
    summary = {r["cookie_name"]: r for r in run(consent_store, "rpt_cookie_summary").iter_rows(named=True)}
    assert summary["_fbp"]["category"] == "unknown" and summary["_fbp"]["before_consent"] == 0
    assert summary["SSESS1a2b"]["category"] == "necessary"
    assert summary["Drupal.toolbar.collapsed"]["category"] == "functional"
    assert sum(r["before_consent"] for r in summary.values()) == 7


def test_banner_change_effect(tmp_path, db):
    events = [ev(i, f"V{i}", "10:00:00", "shown", version="v1") for i in range(4)]
    events += [ev(10, "V0", "10:00:05", "accept_all", "true", "true", version="v1")]
    later = [dict(e, event_id=f"x{e['event_id']}", occurred_at=e["occurred_at"].replace("03-10", "03-20"),
                  banner_version="v2") for e in events[:2]]
    later.append(dict(ev(99, "V1", "10:00:06", "reject_all", "false", "false", version="v2"),
                      occurred_at="2026-03-20T10:00:06+01:00"))
    ingest_file(str(write(tmp_path / "consent_events.csv", events + later)), db)
    versions = run(db, "rpt_banner_versions")
    assert versions.rows() == [("v1", date(2026, 3, 10), date(2026, 3, 10)), ("v2", date(2026, 3, 20), date(2026, 3, 20))]
    effect = {r["group_key"]: r for r in run(db, "rpt_consent_rates", date_from=date(2026, 3, 6),
                                              date_to=date(2026, 4, 2), group_by="side",
                                              change_day=date(2026, 3, 20)).iter_rows(named=True)}
    assert (effect["before"]["shown"], effect["before"]["accept_all_rate"]) == (4, 1.0)
    assert (effect["after"]["shown"], effect["after"]["reject_all_rate"]) == (2, 1.0)


def test_the_planted_cookie_cases(sample_store, manifest):
    planted = manifest["planted"]["cookies"]
    findings = run(sample_store, "rpt_cookies_before_consent", date_from=date(2024, 1, 1),
                   date_to=date.fromisoformat(manifest["as_of"]), limit=1000, offset=0)
    found = sorted(zip(findings["visitor_ref"], findings["cookie_name"]))
    assert found == sorted((p["visitor_ref"], p["cookie_name"]) for p in planted["cookie_before_consent"])
    summary = run(sample_store, "rpt_cookie_summary", date_from=date(2024, 1, 1),
                  date_to=date.fromisoformat(manifest["as_of"]))
    unknown = summary.filter(summary["category"] == "unknown")["cookie_name"].to_list()
    assert unknown == [p["cookie_name"] for p in planted["unknown_cookies"]]


@pytest.fixture
def app(sample_store, monkeypatch):
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2025-06-01", "to": "2026-11-24", "as_of": "2026-11-24"})
    return at  # not yet run: a test opens its page first, as a link does


def test_consent_page_with_filters_changed(app):
    app.query_params["cview"] = "Breakdown"  # the tab drawn (one chart tab at a time)
    app.switch_page("app_pages/consent.py").run()
    assert not app.exception
    assert next(m for m in app.metric if m.label == "Cookies before consent").value == "5"
    next(s for s in app.selectbox if s.label == "Break down by").set_value("device").run()
    assert not app.exception and app.query_params["by"] == "device"
    app.sidebar.date_input[0].set_value(date(2026, 10, 1)).run()
    assert not app.exception
    # the withdrawal case lies in August (before the withdraw link disappeared): four cases remain
    assert next(m for m in app.metric if m.label == "Cookies before consent").value == "4"
    app.sidebar.date_input[0].set_value(date(2026, 11, 2)).run()
    assert next(m for m in app.metric if m.label == "Cookies before consent").value == "0"


def test_the_cookie_inventory_shows_its_own_words(app):
    """The inventory's purposes are its words, not codes: "_ga_<container-id>" read "( ga <container-id>)" when the
    column was taken for a code column (a transfer's purpose) and its underscores for spaces."""
    from dashboard import consent

    app.switch_page("app_pages/consent.py").run()
    assert not app.exception
    [shown] = [d.value for d in app.dataframe if "cookie_purpose" in d.value.columns]
    inventory = consent.inventory()
    assert list(shown["cookie_purpose"]) == [c["purpose"] for c in inventory]
    assert list(shown["cookie_name"]) == [c["cookie_name"] for c in inventory]
    assert any("_ga_<" in c["purpose"] for c in inventory)  # the case that was rewritten


def _overdue_by_hand(db, as_of: date) -> int:
    """Holds placed by as_of, past retain_until, not released by as_of: counted straight from the raw events."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        events = con.sql("select hold_id, event, cast(timezone('Europe/Stockholm', occurred_at) as date), "
                         "retain_until from hold_events").fetchall()
    finally:
        con.close()
    placed = {h: r for h, e, d, r in events if e == "placed" and d <= as_of}
    released = {h for h, e, d, _ in events if e == "released" and d <= as_of}
    return sum(1 for h, retain in placed.items() if h not in released and retain < as_of)


def test_holds_page_with_the_as_of_date_changed(app, sample_store):
    app.switch_page("app_pages/holds.py").run()
    assert not app.exception
    assert next(m for m in app.metric if m.label == "Overdue for release").value == "3"
    app.sidebar.date_input[2].set_value(date(2026, 1, 1)).run()
    assert not app.exception
    expected = _overdue_by_hand(sample_store, date(2026, 1, 1))
    assert expected != 3
    assert next(m for m in app.metric if m.label == "Overdue for release").value == str(expected)
    assert app.query_params["as_of"] == "2026-01-01"


def test_cookie_checks_do_not_depend_on_the_order_files_arrive(tmp_path, db):
    """Observations loaded before the decisions, and a later file that changes a visitor's consent."""
    observations = [seen(1, "A", "10:00:10", "_ga"), seen(2, "B", "10:00:10", "_ga")]
    assert ingest_file(str(write(tmp_path / "cookie_observations.csv", observations)), db).exit_code == 0
    assert sorted(run(db, "rpt_cookies_before_consent", limit=10, offset=0)["event_id"]) == ["o1", "o2"]
    first = [ev(1, "A", "10:00:00", "shown"), ev(2, "A", "10:00:05", "accept_all", "true", "true")]
    ingest_file(str(write(tmp_path / "consent_events_1.csv", first)), db)
    assert run(db, "rpt_cookies_before_consent", limit=10, offset=0)["event_id"].to_list() == ["o2"]
    later = [ev(3, "B", "10:00:01", "accept_all", "true", "true")]
    ingest_file(str(write(tmp_path / "consent_events_2.csv", later)), db)
    assert run(db, "rpt_cookies_before_consent", limit=10, offset=0).is_empty()


def test_an_older_store_gets_the_derived_tables_on_its_next_ingest(consent_store, tmp_path):
    from dashboard import store

    before = run(consent_store, "rpt_cookies_before_consent", limit=100, offset=0)
    con = duckdb.connect(str(consent_store))
    con.execute("drop table cookie_consent")
    con.execute("drop table request_rollup")
    con.execute("drop table consent_daily")
    assert store.missing_tables(con) == ["cookie_consent", "request_rollup", "consent_daily",
                                         "request_rollup.requested_at", "request_rollup.first_at",
                                         "request_rollup.closed_day"]
    con.close()
    extra = write(tmp_path / "transfers.csv", rows("transfers", {}))
    assert ingest_file(str(extra), consent_store).exit_code == 0
    with store.read_only(consent_store) as con:
        assert store.missing_tables(con) == []
    assert len(before) == 7 and run(consent_store, "rpt_cookies_before_consent", limit=100, offset=0).equals(before)
    assert run(consent_store, "rpt_consent_kpis")["shown"][0] == 5
