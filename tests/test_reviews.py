"""The review journal (docs/reviews.md): append-only, a later decision supersedes, parallel writers all land, finding
instances survive re-ingest, hostile text refused or neutralised, and the command line."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import reviews
from tests.helpers import run_cli

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def journal(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "reviews.sqlite"
    monkeypatch.setenv("AUDIT_REVIEW_DB", str(where))
    return where


def test_a_later_decision_supersedes_and_the_history_stays(journal):
    first = reviews.record("request_overdue", "REQ-000001", "open", "dpo@example.se", owner="Kundtjänst",
                           due=date(2026, 12, 1))
    second = reviews.record("request_overdue", "REQ-000001", "resolved", "dpo@example.se", note="Answered 30 Nov")
    other = reviews.record("request_late", "REQ-000001", "accepted risk", "dpo@example.se")
    assert [d.id for d in reviews.latest()] == [other.id, second.id], "one decision in force per rule and row"
    assert reviews.history("request_overdue", "REQ-000001") == [first, second]
    assert [d.status for d in reviews.latest(status="resolved")] == ["resolved"]
    assert reviews.counts_by_area()["requests"] == {"open": 0, "in progress": 0, "resolved": 1,
                                                     "accepted risk": 1, "not an issue": 0}
    assert first.overdue_on == date(2026, 12, 1) and second.overdue_on is None


@pytest.mark.parametrize("statement", ["update decisions set status = 'resolved'", "delete from decisions",
                                       "update decisions set note = '' where id = 1",
                                       "delete from decisions where id = 1"])
def test_nothing_recorded_can_be_edited_or_deleted(journal, statement):
    reviews.record("hold_overdue", "HOLD-000001", "open", "dpo@example.se")
    con = sqlite3.connect(journal)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute(statement)
    con.close()
    assert [d.status for d in reviews.latest()] == ["open"]


def test_the_journal_is_wal_and_at_the_latest_schema(journal):
    reviews.record("hold_overdue", "HOLD-000001", "open", "dpo@example.se")
    con = sqlite3.connect(journal)
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert con.execute("pragma user_version").fetchone()[0] == len(reviews.MIGRATIONS)
    con.close()


WRITER = """
import sys
from dashboard import reviews
from tests.helpers import run_cli
who, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    reviews.record("request_overdue", f"REQ-{i:06d}", "in progress", who, note=f"{who} {i}")
"""


def test_two_users_deciding_at_the_same_moment_both_land(journal):
    """Two processes each append 40 decisions on the same findings at once: all 80 are there, none lost."""
    env = {**os.environ, "AUDIT_REVIEW_DB": str(journal)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, who, "40"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
             for who in ("dpo@example.se", "deputy@example.se")]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read().decode()[-2000:]
    every = reviews.every_id()
    assert len(every) == 80 == len(set(every))
    assert len(reviews.latest()) == 40, "one decision in force per finding instance"
    by = {d.decided_by for d in reviews.latest()}
    assert by <= {"dpo@example.se", "deputy@example.se"}


@pytest.mark.parametrize("change, message", [
    ({"rule": "no_such_rule"}, "unknown finding rule"),
    ({"status": "done"}, "status must be one of"),
    ({"instance": ""}, "row's id"),
    ({"instance": "x" * 201}, "row's id"),
    ({"instance": "anna.svensson@example.se"}, "never a person's identity"),
    ({"instance": "19900101-1239"}, "never a person's identity"),
    ({"instance": "+46 70 123 45 67"}, "never a person's identity"),
    ({"due": "1/12/2026"}, "YYYY-MM-DD"),
    ({"due": "0001-01-01"}, "not plausible"),
    ({"note": "x" * 2001}, "longer than"),
    ({"owner": "Anna\x00Berg"}, "control characters"),
])
def test_a_decision_that_cannot_be_right_is_refused_and_nothing_lands(journal, change, message):
    args = {"rule": "request_overdue", "instance": "REQ-000001", "status": "open", "decided_by": "dpo@example.se"}
    with pytest.raises(reviews.ReviewError, match=message):
        reviews.record(**(args | change))
    assert reviews.latest() == []


@settings(max_examples=25, deadline=None)
@given(note=st.text(max_size=300).filter(lambda t: not any(ord(c) < 32 and c not in "\n\t" for c in t)))
def test_any_note_is_kept_as_text_with_identities_replaced(tmp_path_factory, note):
    from dashboard import privacy

    where = tmp_path_factory.mktemp("journal") / "reviews.sqlite"
    d = reviews.record("request_late", "REQ-000002", "not an issue", "dpo@example.se",
                       note=note + " ring 19900101-1239", where=where)
    assert d.note == privacy.redact((note + " ring 19900101-1239").strip())
    assert "19900101-1239" not in d.note and "[personnummer]" in d.note
    assert reviews.latest(where=where)[0].note == d.note


def test_the_auditors_export_has_every_decision_and_what_superseded_it(journal):
    reviews.record("request_overdue", "REQ-000001", "open", "dpo@example.se", note="=HYPERLINK(\"http://x\")")
    reviews.record("request_overdue", "REQ-000001", "resolved", "dpo@example.se")
    text = reviews.export_csv().decode()
    lines = text.splitlines()
    assert lines[0] == "id,rule,instance,status,owner,note,due,decided_by,decided_at,superseded_by"
    assert lines[1].startswith("1,request_overdue,REQ-000001,open,") and lines[1].endswith(",2")
    assert "'=HYPERLINK" in lines[1], "a formula is neutralised for the spreadsheet"
    assert reviews.export_csv("excel_sv").startswith(b"\xef\xbb\xbfid;rule;")


def test_a_finding_instance_is_the_same_after_the_file_is_unloaded_and_loaded_again(tmp_path, journal):
    """Decisions are tied to the row's id, which re-ingest keeps: the decided finding is found again."""
    from dashboard import deadlines, sql, store
    from dashboard.ingest import ingest_file, unload

    os.environ.setdefault("AUDIT_PSEUDONYM_KEY", "a test key that is long enough")
    db = tmp_path / "audit.duckdb"
    fixture = ROOT / "tests" / "fixtures" / "exports" / "fides_requests.csv"

    def overdue() -> list[str]:
        params = deadlines.period_params(date(2026, 6, 30), date(2026, 3, 1), date(2026, 6, 30))
        with store.read_only(db) as con:
            return sql.run(con, "rpt_request_finding_rows", rule="request_overdue", **params)["request_id"].to_list()

    run = ingest_file(str(fixture), db).run_id
    before = overdue()
    assert before == ["fides:pri_004"]
    reviews.record("request_overdue", before[0], "in progress", "dpo@example.se")

    def gone() -> set:
        with store.read_only(db) as con:
            return reviews.no_longer_present(lambda name, **p: sql.run(con, name, **p), reviews.latest())

    assert gone() == set()
    unload(run, db)
    assert overdue() == []
    assert gone() == {("request_overdue", "fides:pri_004")}, "the decision stays, its finding is gone"
    listed = run_cli("reviews", "--db", str(db), env={"AUDIT_REVIEW_DB": str(journal)})
    assert "fides:pri_004" in listed.stdout and "[finding no longer present]" in listed.stdout
    ingest_file(str(fixture), db)
    assert overdue() == before and gone() == set()
    assert [(d.rule, d.instance) for d in reviews.latest()] == [("request_overdue", "fides:pri_004")]


def test_the_command_line_adds_lists_exports_and_logs_each_decision(tmp_path, journal):
    def cli(*args):
        return run_cli("reviews", *args, env={"AUDIT_REVIEW_DB": str(journal)})

    added = cli("add", "non_eea_without_mechanism", "TR-00000042", "--status", "open", "--owner", "IT",
                "--due", "2026-12-15", "--note", "Ask the supplier for SCCs")
    assert added.returncode == 0, added.stderr
    assert "recorded decision 1" in added.stdout
    listed = cli("--status", "open")
    assert "TR-00000042" in listed.stdout and "due 2026-12-15" in listed.stdout and "(local)" in listed.stdout
    assert json.loads(cli("--json").stdout)[0]["owner"] == "IT"
    refused = cli("add", "request_overdue", "anna@example.se", "--status", "open")
    assert refused.returncode == 2 and "NOT RECORDED" in refused.stderr and "anna@example.se" not in refused.stderr
    out = tmp_path / "journal.csv"
    assert cli("export", "--out", str(out)).returncode == 0
    assert out.read_text().splitlines()[1].split(",")[2] == "TR-00000042"
    from dashboard import access_log

    lines = [json.loads(line) for f in access_log.files() for line in f.read_text().splitlines()]
    assert [(e["event"], e["page"]) for e in lines] == [("decision", "reviews"), ("export", "reviews")]
    assert "TR-00000042: open" in lines[0]["detail"]


def test_metrics_say_how_the_periods_findings_stand_in_the_journal(tmp_path, journal):
    """metrics --json "decisions": the period's finding rows, those without a decision, the decided ones by status,
    due dates passed; a decision on a row the period does not count is not counted."""
    from dashboard.ingest import ingest_file

    env = {"AUDIT_REVIEW_DB": str(journal), "AUDIT_PSEUDONYM_KEY": "a test key that is long enough"}
    os.environ.setdefault("AUDIT_PSEUDONYM_KEY", env["AUDIT_PSEUDONYM_KEY"])
    fixtures = ROOT / "tests" / "fixtures" / "exports"
    db = tmp_path / "audit.duckdb"
    for name in ("fides_requests.csv", "scan_www.example.se.har"):
        assert ingest_file(str(fixtures / name), db).exit_code == 0
    con = __import__("duckdb").connect(str(db), read_only=True)
    ga = con.sql("select event_id from cookie_observations where cookie_name = '_ga'").fetchall()[0][0]
    con.close()
    # pri_004 is overdue and pri_002 was late (the hand-worked fixture); _ga, _ga_ABC123 and has_js are cookies
    # before consent
    reviews.record("request_late", "fides:pri_002", "in progress", "dpo@example.se", due="2026-06-15")
    reviews.record("request_overdue", "fides:pri_999", "resolved", "dpo@example.se")  # not in the period
    reviews.record("cookie_before_consent", ga, "accepted risk", "dpo@example.se")
    # a finding about a cookie name, not a row: the Drupal session cookie is classed necessary, the policy names it
    # only in words
    reviews.record("necessary_not_in_policy", "SESS3f9a2c", "not an issue", "dpo@example.se")
    reviews.record("unknown_cookie", "_never_seen", "open", "dpo@example.se")  # on a cookie the store never saw
    out = run_cli("metrics", "--from", "2026-03-01", "--to", "2026-06-30", "--as-of", "2026-06-30", "--db", str(db),
                  "--json", env=env)
    assert out.returncode == 0, out.stderr
    m = json.loads(out.stdout)["decisions"]
    nothing = {"open": 0, "resolved": 0, "accepted risk": 0, "not an issue": 0}
    assert m["requests"] == {"findings": 2, "without_decision": 1, "in progress": 1, "due_passed": 1, **nothing}
    assert m["consent"] == {"findings": 4, "without_decision": 2, **nothing, "accepted risk": 1, "not an issue": 1,
                            "in progress": 0, "due_passed": 0}
    assert m["holds"]["findings"] == m["transfers"]["findings"] == 0
    from dashboard import sql, store

    with store.read_only(db) as con:
        gone = reviews.no_longer_present(lambda name, **p: sql.run(con, name, **p), reviews.latest())
    assert gone == {("request_overdue", "fides:pri_999"), ("unknown_cookie", "_never_seen")}


def test_who_may_decide_on_which_findings():
    """The DPO on every area, staff on transfer findings only, management on none (issue #18)."""
    from dashboard.access import Viewer
    from dashboard.reviews_ui import may_decide

    areas = ("requests", "holds", "transfers", "consent")
    assert [a for a in areas if may_decide(Viewer("dpo@example.se", "dpo"), a)] == list(areas)
    assert [a for a in areas if may_decide(Viewer("staff@example.se", "staff"), a)] == ["transfers"]
    assert [a for a in areas if may_decide(Viewer("boss@example.se", "management"), a)] == []


def test_one_rules_transfer_rows_show_their_decision(sample_store, journal, monkeypatch):
    """On the Transfers page filtered to one rule, each row is a finding instance and shows its decision in force."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"rule": "non_eea_without_mechanism", "from": "2024-11-25", "to": "2026-11-24",
                            "as_of": "2026-11-24"})  # two years: the planted unsafe transfers are in it
    at.switch_page("app_pages/transfers.py").run()
    assert not at.exception, at.exception
    table = next(df.value for df in at.dataframe if "transfer_id" in df.columns and "decision" in df.columns)
    assert table["decision"].isna().all()
    first = table["transfer_id"].iloc[0]
    reviews.record("non_eea_without_mechanism", first, "accepted risk", "dpo@example.se", owner="IT")
    at.run()
    table = next(df.value for df in at.dataframe if "transfer_id" in df.columns and "decision" in df.columns)
    assert table.set_index("transfer_id").loc[first, ["decision", "owner"]].tolist() == ["accepted risk", "IT"]
    assert [b.label for b in at.button if b.label.startswith("Record a decision")] == [
        "Record a decision (select rows first)"]
    every = set(table["transfer_id"])

    def rows_when(view: str) -> set:
        """The log's rows with the decision filter set (on the server: the summary follows)."""
        at.segmented_control(key="transfer_decided").set_value(view).run()
        assert not at.exception, at.exception
        assert at.query_params.get("decided") == (None if view == "all" else view)
        shown = next(df.value for df in at.dataframe if "transfer_id" in df.columns and "decision" in df.columns)
        assert int(next(m for m in at.metric if m.label == "Transfers").value.replace(" ", "")) == len(shown)
        return set(shown["transfer_id"])

    assert rows_when("decided") == {first}
    assert rows_when("without") == every - {first}
    assert rows_when("all") == every


@pytest.mark.parametrize("page, rule, id_column", [("holds", "hold_overdue", "hold_id"),
                                                   ("consent", "cookie_before_consent", "event_id"),
                                                   ("requests", "request_late", "request_id"),
                                                   ("consent", "unknown_cookie", "cookie_name"),
                                                   ("consent", "reject_may_be_hidden", "banner_version"),
                                                   ("consent", "withdrawal_may_be_hard", "withdrawal_case"),
                                                   ("consent", "necessary_not_in_policy", "cookie_name")])
def test_a_findings_rows_show_their_decision_by_the_areas_id(sample_store, journal, monkeypatch, page, rule,
                                                              id_column):
    """Show the rows (?finding=) on each page: the decision sits beside the row's own id (a hold's, not its
    request's), and a decision recorded on that id shows."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"finding": rule, "from": "2024-11-25", "to": "2026-11-24", "as_of": "2026-11-24"})
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    rows = at.dataframe[0].value
    columns = list(rows.columns)
    assert columns[columns.index(id_column) + 1] == "decision"
    first = rows[id_column].iloc[0]
    reviews.record(rule, first, "in progress", "dpo@example.se", owner="Ekonomi")
    at.run()
    rows = at.dataframe[0].value
    assert rows.set_index(id_column).loc[first, "owner"] == "Ekonomi"
    at.segmented_control(key="finding_decided").set_value("decided").run()
    assert list(at.dataframe[0].value[id_column]) == [first] and at.query_params["fdecided"] == "decided"
    at.segmented_control(key="finding_decided").set_value("without").run()
    assert first not in set(at.dataframe[0].value[id_column]) and len(at.dataframe[0].value) == len(rows) - 1


def test_the_monthly_report_carries_each_findings_decision_and_the_summary_only_counts(tmp_path, journal):
    from dashboard import report, sql, store
    from dashboard.ingest import ingest_file

    os.environ.setdefault("AUDIT_PSEUDONYM_KEY", "a test key that is long enough")
    fixtures = ROOT / "tests" / "fixtures" / "exports"
    db = tmp_path / "audit.duckdb"
    for name in ("fides_requests.csv", "scan_www.example.se.har"):
        assert ingest_file(str(fixtures / name), db).exit_code == 0
    reviews.record("request_overdue", "fides:pri_004", "in progress", "dpo@example.se", owner="Kundtjänst",
                   note="<b>Ring</b> kunden 19900101-1239", due="2026-07-03")
    with store.read_only(db) as con:
        def run(name, **p):
            return sql.run(con, name, **p)

        full = report.build(run, "2026-06", date(2026, 6, 30))
        summary = report.build(run, "2026-06", date(2026, 6, 30), detail=False)
    section = full.split("<h2>Review of findings</h2>")[1].split("</section>")[0]
    # June: pri_004 is overdue (decided); three cookies before consent (none decided, counted not listed)
    assert "<td>fides:pri_004</td><td>in progress</td><td>Kundtjänst</td><td>2026-07-03</td>" in section
    assert "&lt;b&gt;Ring&lt;/b&gt; kunden [personnummer]" in section and "19900101" not in full
    assert "Counted above, not listed" in section and "3 × cookies set before consent (Cookie consent)" in section
    counts = summary.split("<h2>Review of findings</h2>")[1].split("</section>")[0]
    assert "<td>Data subject requests</td><td>1</td><td>0</td><td>0</td><td>1</td>" in counts
    assert "fides:pri_004" not in summary and "Each finding row" not in summary


def test_the_findings_counted_for_review_are_the_rows_each_rule_lists(sample_store, journal):
    """'decisions.findings' adds up the rules' own counts (cheap); it equals the rows the rules list, area by area."""
    from dashboard import metrics, sql, store

    with store.read_only(sample_store) as con:
        def run(name, **p):
            return sql.run(con, name, **p)

        start, end, as_of = date(2025, 11, 25), date(2026, 11, 24), date(2026, 11, 24)
        m = metrics.compute(run, start, end, as_of)
        params = metrics.review_params(start, end, as_of)
        counts = metrics.rule_counts(m)
        for area, rules in reviews.area_rules().items():
            for rule in rules:  # every rule's instances are as many as it counts: one decision per counted row
                assert len(reviews.rows_of(run, rule, params)) == counts[rule], rule
            listed = sum(len(reviews.rows_of(run, rule, params)) for rule in rules)
            assert m["decisions"][area]["findings"] == listed > 0, area
