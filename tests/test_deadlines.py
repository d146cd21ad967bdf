"""Statutory deadlines: worked vectors, properties, and the SQL rule held to the Python reference."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from dashboard.config import STATUTE_READING
from dashboard.deadlines import WorkingCalendar, add_months

CAL = WorkingCalendar()  # the default: the strict reading
STATUTE = WorkingCalendar(categories=STATUTE_READING)  # the Swedish-statute reading

# received, one-month deadline, three-month deadline, why (the same under both readings)
VECTORS = [
    ("2026-01-31", "2026-03-02", "2026-04-30", "no 31 Feb; 28 Feb is a Saturday"),
    ("2024-01-31", "2024-02-29", "2024-04-30", "leap year"),
    ("2023-01-31", "2023-02-28", "2023-05-02", "not a leap year; 30 Apr 2023 Sunday, 1 May holiday"),
    ("2026-12-06", "2027-01-07", "2027-03-08", "Epiphany; 6 Mar 2027 Saturday"),
    ("2026-03-03", "2026-04-07", "2026-06-03", "Good Friday 3 Apr, Easter 5-6 Apr"),
    ("2025-03-18", "2025-04-22", "2025-06-18", "Good Friday 18 Apr 2025, Easter Monday 21 Apr"),
    ("2026-03-06", "2026-04-07", "2026-06-08", "Easter Monday 6 Apr 2026; 6 Jun 2026 National Day, a Saturday"),
    ("2026-04-14", "2026-05-15", "2026-07-14", "Ascension Day 14 May 2026 (Easter 5 Apr + 39 days)"),
    ("2025-04-29", "2025-05-30", "2025-07-29", "Ascension Day 29 May 2025"),
    ("2026-04-24", "2026-05-25", "2026-07-24", "Whitsunday 24 May 2026 (a Sunday)"),
    ("2027-05-06", "2027-06-07", "2027-08-06", "6 Jun 2027 is a Sunday and National Day"),
    ("2025-05-06", "2025-06-09", "2025-08-06", "National Day Friday 6 Jun 2025, weekend"),
    ("2026-10-31", "2026-11-30", "2027-02-01", "no 31 Nov: 30 Nov 2026 (Monday); 31 Jan 2027 Sunday"),
    ("2026-09-30", "2026-10-30", "2026-12-30", "plain Friday"),
    ("2025-10-01", "2025-11-03", "2026-01-02", "1 Nov 2025 All Saints' Day (Saturday); 1 Jan New Year"),
    ("2026-10-02", "2026-11-02", "2027-01-04", "2 Nov Monday; 2 Jan 2027 Saturday"),
    ("2025-11-30", "2025-12-30", "2026-03-02", "28 Feb 2026 Saturday"),
    ("2025-11-30", "2025-12-30", "2026-03-02", "end of month"),
    ("2025-12-01", "2026-01-02", "2026-03-02", "New Year's Day 1 Jan 2026"),
    ("2025-12-31", "2026-02-02", "2026-03-31", "31 Jan 2026 Saturday"),
    ("2026-12-31", "2027-02-01", "2027-03-31", "31 Jan 2027 Sunday"),
    ("2027-11-30", "2027-12-30", "2028-02-29", "three months into a leap February"),
]


# Where the readings differ: received, one month strict, one month Swedish-statute, three months (both), why
# (../shared/reference/README.md §1, worked examples)
EVES = [
    ("2026-11-24", "2026-12-24", "2026-12-28", "2027-02-24", "Christmas eve; then Christmas, Boxing Day, Sunday"),
    ("2026-05-19", "2026-06-19", "2026-06-22", "2026-08-19", "midsummer eve; then Midsummer Day, Sunday"),
    ("2025-05-20", "2025-06-20", "2025-06-23", "2025-08-20", "midsummer eve 20 Jun 2025"),
    ("2025-11-24", "2025-12-24", "2025-12-29", "2026-02-24", "Christmas eve 2025 (a Wednesday)"),
    ("2027-11-30", "2027-12-30", "2027-12-30", "2028-02-29", "an eve that is not the last day changes nothing"),
    ("2026-11-30", "2026-12-30", "2026-12-30", "2027-03-01", "30 Dec is a working day under both"),
    ("2025-11-28", "2025-12-29", "2025-12-29", "2026-03-02", "28 Dec 2025 a Sunday"),
    ("2026-09-24", "2026-10-26", "2026-10-26", "2026-12-24", "three months end on Christmas eve: strict"),
]


@pytest.mark.parametrize(("received", "one", "three", "why"), VECTORS, ids=[v[0] + " " + v[3][:30] for v in VECTORS])
def test_deadline_vectors(received, one, three, why):
    day = date.fromisoformat(received)
    for cal in (CAL, STATUTE):
        assert cal.deadline(day).isoformat() == one, why
        assert cal.deadline(day, 3).isoformat() == three, why


@pytest.mark.parametrize(("received", "strict", "statute", "three", "why"), EVES, ids=[v[0] for v in EVES])
def test_the_two_readings_of_the_eves(received, strict, statute, three, why):
    day = date.fromisoformat(received)
    assert CAL.deadline(day).isoformat() == strict, why
    assert STATUTE.deadline(day).isoformat() == statute, why
    assert CAL.deadline(day, 3).isoformat() == three, why


def test_the_three_month_deadline_on_christmas_eve_moves_only_under_the_statute_reading():
    assert STATUTE.deadline(date(2026, 9, 24), 3) == date(2026, 12, 28)


def test_the_eves_are_working_days_by_default_and_not_under_the_statute_reading():
    for d in ("2026-06-19", "2026-12-24", "2026-12-31"):
        assert CAL.is_working_day(date.fromisoformat(d)), d
        assert not STATUTE.is_working_day(date.fromisoformat(d)), d
    for d in ("2026-06-20", "2026-12-25", "2026-12-26", "2027-01-01", "2027-01-06", "2026-06-06"):
        assert not CAL.is_working_day(date.fromisoformat(d)), d
    assert CAL.is_working_day(date.fromisoformat("2026-05-25")), "Whit Monday is not a holiday since 2005"


@pytest.mark.parametrize(("received", "requested", "verified", "suspended"), [
    ("2026-03-02", "2026-03-03", "2026-03-13", 10),
    ("2026-01-31", "2026-02-02", "2026-02-04", 2),  # month end: 28 Feb + 2 days = 2 Mar
])
def test_a_suspension_moves_the_end_of_the_period_by_its_calendar_days(received, requested, verified, suspended):
    r, q, v = (date.fromisoformat(x) for x in (received, requested, verified))
    assert (v - q).days == suspended
    assert CAL.deadline(r, 1, suspended) == CAL.next_working_day(add_months(r, 1) + timedelta(days=suspended))
    assert CAL.deadline(r, 1, suspended) >= CAL.deadline(r)


def test_working_days_for_an_internal_target():
    assert CAL.add_working_days(date(2026, 12, 22), 3) == date(2026, 12, 28)  # 23, 24 (strict), 28
    assert STATUTE.add_working_days(date(2026, 12, 22), 3) == date(2026, 12, 29)
    assert CAL.add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday -> Monday


def test_the_calendar_is_configurable():
    norway = WorkingCalendar("NO", ("public",))
    assert norway.is_working_day(date(2026, 6, 19)) and not STATUTE.is_working_day(date(2026, 6, 19))
    assert not norway.is_working_day(date(2026, 5, 17)), "17 May"


DAYS = st.dates(min_value=date(2015, 1, 1), max_value=date(2055, 12, 31))


@settings(max_examples=400)
@given(DAYS)
def test_deadline_properties(day):
    one, three = CAL.deadline(day), CAL.deadline(day, 3)
    same_date_next_month = add_months(day, 1)
    assert CAL.is_working_day(one) and CAL.is_working_day(three)
    assert one >= same_date_next_month
    assert (one - same_date_next_month).days <= 5, "at most a long weekend of holidays later"
    assert three >= one
    assert three >= add_months(day, 3)


@given(DAYS)
def test_add_months_is_the_same_date_or_the_month_end(day):
    later = add_months(day, 1)
    assert later.day == day.day or (later + timedelta(days=1)).month != later.month
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == 1
