"""Settings read from the environment, with the defaults the README documents."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "data/audit.duckdb"


@dataclass(frozen=True)
class Settings:
    db_path: str
    timezone: str
    holiday_country: str
    holiday_categories: tuple[str, ...]
    at_risk_working_days: int
    clock_start: str  # "received" or "identity_verified"


def settings() -> Settings:
    return Settings(
        db_path=os.environ.get("AUDIT_DB", DEFAULT_DB),
        timezone=os.environ.get("AUDIT_TZ", "Europe/Stockholm"),
        holiday_country=os.environ.get("AUDIT_HOLIDAY_COUNTRY", "SE"),
        holiday_categories=tuple(
            c.strip() for c in os.environ.get("AUDIT_HOLIDAY_CATEGORIES", "public,de_facto").split(",") if c.strip()
        ),
        at_risk_working_days=int(os.environ.get("AUDIT_AT_RISK_DAYS", "5")),
        clock_start=os.environ.get("AUDIT_CLOCK_START", "received"),
    )


def db_path(override: str | None = None) -> Path:
    return Path(override or settings().db_path)
