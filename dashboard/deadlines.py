"""Statutory deadlines for data subject requests (GDPR Art. 12(3), counted per Regulation 1182/71 Art. 3).

A period of n months from receipt ends on the same date n months later (the day of receipt itself does not
count); if that month has no such date, on its last day; if that day is not a working day, on the next working
day. Working days follow the configured country's calendar from the `holidays` package, never a Saturday or
Sunday. By default the strict reading: Sweden's public holidays as the Official Journal lists them for Regulation
1182/71 (Lag 1989:253). The Swedish-statute reading (Lag 1930:173 2 §) also moves a last day off midsummer eve,
Christmas eve and New Year's eve (the `de_facto` category). See docs/sla.md.
"""

from __future__ import annotations

import calendar
import functools
from datetime import date, timedelta

import holidays

from dashboard.config import STRICT_READING


def add_months(day: date, months: int) -> date:
    """The same date `months` later, or the last day of that month when it has no such date."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@functools.cache
def _holiday_calendar(country: str, categories: tuple[str, ...]):
    return holidays.country_holidays(country, categories=categories)


class WorkingCalendar:
    """Which days are working days, for one country and set of holiday categories."""

    def __init__(self, country: str = "SE", categories: tuple[str, ...] = STRICT_READING):
        self.country = country
        self.categories = tuple(categories)
        self._holidays = _holiday_calendar(country, self.categories)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def next_working_day(self, day: date) -> date:
        """day itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def deadline(self, start: date, months: int = 1, suspended_days: int = 0) -> date:
        """The last day of a period of `months` from `start`, the clock stopped for `suspended_days` calendar days
        (EDPB Guidelines 01/2022 para. 159): the period's end moves that many days later, then to a working day."""
        return self.next_working_day(add_months(start, months) + timedelta(days=suspended_days))

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (an internal target of n working days from receipt)."""
        day = start
        while n > 0:
            day += timedelta(days=1)
            n -= self.is_working_day(day)
        return day

    def non_working_weekdays(self, first: date, last: date) -> list[date]:
        """Holidays that fall on a weekday between first and last: what SQL needs besides the weekend rule."""
        return sorted(
            d for year in range(first.year, last.year + 1)
            for d in holidays.country_holidays(self.country, categories=self.categories, years=year)
            if first <= d <= last and d.weekday() < 5
        )


def from_settings() -> WorkingCalendar:
    from dashboard.config import settings

    s = settings()
    return WorkingCalendar(s.holiday_country, s.holiday_categories)


HOLIDAY_YEARS = range(2010, 2061)


@functools.cache
def _non_working_weekdays(country: str, categories: tuple[str, ...]) -> tuple[date, ...]:
    cal = WorkingCalendar(country, categories)
    return tuple(cal.non_working_weekdays(date(HOLIDAY_YEARS[0], 1, 1), date(HOLIDAY_YEARS[-1], 12, 31)))


def rules_in_force() -> str:
    """Which reading of the holidays, which clock and which internal target the deadlines use, in words: the
    Requests page and the report state it."""
    from dashboard.config import holiday_reading, settings
    from dashboard.i18n import _, ngettext

    s = settings()
    clock = {"received": _("the month runs from receipt"),
             "suspended": _("the month runs from receipt, suspended while identification asked in time is awaited "
                            "(EDPB Guidelines 01/2022 para. 159)"),
             "identity_verified": _("the month runs from identity verification (UK model)")}[s.clock_start]
    target = ""
    if s.internal_target_days or s.internal_targets:
        target = _("; internal target ") + ", ".join(
            ([ngettext("{days} working day", "{days} working days", s.internal_target_days).format(
                days=s.internal_target_days)] if s.internal_target_days else [])
            + [f"{t}: {d}" for t, d in s.internal_targets])
    return f"{holiday_reading(s.holiday_categories)}; {clock}{target}"


def readings(categories: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(strict, Swedish-statute) holiday categories around the configured ones: without and with de_facto."""
    strict = tuple(c for c in categories if c != "de_facto")
    return strict, (*strict, "de_facto")


def sla_params(as_of: date, at_risk_days: int | None = None) -> dict:
    """The parameters every request query takes: the as-of day, both readings' holidays and the configured options."""
    from dashboard.config import settings

    s = settings()
    strict, statute = readings(s.holiday_categories)
    public = _non_working_weekdays(s.holiday_country, strict)
    return {
        "as_of": as_of,
        "holidays": list(public),
        "eves": sorted(set(_non_working_weekdays(s.holiday_country, statute)) - set(public)),
        "count_eves": "de_facto" in s.holiday_categories,
        "at_risk_days": s.at_risk_working_days if at_risk_days is None else at_risk_days,
        "clock_start": s.clock_start,
        "ask_within_days": s.ask_within_days,
        "internal_default": s.internal_target_days,
        "internal_types": [t for t, _ in s.internal_targets],
        "internal_days": [d for _, d in s.internal_targets],
        "tz": s.timezone,
        "scope_from": None,
        "scope_to": None,
        "only_open": False,
        "open_too": False,
        "only_id": None,
    }


def queue_params(as_of: date, at_risk_days: int | None = None) -> dict:
    """sla_params for the open queue: only requests still open on as_of are computed."""
    return {**sla_params(as_of, at_risk_days), "only_open": True}


def period_params(as_of: date, date_from: date, date_to: date, lookback_days: int = 0) -> dict:
    """sla_params for queries about a period: the requests received from date_from to date_to (and lookback_days
    more before, for rules that look back, such as repeat access requests within a year), and every request open on
    as_of whatever its receipt day (the backlog is a state as of as_of, not a flow of the period)."""
    return {**sla_params(as_of), "date_from": date_from, "date_to": date_to,
            "scope_from": date_from - timedelta(days=lookback_days), "scope_to": date_to, "open_too": True}


def how(d: dict, params: dict) -> str:
    """How a request's deadline was computed, in words in the current language, from its row of rpt_request_detail
    and the parameters it was computed with (sla_params): receipt, identification, extension, the deadline under the
    reading in force and the other, the internal target, and where it stands."""
    from dashboard.i18n import _, day, ngettext
    from dashboard.labels import word

    parts = [_("received {day}").format(day=day(d["received_day"]))]
    if d["requested_day"] is not None:
        asked = day(d["requested_day"])
        if params["clock_start"] == "suspended" and (d["suspended_days"] or 0) > 0:
            answered = (_("answered {day}").format(day=day(d["verified_day"])) if d["verified_day"] is not None
                        else _("not answered yet"))
            parts.append(ngettext("identification asked {asked}, {answered}: clock suspended {days} day (EDPB "
                                  "Guidelines 01/2022 para. 159)",
                                  "identification asked {asked}, {answered}: clock suspended {days} days (EDPB "
                                  "Guidelines 01/2022 para. 159)", d["suspended_days"]).format(
                asked=asked, answered=answered, days=d["suspended_days"]))
        elif d["asked_late"]:
            parts.append(ngettext("identification asked {asked}, more than {days} working day after receipt: nothing "
                                  "suspended", "identification asked {asked}, more than {days} working days after "
                                  "receipt: nothing suspended", params["ask_within_days"]).format(
                asked=asked, days=params["ask_within_days"]))
        else:
            parts.append(_("identification asked {asked}").format(asked=asked))
    if params["clock_start"] == "identity_verified" and d["verified_day"] is not None:
        parts.append(_("month counted from verification {day} (UK model)").format(day=day(d["verified_day"])))
    parts.append(_("one month ends {day}").format(day=day(d["one_month_deadline"])))
    if d["is_extended"]:
        parts.append(_("extended {day} (in time): three months").format(day=day(d["extended_day"])))
    elif d["has_invalid_extension"]:
        parts.append(_("extended {day} (too late: does not count)").format(day=day(d["extended_day"])))
    reading = _("Swedish-statute reading") if params["count_eves"] else _("strict reading")
    parts.append(_("deadline {day} ({reading})").format(day=day(d["deadline"]), reading=reading))
    if d["depends_on_calendar"]:
        other = d["deadline_strict"] if params["count_eves"] else d["deadline_statute"]
        parts.append(_("under the other reading {day}").format(day=day(other)))
    if d["internal_due"] is not None:
        parts.append(_("internal target {day}").format(day=day(d["internal_due"])))
    if d["closed_day"] is not None:
        closed = _("{state} {day}").format(state=word(d["state"]), day=day(d["closed_day"]))
        if d["days_late"] is not None:
            closed += ", " + ngettext("{days} day late", "{days} days late", d["days_late"]).format(days=d["days_late"])
        parts.append(closed)
    elif d["days_late"] is not None:
        parts.append(ngettext("{days} day overdue", "{days} days overdue", d["days_late"]).format(days=d["days_late"]))
    elif d["calendar_days_left"] is not None:
        parts.append(ngettext("{days} day left", "{days} days left", d["calendar_days_left"]).format(
            days=d["calendar_days_left"]))
    return "; ".join(parts)
