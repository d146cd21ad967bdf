"""Settings read from the environment, with the defaults the README documents."""

from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

DEFAULT_DB = "data/audit.duckdb"
# When the one-month clock starts (docs/sla.md): at receipt; at receipt with the days spent waiting for the subject's
# identification suspended (EDPB Guidelines 01/2022 para. 159); or at verification (the UK model).
CLOCK_MODES = ("received", "suspended", "identity_verified")
# Which days are holidays (docs/sla.md): the strict reading (the Official Journal list for Regulation 1182/71) is the
# default; adding de_facto (the three eves) is the Swedish-statute reading, Lag (1930:173) 2 §.
STRICT_READING = ("public",)
STATUTE_READING = ("public", "de_facto")


class SettingsError(ValueError):
    """A setting in the environment that cannot be used; the message names it and what it accepts."""


@dataclass(frozen=True)
class Settings:
    db_path: str
    timezone: str
    holiday_country: str
    holiday_categories: tuple[str, ...]
    at_risk_working_days: int
    clock_start: str  # CLOCK_MODES
    ask_within_days: int  # suspended mode: working days from receipt within which identification must be asked
    internal_target_days: int | None  # working days from receipt, for every type without its own
    internal_targets: tuple[tuple[str, int], ...]  # (request type, working days)
    data_grace_days: int  # days a log's last event may lie before the as-of date before its area reads "data ends"


def whole_number(text: str) -> int | None:
    """text as a whole number when it is written in ASCII digits (a leading minus allowed, so that a negative one is
    named as out of range), else None: the one reading of a number a person typed (a setting, a targets file, a
    page number in a link). int() alone also reads '٣' (Arabic-Indic), full-width digits, '+2' and '1_000', and
    str.isdigit() lets '²' through, which int() refuses (docs/security.md)."""
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else None


def _int(name: str, default: str | None, low: int, high: int) -> int | None:
    raw = os.environ.get(name, default)
    if raw is None or raw.strip() == "":
        return None
    value = whole_number(raw.strip())
    if value is None:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw[:40]!r}")
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {value}")
    return value


def _internal_targets() -> tuple[tuple[str, int], ...]:
    """(request type, working days) from the CSV that AUDIT_INTERNAL_TARGETS names (columns request_type,
    working_days)."""
    path = os.environ.get("AUDIT_INTERNAL_TARGETS", "").strip()
    if not path:
        return ()
    try:
        return _read_targets(path, os.stat(path).st_mtime_ns)
    except OSError as e:
        raise SettingsError(f"AUDIT_INTERNAL_TARGETS: cannot read {path}: {e.strerror}") from None


@functools.cache
def _read_targets(path: str, _mtime: int) -> tuple[tuple[str, int], ...]:
    from dashboard.contract import REQUEST_TYPES

    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for n, row in enumerate(rows, start=2):
        kind, days = (row.get("request_type") or "").strip(), (row.get("working_days") or "").strip()
        if kind not in REQUEST_TYPES:
            raise SettingsError(f"AUDIT_INTERNAL_TARGETS {path} row {n}: request_type must be one of "
                                f"{', '.join(REQUEST_TYPES)}, not {kind[:40]!r}")
        value = whole_number(days)
        if value is None or not 1 <= value <= 60:
            raise SettingsError(f"AUDIT_INTERNAL_TARGETS {path} row {n}: working_days must be a whole number "
                                f"from 1 to 60, not {days[:40]!r}")
        out[kind] = value
    return tuple(out.items())


def today() -> date:
    """Today in the dashboard's time zone (AUDIT_TZ). The logs' days are local days there, and so are the default
    as-of date and the access log's last day; the machine's own date can be a day behind or ahead (at 23:30 UTC it is
    already tomorrow in Stockholm)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(settings().timezone)).date()


def settings() -> Settings:
    clock = os.environ.get("AUDIT_CLOCK_START", "received")
    if clock not in CLOCK_MODES:
        raise SettingsError(f"AUDIT_CLOCK_START must be one of {', '.join(CLOCK_MODES)}, not {clock[:40]!r}")
    return Settings(
        db_path=os.environ.get("AUDIT_DB", DEFAULT_DB),
        timezone=os.environ.get("AUDIT_TZ", "Europe/Stockholm"),
        holiday_country=os.environ.get("AUDIT_HOLIDAY_COUNTRY", "SE"),
        holiday_categories=tuple(
            c.strip() for c in os.environ.get("AUDIT_HOLIDAY_CATEGORIES", "public").split(",") if c.strip()
        ),
        at_risk_working_days=_int("AUDIT_AT_RISK_DAYS", "5", 0, 60),
        clock_start=clock,
        ask_within_days=_int("AUDIT_ASK_ID_WITHIN_DAYS", "3", 0, 30),
        internal_target_days=_int("AUDIT_INTERNAL_TARGET_DAYS", None, 1, 60),
        internal_targets=_internal_targets(),
        data_grace_days=_int("AUDIT_DATA_GRACE_DAYS", "0", 0, 31),
    )


def holiday_reading(categories: tuple[str, ...]) -> str:
    """The name of the reading a set of holiday categories is, as the pages and the report state it."""
    from dashboard.i18n import _

    if "de_facto" in categories:
        return _("Swedish-statute reading (midsummer, Christmas and New Year's eves count as holidays)")
    return _("strict reading (the public holidays of the Official Journal list; the eves are working days)")



def db_path(override: str | None = None) -> Path:
    return Path(override or settings().db_path)
