"""The privacy guard: raw personal numbers and e-mail addresses never land, not even among rejected rows."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, strategies as st

from dashboard.ingest import ingest_file
from dashboard.privacy import identifier_kind
from tests.helpers import rows, write


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


PERSONAL = ["811218-9876", "8112189876", "19811218-9876", "198112189876", "121212+1212", "701063-2391",
            "19701063-2391"]  # the last two: a samordningsnummer (day + 60)
NOT_PERSONAL = ["811218-9875", "8112189877", "19811218-9870", "S-8112189", "12345", "p_811218_9876", "V-000000123"]
EMAILS = ["anna.svensson@example.se", "a@b.co", "first+tag@sub.domain.org"]


@pytest.mark.parametrize("value", PERSONAL)
def test_valid_personal_numbers_are_recognised(value):
    assert identifier_kind(value) == "personal number"


@pytest.mark.parametrize("value", NOT_PERSONAL)
def test_invalid_check_digits_and_pseudonyms_pass(value):
    assert identifier_kind(value) is None


@pytest.mark.parametrize("value", EMAILS)
def test_email_addresses_are_recognised(value):
    assert identifier_kind(value) == "e-mail address"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", "-", "+"]),
       st.sampled_from(["", "19", "20"]))
def test_any_luhn_valid_number_is_caught_and_any_other_check_digit_is_not(nine, sep, century):
    good = luhn_digit(nine)
    value = f"{century}{nine[:6]}{sep}{nine[6:]}{good}"
    assert identifier_kind(value) == "personal number"
    bad = str((int(good) + 1) % 10)
    assert identifier_kind(f"{century}{nine[:6]}{sep}{nine[6:]}{bad}") is None


@pytest.mark.parametrize("raw", [PERSONAL[0], PERSONAL[2], EMAILS[0]])
@pytest.mark.parametrize(("log", "column"), [("dsr_events", "subject_ref"), ("hold_events", "subject_ref"),
                                             ("consent_events", "visitor_ref"),
                                             ("cookie_observations", "visitor_ref")])
def test_a_raw_identifier_is_rejected_and_stored_nowhere(tmp_path, db, log, column, raw):
    path = write(tmp_path / f"{log}.csv", rows(log, {}, {column: raw}))
    result = ingest_file(str(path), db)
    assert (result.accepted, result.rejected) == (1, 1)
    assert result.rejections[0].column == column
    assert raw not in result.rejections[0].reason
    con = duckdb.connect(str(db), read_only=True)
    try:
        for (name,) in con.sql("select table_name from information_schema.tables").fetchall():
            dump = str(con.sql(f"select * from {name}").fetchall())
            assert raw not in dump, f"{raw} found in {name}"
            assert raw.replace("-", "") not in dump
    finally:
        con.close()
