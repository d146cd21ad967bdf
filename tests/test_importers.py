"""Exports of the privacy tools (docs/importers.md): recognised by their fields, translated into contract rows that
take the one ingest path, figures equal to hand-worked ones, identities never stored, bad input refused or rejected
with file, row and field."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.ingest import ingest_file
from tests.helpers import refusals, snapshot, table

FIXTURES = Path(__file__).parent / "fixtures" / "exports"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv("AUDIT_PSEUDONYM_KEY", "a test key that is long enough")
    monkeypatch.delenv("AUDIT_CONSENT_CATEGORIES", raising=False)


def didomi_folder(root: Path) -> Path:
    """The Didomi fixture as Didomi writes it: gzipped NDJSON under export-id=/date= partitions."""
    folder = root / "didomi-export"
    for day in ("2026-06-01", "2026-06-02"):
        part = folder / "export-id=x1" / f"date={day}" / "users"
        part.mkdir(parents=True)
        with gzip.open(part / "part-0000.json.gz", "wb") as fh:
            fh.write((FIXTURES / f"didomi_{day}.ndjson").read_bytes())
    return folder


def onetrust_receipts_array(root: Path) -> Path:
    """The OneTrust receipts as one JSON document (an array) rather than JSON Lines."""
    path = root / "receipts.json"
    path.write_text(json.dumps([json.loads(line) for line in
                                (FIXTURES / "onetrust_receipts.jsonl").read_text().splitlines()]))
    return path


def fixture(name: str, tmp_path: Path) -> Path:
    if name == "didomi-folder":
        return didomi_folder(tmp_path)
    if name == "onetrust-receipts-array":
        return onetrust_receipts_array(tmp_path)
    return FIXTURES / name


def metrics_of(db: Path, date_from: date, date_to: date, as_of: date) -> dict:
    from dashboard import metrics, sql, store

    with store.read_only(db) as con:
        return metrics.compute(lambda name, **p: sql.run(con, name, **p), date_from, date_to, as_of)


# Hand-worked from the fixtures (the comments in each case say why), as of 30 June 2026, period March-June.
REQUEST_CASES = {
    # pri_001 access on time; pri_002 erasure late (deadline 2 April, done 20 April); pri_003 access+erasure is two
    # requests, both rejected on time; pri_004 open since 4 May, overdue; pri_005 duplicate and pri_006 consent
    # skipped; pri_007 withdrawn; pri_008 and pri_009 open, not yet due.
    "fides_requests.csv": ("fides-requests", dict(received=8, closed=4, on_time=3, late=1, open=3, overdue=1,
                                                  withdrawn=1)),
    # 0001 completed in Transcend but with no completion time: open and overdue (deadline 2 June); 0002 open;
    # 0003 a test request and 0004 a sale opt-out are skipped; 0005 open since 10 May, overdue.
    "transcend_requests.csv": ("transcend-requests", dict(received=3, closed=0, on_time=0, late=0, open=3,
                                                          overdue=2, withdrawn=0)),
    # 1001 on time; 1002 late (deadline 11 May; OneTrust's 12 paused days do not count); 1003 open, its extension
    # has no date so the one-month deadline (1 July) applies: at risk, not overdue; 1004 a test request.
    "onetrust_requests.json": ("onetrust-requests", dict(received=3, closed=2, on_time=1, late=1, open=1,
                                                         overdue=0, withdrawn=0, at_risk=1)),
}


@pytest.mark.parametrize("name", REQUEST_CASES)
def test_request_exports_give_the_hand_worked_figures(tmp_path, db, name):
    fmt, expected = REQUEST_CASES[name]
    result = ingest_file(str(FIXTURES / name), db)
    assert (result.format, result.log, result.exit_code) == (fmt, "dsr_events", 0), result
    got = metrics_of(db, date(2026, 3, 1), date(2026, 6, 30), date(2026, 6, 30))["requests"]
    assert {k: got[k] for k in expected} == expected


# shown / decisions / accept-all rate / reject-all rate / analytics rate, June 2026, hand-worked from the fixtures.
CONSENT_CASES = {
    # three visitors shown the banner; accept all, deny all, and a second-layer save with Google Analytics refused
    # (so analytics is not allowed although Hotjar was: the strict reading); one row per service folded into one.
    "usercentrics_consent.csv": ("usercentrics-consent", (3, 3, 1 / 3, 1 / 3, 1 / 3)),
    # all confirmed, all not given, a mix (custom), a NO_CHOICE receipt (shown), a test receipt (skipped)
    "onetrust_receipts.jsonl": ("onetrust-receipts", (1, 3, 1 / 3, 1 / 3, 1 / 3)),
    "onetrust-receipts-array": ("onetrust-receipts", (1, 3, 1 / 3, 1 / 3, 1 / 3)),
    # four records shown; agree to all, disagree to all, save choices with analytics refused
    "didomi-folder": ("didomi-events", (4, 3, 1 / 3, 1 / 3, 1 / 3)),
    "didomi_2026-06-01.ndjson": ("didomi-events", (2, 2, 1 / 2, 1 / 2, 1 / 2)),
    # show, accept, save (Google Analytics yes, preferences no), decline
    "klaro_consents.jsonl": ("klaro", (1, 3, 1 / 3, 1 / 3, 2 / 3)),
    # all, necessary, custom without analytics; no banner views in these records
    "cookieconsent_preferences.jsonl": ("cookieconsent", (0, 3, 1 / 3, 1 / 3, 1 / 3)),
}


@pytest.mark.parametrize("name", CONSENT_CASES)
def test_consent_exports_give_the_hand_worked_figures(tmp_path, db, name):
    fmt, (shown, decisions, accept, reject, analytics) = CONSENT_CASES[name]
    result = ingest_file(str(fixture(name, tmp_path)), db)
    assert (result.format, result.log, result.exit_code) == (fmt, "consent_events", 0), result
    got = metrics_of(db, date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30))["consent"]
    assert (got["shown"], got["decisions"]) == (shown, decisions)
    assert got["accept_all_rate"] == pytest.approx(accept, abs=1e-5)
    assert got["reject_all_rate"] == pytest.approx(reject, abs=1e-5)
    assert got["analytics_rate"] == pytest.approx(analytics, abs=1e-5)


def test_a_har_file_is_one_synthetic_visitor_with_every_cookie_set_also_on_redirects(db):
    result = ingest_file(str(FIXTURES / "scan_www.example.se.har"), db)
    assert (result.format, result.log, result.accepted) == ("har", "cookie_observations", 4), result
    rows = sorted(table(db, "cookie_observations"))
    assert [r[3] for r in rows] == ["has_js", "SESS3f9a2c", "_ga", "_ga_ABC123"]  # the 301 sets has_js
    assert len({r[2] for r in rows}) == 1, "one visitor per HAR file"
    # the page the visitor was on, without its query (which can carry identifiers), not the tracker's address
    assert {r[4] for r in rows} == {"https://www.example.se/"}
    m = metrics_of(db, date(2026, 6, 1), date(2026, 6, 30), date(2026, 6, 30))
    assert m["consent"]["cookies_before_consent"] >= 2, "analytics cookies with no consent at all are findings"


IDENTITIES = ["anna@example.se", "Anna@Example.se", "bertil@example.se", "cecilia@example.se", "+46 70 123 45 67",
              "+46701234567", "erik@example.se", "bo@example.se", "cust-77", "cust-78", "dora@example.se",
              "kund1@example.se", "kund2@example.se", "kund3@example.se", "c0ffee01", "c0ffee02", "c0ffee03",
              "d1d1-0001", "d1d1-0003", "kv-1", "kv-2", "8d3e7f0a-1b2c-4d5e-8f90-a1b2c3d4e5f6"]


def test_no_identity_of_any_fixture_is_in_the_store_file(tmp_path, db):
    for name in ["fides_requests.csv", "transcend_requests.csv", "onetrust_requests.json", "usercentrics_consent.csv",
                 "onetrust_receipts.jsonl", "didomi-folder", "klaro_consents.jsonl",
                 "cookieconsent_preferences.jsonl", "scan_www.example.se.har"]:
        assert ingest_file(str(fixture(name, tmp_path)), db).exit_code == 0, name
    con = duckdb.connect(str(db))
    con.execute("checkpoint")
    stored = con.sql("select subject_ref from dsr_events where subject_ref is not null").fetchall()
    con.close()
    data = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
    # controls: what is stored is findable by this grep (so a miss below means absent, not compressed away)
    assert b"fides:pri_001" in data and stored[0][0].encode() in data
    for identity in IDENTITIES:
        for form in {identity, identity.lower()}:
            assert form.encode() not in data, f"{form} is in the store file"
    assert b"example.se" not in data.replace(b"www.example.se", b""), "an e-mail domain is in the store"


def test_the_same_person_is_recognised_across_requests_and_the_key_decides_the_pseudonym(tmp_path, db, monkeypatch):
    ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    refs = dict((r[1], r[6]) for r in table(db, "dsr_events") if r[3] == "received")
    assert refs["fides:pri_001"] == refs["fides:pri_008"], "Anna@Example.se with a space is anna@example.se"
    assert refs["fides:pri_003:access"] == refs["fides:pri_003:erasure"]
    assert len(set(refs.values())) == 6
    assert all(ref.startswith("p-") and not any(ch.isdigit() for ch in ref) for ref in refs.values()), \
        "letters only: the privacy guard can never read a pseudonym as a personal number"
    other = tmp_path / "other.duckdb"
    monkeypatch.setenv("AUDIT_PSEUDONYM_KEY", "another key, also long enough")
    ingest_file(str(FIXTURES / "fides_requests.csv"), other)
    assert not {r[6] for r in table(other, "dsr_events")} & set(refs.values())


def test_without_a_key_in_the_environment_a_key_file_is_made_beside_the_store_readable_only_by_its_owner(tmp_path,
                                                                                                      monkeypatch):
    monkeypatch.delenv("AUDIT_PSEUDONYM_KEY")
    db = tmp_path / "store" / "audit.duckdb"
    db.parent.mkdir()
    ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    key_file = db.parent / "pseudonym.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = sorted(r[6] for r in table(db, "dsr_events") if r[6])
    again = tmp_path / "store" / "again.duckdb"
    ingest_file(str(FIXTURES / "fides_requests.csv"), again)
    assert sorted(r[6] for r in table(again, "dsr_events") if r[6]) == first, "the same key file, the same names"
    assert key_file.read_text().strip() not in db.read_bytes().decode("latin-1")


@pytest.mark.parametrize("bad_key", ["short", "x" * 15])
def test_a_guessable_key_is_refused(db, monkeypatch, bad_key):
    monkeypatch.setenv("AUDIT_PSEUDONYM_KEY", bad_key)
    result = ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    assert result.exit_code == 2 and "shorter than 16" in result.refused
    assert snapshot(db).get("dsr_events", (0, None))[0] == 0


def test_loading_an_export_again_or_a_later_export_adds_only_what_is_new(tmp_path, db):
    first = ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    again = ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    assert (first.accepted, again.accepted, again.duplicate, again.rejected) == (13, 0, 13, 0)
    # a week later: pri_004 is complete, pri_010 is new; everything else as before
    later = tmp_path / "privacy_requests_download_2026-07-07.csv"
    text = (FIXTURES / "fides_requests.csv").read_text()
    text = text.replace("in_processing,access,2026-05-04 07:00:00+00:00,2026-06-03 07:00:00+00:00,,pri_004,,,"
                        "2026-05-05 07:00:00+00:00,,",
                        "complete,access,2026-05-04 07:00:00+00:00,2026-06-03 07:00:00+00:00,,pri_004,,,"
                        "2026-07-01 07:00:00+00:00,2026-07-01 07:00:00+00:00,")
    assert "pri_004" in text and "complete,access,2026-05-04" in text
    text += "pending,erasure,2026-07-06 09:00:00+00:00,,,pri_010,,,2026-07-06 09:00:00+00:00,,frida@example.se,,\n"
    later.write_text(text)
    result = ingest_file(str(later), db)
    assert (result.accepted, result.rejected) == (2, 0), result
    added = sorted(r[0] for r in table(db, "dsr_events") if r[-1] == result.run_id)
    assert added == ["fides:pri_004:completed", "fides:pri_010:received"]


def test_an_overlapping_consent_export_adds_only_the_new_decisions(tmp_path, db):
    ingest_file(str(FIXTURES / "usercentrics_consent.csv"), db)
    lines = (FIXTURES / "usercentrics_consent.csv").read_text().splitlines()
    later = tmp_path / "history.csv"
    later.write_text("\n".join(lines[:1] + lines[5:] + [
        '"c0ffee04","2026-06-04T08:00:00Z","cfg-se","8","CMP_SHOWN","HkocEodjb7","2.1.0","false",""']) + "\n")
    result = ingest_file(str(later), db)
    assert (result.accepted, result.duplicate, result.rejected) == (1, 4, 0), result


def test_the_category_mapping_is_the_users_when_named(tmp_path, db, monkeypatch):
    """With Google Analytics mapped to 'ignore', the second-layer save (Hotjar yes) allows analytics."""
    mapping = tmp_path / "mine.csv"
    mapping.write_text("tool,key,category\nany,HkocEodjb7,analytics\nusercentrics,HkocEodjb7,ignore\n"
                       "any,hotjar,analytics\n")  # the tool's own line wins over the line for any tool
    monkeypatch.setenv("AUDIT_CONSENT_CATEGORIES", str(mapping))
    ingest_file(str(FIXTURES / "usercentrics_consent.csv"), db)
    custom = [r for r in table(db, "consent_events") if r[3] == "custom"]
    assert [(r[4], r[5]) for r in custom] == [(False, True)]


@pytest.mark.parametrize("content", ["tool,key\nany,hotjar\n", "tool,key,category\nany,hotjar,statistics\n",
                                     "tool,key,category\nany,,analytics\n"])
def test_a_broken_category_mapping_refuses_the_file(tmp_path, db, monkeypatch, content):
    mapping = tmp_path / "mine.csv"
    mapping.write_text(content)
    monkeypatch.setenv("AUDIT_CONSENT_CATEGORIES", str(mapping))
    result = ingest_file(str(FIXTURES / "usercentrics_consent.csv"), db)
    assert result.exit_code == 2 and "mapping" in result.refused


def test_the_import_report_is_recorded_and_on_the_data_quality_query(tmp_path, db):
    from dashboard import sql, store

    result = ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    report = result.report
    assert report.records_read == 9 and report.rows_produced == {"dsr_events": 13}
    assert sum(report.skipped.values()) == 2 and any("duplicate" in k for k in report.skipped)
    assert any("later deadline in Fides" in n and n.startswith("Fides") for n in report.notes)
    assert "1 request(s) had a later deadline" in " ".join(report.notes), "pri_002: Fides said 30 April, law 2 April"
    ingest_file(str(tmp_path / "missing.csv"), db)
    with store.read_only(db) as con:
        rows = sql.run(con, "dq_imports", per_format=3).to_dicts()
    assert [(r["format"], r["records_read"], r["rows_accepted"], r["records_skipped"]) for r in rows] == [
        ("fides-requests", 9, 13, 2)]
    assert "duplicate" in rows[0]["skipped_why"] and "Deadline" in rows[0]["notes"]


# ------------------------------------------------------------------------------------------------- bad input

BAD_DATE = {  # format: (fixture, the text to replace, its replacement: a date that does not parse), row, field
    "fides-requests": ("fides_requests.csv", "2026-05-04 07:00:00+00:00,2026-06-03", "2026-05-32 07:00:00+00:00,"
                       "2026-06-03", 4, "Time Received"),
    "transcend-requests": ("transcend_requests.csv", "2026-06-20T09:00:00.000Z", "20/06/2026 09:00", 2,
                           "Created At"),
    "onetrust-requests": ("onetrust_requests.json", '"dateCreated": "2026-04-10T09:00:00.000Z"',
                          '"dateCreated": "yesterday"', 2, "dateCreated"),
    "usercentrics-consent": ("usercentrics_consent.csv", '"2026-06-02 11:00:00"', '"2026-13-02 11:00:00"', 5,
                             "Timestamp"),
    "onetrust-receipts": ("onetrust_receipts.jsonl", '"interactionDate": "2026-06-02T09:00:00Z"',
                          '"interactionDate": "2026-06-02T25:00:00Z"', 2, "interactionDate"),
    "didomi-events": ("didomi_2026-06-01.ndjson", '"created_at": "2026-06-01T09:00:00.000Z"',
                      '"created_at": "1 June"', 2, "created_at"),
    "klaro": ("klaro_consents.jsonl", '"created_at": "2026-06-06T08:00:00Z"', '"created_at": "2026-06-06 8am"', 3,
              "created_at"),
    "cookieconsent": ("cookieconsent_preferences.jsonl", '"consentTimestamp": "2026-06-07T11:00:00.000Z"',
                      '"consentTimestamp": "not a time"', 2, "consentTimestamp"),
    "har": ("scan_www.example.se.har", '"startedDateTime": "2026-06-10T08:00:00.100Z"',
            '"startedDateTime": "2026-06-10T08:00:00.100Zulu"', 2, "startedDateTime"),
}


def mutated(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (FIXTURES / name).read_text()
    assert text.count(old) == 1, (name, old)
    path = tmp_path / name
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("fmt", BAD_DATE)
def test_a_date_that_does_not_parse_rejects_its_row_naming_row_and_field_and_the_rest_lands(tmp_path, db, fmt):
    name, old, new, row, source_field = BAD_DATE[fmt]
    good = ingest_file(str(FIXTURES / name), tmp_path / "good.duckdb")
    result = ingest_file(str(mutated(tmp_path, name, old, new)), db)
    assert result.format == fmt and result.exit_code == 1, result
    assert result.rejected >= 1 and result.accepted == good.accepted - result.rejected
    first = result.rejections[0]
    assert first.row == row and first.column in ("occurred_at", "observed_at"), first
    assert source_field in first.reason and "not" in first.reason, first.reason
    stored = con_rows(db, "select row_number, reason from rejected_rows")
    assert stored and stored[0][0] == row


def con_rows(db: Path, query: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(query).fetchall()
    finally:
        con.close()


UNKNOWN_VALUE = {  # format: fixture, text, replacement (a status, action or type the tool does not have), row
    "fides-requests": ("fides_requests.csv", "canceled,update", "cancelled,update", 7, "Status"),
    "transcend-requests": ("transcend_requests.csv", ",RECTIFICATION,", ",RECTIFY,", 5, "Request Type"),
    "onetrust-requests": ("onetrust_requests.json", '"resolution": "Completed", "slaExceeded": false, '
                          '"testRequest": false},\n  {"requestQueueRefId": "DSR-1002"',
                          '"resolution": "Escalated", "slaExceeded": false, "testRequest": false},\n  '
                          '{"requestQueueRefId": "DSR-1002"', 1, "resolution"),
    "usercentrics-consent": ("usercentrics_consent.csv", '"DENY_ALL_L1","HkocEodjb7"', '"DENY_SOME","HkocEodjb7"',
                             6, "Consent Action"),
    "onetrust-receipts": ("onetrust_receipts.jsonl", '"TransactionType": "NO_CHOICE"', '"TransactionType": "MAYBE"',
                          4, "TransactionType"),
    "didomi-events": ("didomi_2026-06-01.ndjson", '"preferences.click.disagreetoall"', '"preferences.click.maybe"',
                      2, "action"),
    "klaro": ("klaro_consents.jsonl", '"type": "decline"', '"type": "ignore"', 4, "consent_data.type"),
    "cookieconsent": ("cookieconsent_preferences.jsonl", '"acceptType": "necessary"', '"acceptType": "some"', 2,
                      "acceptType"),
}


@pytest.mark.parametrize("fmt", UNKNOWN_VALUE)
def test_an_unknown_status_or_action_rejects_its_row_with_the_value_and_field(tmp_path, db, fmt):
    name, old, new, row, source_field = UNKNOWN_VALUE[fmt]
    result = ingest_file(str(mutated(tmp_path, name, old, new)), db)
    assert result.format == fmt and result.exit_code == 1, result
    first = result.rejections[0]
    assert first.row == row, result.rejections
    assert "unknown" in first.reason, first.reason
    assert source_field in first.reason, first.reason
    assert result.accepted > 0, "the other rows land"


WRONG_HEADER = {
    "fides-requests": ("fides_requests.csv", "Request ID,", "Request Ref,"),
    "transcend-requests": ("transcend_requests.csv", "Created At,", "Created,"),
    "usercentrics-consent": ("usercentrics_consent.csv", '"Consent Action"', '"Action"'),
}


@pytest.mark.parametrize("fmt", WRONG_HEADER)
def test_a_wrong_header_refuses_the_file_whole_saying_what_differs(tmp_path, db, fmt):
    name, old, new = WRONG_HEADER[fmt]
    ingest_file(str(FIXTURES / "klaro_consents.jsonl"), db)
    before = snapshot(db)
    path = mutated(tmp_path, name, old, new)
    result = ingest_file(str(path), db)
    assert result.exit_code == 2 and f"close to {fmt}: missing '{old.strip(',').strip(chr(34))}'" in result.refused
    assert "--format" in result.refused and "klaro" in result.refused, "the list of formats"
    forced = ingest_file(str(path), db, format_name=fmt)
    assert forced.exit_code == 2 and "missing column" in forced.refused, forced
    assert snapshot(db) == before and len(refusals(db)) == 2


@pytest.mark.parametrize("name", ["onetrust_requests.json", "scan_www.example.se.har", "onetrust_receipts.jsonl",
                                  "klaro_consents.jsonl", "cookieconsent_preferences.jsonl",
                                  "didomi_2026-06-01.ndjson"])
@pytest.mark.parametrize("part", [1 / 2, 0.98])
def test_truncated_json_refuses_the_file_whole(tmp_path, db, name, part):
    ingest_file(str(FIXTURES / "fides_requests.csv"), db)
    before = snapshot(db)
    path = tmp_path / name
    data = (FIXTURES / name).read_bytes()
    cut = int(len(data) * part)
    cut -= data[cut - 1:cut] == b"\n"  # inside a record, never just after one
    path.write_bytes(data[:cut])
    result = ingest_file(str(path), db)
    assert result.exit_code == 2 and "pars" in result.refused, result
    assert snapshot(db) == before


def test_forcing_a_format_on_the_wrong_file_refuses_it(db):
    result = ingest_file(str(FIXTURES / "klaro_consents.jsonl"), db, format_name="fides-requests")
    assert result.exit_code == 2 and "not a fides-requests file" in result.refused
    wrong_log = ingest_file(str(FIXTURES / "fides_requests.csv"), db, log_name="transfers")
    assert wrong_log.exit_code == 2 and "feeds dsr_events" in wrong_log.refused
    unknown = ingest_file(str(FIXTURES / "fides_requests.csv"), db, format_name="fidesx")
    assert unknown.exit_code == 2 and "not a format" in unknown.refused


CELL = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=CELL, types=CELL, received=CELL, identity=st.emails() | CELL)
def test_any_cells_in_a_fides_export_never_crash_and_never_store_an_identity(tmp_path_factory, status, types,
                                                                              received, identity):
    import csv
    import io

    folder = tmp_path_factory.mktemp("fides")
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["Status", "Request Type", "Time Received", "Deadline", "Reviewed By", "Request ID",
              "Time Approved/Denied", "Denial Reason", "Last Updated", "Completed On", "email"]
    writer.writerow(header)
    writer.writerow([status, types, received, "", "", "pri_x", "", "", received, received, identity])
    writer.writerow(["complete", "access", "2026-03-02 09:15:00+00:00", "", "", "pri_y", "", "",
                     "2026-03-05 09:15:00+00:00", "2026-03-05 09:15:00+00:00", "ok@example.se"])
    path = folder / "export.csv"
    path.write_text(out.getvalue())
    db = folder / "audit.duckdb"
    result = ingest_file(str(path), db)
    assert result.exit_code in (0, 1), result.refused
    assert result.accepted + result.rejected + result.duplicate == result.rows_read
    assert result.accepted >= 2, "the good request lands whatever the other row holds"
    data = db.read_bytes() + b"".join(p.read_bytes() for p in folder.glob("audit.duckdb.wal"))
    assert b"ok@example.se" not in data
    if "@" in identity and len(identity) >= 8:  # long enough that it cannot turn up by chance in a binary file
        assert identity.strip().lower().encode() not in data.lower(), "an e-mail address reached the store"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(record=st.recursive(st.none() | st.booleans() | st.integers() | CELL,
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CELL, inner, max_size=3),
                           max_leaves=12),
       fmt=st.sampled_from(["didomi-events", "klaro", "cookieconsent", "onetrust-receipts"]))
def test_any_json_record_in_a_consent_export_is_refused_or_rejected_never_a_crash(tmp_path_factory, record, fmt):
    folder = tmp_path_factory.mktemp("json")
    good = FIXTURES / {"didomi-events": "didomi_2026-06-01.ndjson", "klaro": "klaro_consents.jsonl",
                       "cookieconsent": "cookieconsent_preferences.jsonl",
                       "onetrust-receipts": "onetrust_receipts.jsonl"}[fmt]
    path = folder / "export.jsonl"
    path.write_text(good.read_text() + json.dumps(record) + "\n")
    db = folder / "audit.duckdb"
    assert ingest_file(str(good), db).exit_code == 0
    before = snapshot(db)
    result = ingest_file(str(path), db, format_name=fmt)
    if result.refused:
        assert result.exit_code == 2 and snapshot(db) == before
    else:
        assert result.duplicate >= 1 and result.accepted + result.rejected + result.duplicate == result.rows_read


# ------------------------------------------------------------------------------------------------- the command line

def test_the_command_line_loads_a_didomi_folder_and_prints_the_mapping_report(tmp_path):
    folder = didomi_folder(tmp_path)
    db = tmp_path / "audit.duckdb"
    env = {**os.environ, "AUDIT_PSEUDONYM_KEY": "a test key that is long enough"}
    run = subprocess.run([sys.executable, "-m", "dashboard", "ingest", "--quiet", "--db", str(db), str(folder)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "didomi-events: 4 records read -> 7 consent_events rows" in run.stdout
    assert "7 stored" in run.stdout
    bad = tmp_path / "notes.csv"
    bad.write_text("when,what\n2026-01-01,x\n")
    run = subprocess.run([sys.executable, "-m", "dashboard", "ingest", "--quiet", "--db", str(db), str(bad)],
                         capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert run.returncode == 2 and "no known format" in run.stderr and "usercentrics-consent" in run.stderr
    forced = subprocess.run([sys.executable, "-m", "dashboard", "ingest", "--quiet", "--format", "har", "--db",
                             str(db), str(FIXTURES / "scan_www.example.se.har")],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert forced.returncode == 0 and "har: 4 records read" in forced.stdout, forced.stderr
    shutil.rmtree(folder)


# ------------------------------------------------------------------------------------------------- the pages

@pytest.fixture(scope="module")
def imported_store(tmp_path_factory) -> Path:
    """Every fixture imported into one store, as a company on its first day would load its tools' exports."""
    folder = tmp_path_factory.mktemp("imported")
    db = folder / "audit.duckdb"
    os.environ.setdefault("AUDIT_PSEUDONYM_KEY", "a test key that is long enough")
    for name in ["fides_requests.csv", "transcend_requests.csv", "onetrust_requests.json", "usercentrics_consent.csv",
                 "onetrust_receipts.jsonl", "didomi-folder", "klaro_consents.jsonl",
                 "cookieconsent_preferences.jsonl", "scan_www.example.se.har"]:
        assert ingest_file(str(fixture(name, folder)), db).exit_code == 0, name
    return db


@pytest.mark.parametrize("page", ["app_pages/overview.py", "app_pages/requests.py", "app_pages/consent.py",
                                  "app_pages/data_quality.py"])
def test_every_page_runs_on_a_store_loaded_only_from_tools_exports(imported_store, monkeypatch, page):
    """No device, no browser, pseudonyms from HMACs, several tools' ids side by side: the pages still work."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("AUDIT_DB", str(imported_store))
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params.update({"from": "2026-03-01", "to": "2026-06-30", "as_of": "2026-06-30"})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    if page.endswith("data_quality.py"):
        assert "Imports from your tools" in [h.value for h in at.subheader]
        shown = [df.value for df in at.dataframe]
        formats = next(set(df["format"]) for df in shown if "records_skipped" in df.columns)
        assert formats >= {"fides-requests", "transcend-requests", "onetrust-requests", "usercentrics-consent",
                           "onetrust-receipts", "didomi-events", "klaro", "cookieconsent", "har"}


@pytest.mark.parametrize("name, fmt", [("scan_www.example.se.har", "har"),
                                       ("onetrust_requests.json", "onetrust-requests")])
def test_a_json_document_on_one_line_is_still_that_document(tmp_path, db, name, fmt):
    """Minified, a HAR file or a OneTrust list is one line: not to be taken for JSON Lines."""
    path = tmp_path / name
    path.write_text(json.dumps(json.loads((FIXTURES / name).read_text())))
    result = ingest_file(str(path), db)
    assert (result.format, result.exit_code) == (fmt, 0), result


@pytest.mark.parametrize("record", [{"visitor": "v1", "choice": "yes"}, {"consentid": "x", "accepttype": "all"},
                                    {"log": "not a HAR"}])
def test_json_in_no_known_format_is_refused_with_the_formats(tmp_path, db, record):
    path = tmp_path / "export.jsonl"
    path.write_text(json.dumps(record) + "\n")
    result = ingest_file(str(path), db)
    assert result.exit_code == 2 and "no known format" in result.refused and "cookieconsent" in result.refused, \
        result.refused


@pytest.mark.parametrize("fmt, name, old, new, row", [
    ("fides-requests", "fides_requests.csv", "canceled,update,", "canceled,,", 7),
    ("onetrust-requests", "onetrust_requests.json", '"requestTypes": ["Delete My Data"], ', "", 2),
    ("didomi-events", "didomi_2026-06-01.ndjson",
     '"events": [{"action": "preference.shown"}, {"action": "preferences.click.disagreetoall"}, '
     '{"action": "consent.refused", "purpose": "measure_content_performance", "value": false}]', '"events": "none"', 2),
])
def test_a_record_with_nothing_to_read_is_rejected_never_dropped(tmp_path, db, fmt, name, old, new, row):
    result = ingest_file(str(mutated(tmp_path, name, old, new)), db, format_name=fmt)
    assert result.exit_code == 1, result
    assert [(r.row, "nothing in this record" in r.reason) for r in result.rejections] == [(row, True)]
