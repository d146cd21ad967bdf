"""Legal holds: states as of a day, overdue releases, the 90-day window, retention ceilings, planted cases."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from dashboard import holds, sql
from dashboard.ingest import ingest_file
from tests.helpers import write

TZ = "Europe/Stockholm"


def run(db, name, as_of, **extra):
    con = duckdb.connect(str(db), read_only=True)
    try:
        params = {**holds.params(as_of, TZ), **extra}
        return sql.run(con, name, **{k: v for k, v in params.items() if k in sql.parameters(name)})
    finally:
        con.close()


def placed(hold, day, basis="consumer_law", retain="2029-01-01", records=5, request="R1", category="contract"):
    return {"event_id": f"{hold}-p", "hold_id": hold, "occurred_at": f"{day}T10:00:00+01:00", "event": "placed",
            "request_id": request, "subject_ref": "S-1", "data_category": category, "legal_basis": basis,
            "record_count": str(records), "retain_until": retain}


def released(hold, day):
    return {"event_id": f"{hold}-r", "hold_id": hold, "occurred_at": f"{day}T10:00:00+01:00", "event": "released",
            "request_id": "", "subject_ref": "", "data_category": "", "legal_basis": "", "record_count": "",
            "retain_until": ""}


def test_states_overdue_and_the_ninety_day_window(tmp_path, db):
    events = [
        placed("active", "2026-01-10", retain="2027-06-30", records=4),
        placed("overdue", "2025-01-10", retain="2026-02-28", records=7),
        placed("released-late", "2025-01-10", retain="2026-02-01"), released("released-late", "2026-03-10"),
        placed("due-today", "2026-01-10", retain="2026-03-01", records=2),
        placed("due-day-89", "2026-01-10", retain="2026-05-29", records=3),
        placed("due-day-90", "2026-01-10", retain="2026-05-30", records=1),
        placed("future", "2026-06-01", retain="2026-09-01"),
    ]
    assert ingest_file(str(write(tmp_path / "hold_events.csv", events)), db).exit_code == 0
    summary = run(db, "rpt_hold_summary", date(2026, 3, 1)).row(0, named=True)
    assert summary == {"active": 6, "blocked_records": 4 + 7 + 5 + 2 + 3 + 1, "overdue": 2,
                       "release_due_90d": 2, "kept_too_long": 0, "released": 0, "out_of_order": 0}
    overdue = run(db, "rpt_hold_overdue", date(2026, 3, 1))
    assert overdue["hold_id"].to_list() == ["released-late", "overdue"], "oldest first, as of 1 March"
    assert overdue["days_overdue"].to_list() == [28, 1]
    later = run(db, "rpt_hold_summary", date(2026, 3, 10)).row(0, named=True)
    assert later["released"] == 1 and later["overdue"] == 2, "released-late is released; due-today now overdue"


def test_retention_ceilings_per_basis(tmp_path, db):
    events = [
        placed("bk-ok", "2026-02-01", basis="bookkeeping_act", retain="2033-12-31", category="bookkeeping"),
        placed("bk-long", "2026-02-01", basis="bookkeeping_act", retain="2034-01-01", category="bookkeeping"),
        placed("tax-ok", "2026-02-01", basis="tax_procedure_act", retain="2033-12-31", category="bookkeeping"),
        placed("aml-ok", "2026-02-01", basis="aml_act", retain="2036-02-01", category="aml_kyc"),
        placed("aml-long", "2026-02-01", basis="aml_act", retain="2036-02-02", category="aml_kyc"),
        placed("consumer-ok", "2026-02-01", basis="consumer_law", retain="2029-02-01"),
        placed("consumer-long", "2026-02-01", basis="consumer_law", retain="2029-02-02"),
        placed("other", "2026-02-01", basis="other", retain="2099-01-01", category="credit"),
    ]
    ingest_file(str(write(tmp_path / "hold_events.csv", events)), db)
    too_long = run(db, "rpt_hold_too_long", date(2026, 3, 1))
    assert sorted(too_long["hold_id"]) == ["aml-long", "bk-long", "consumer-long"]
    assert dict(zip(too_long["hold_id"], too_long["days_too_long"])) == {"aml-long": 1, "bk-long": 1,
                                                                         "consumer-long": 1}


def test_per_request_and_the_period(tmp_path, db):
    events = [placed("a", "2026-02-01", request="R1", records=3), placed("b", "2026-02-02", request="R1", records=4),
              released("a", "2026-02-20"), placed("c", "2026-04-01", request="R2")]
    ingest_file(str(write(tmp_path / "hold_events.csv", events)), db)
    rows = run(db, "rpt_hold_by_request", date(2026, 3, 1), date_from=date(2026, 1, 1), date_to=date(2026, 3, 1),
               limit=None, offset=0)
    assert rows.to_dicts() == [{"request_id": "R1", "placed_day": date(2026, 2, 1), "holds": 2, "records": 7,
                                "holds_released": 1, "records_still_blocked": 4, "last_release": date(2026, 2, 20),
                                "total_rows": 1}]


@pytest.mark.parametrize("size", [1, 7, 100])
def test_the_per_request_list_is_paged_on_the_server_without_repeating_or_skipping(sample_store, size):
    every = run(sample_store, "rpt_hold_by_request", date(2026, 11, 24), date_from=date(2025, 11, 25),
                date_to=date(2026, 11, 24), limit=None, offset=0)
    assert every.height > 7 and set(every["total_rows"]) == {every.height}
    pages = [run(sample_store, "rpt_hold_by_request", date(2026, 11, 24), date_from=date(2025, 11, 25),
                 date_to=date(2026, 11, 24), limit=size, offset=start) for start in range(0, every.height + size, size)]
    assert all(p.height <= size for p in pages) and pages[-1].is_empty()
    assert pl.concat(pages).equals(every), "the pages, one after another, are the whole list in its order"


def test_the_planted_holds_are_found(sample_store, manifest):
    as_of = date.fromisoformat(manifest["as_of"])
    planted = manifest["planted"]["holds"]
    overdue = run(sample_store, "rpt_hold_overdue", as_of)
    assert sorted(overdue["hold_id"]) == sorted(h["hold_id"] for h in planted["overdue_holds"])
    too_long = run(sample_store, "rpt_hold_too_long", as_of)
    assert too_long["hold_id"].to_list() == [h["hold_id"] for h in planted["kept_too_long"]]
