"""Cookie consent: the cookie inventory (dashboard/data/cookie_inventory.csv) and the consent queries' parameters."""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DIMENSIONS = ("banner_version", "device", "browser", "country")


@functools.cache
def inventory() -> tuple[dict, ...]:
    with open(DATA / "cookie_inventory.csv", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def params(date_from: date, date_to: date, tz: str, group_by: str = "all", change_day: date | None = None) -> dict:
    """Parameters of the consent queries; group_by and change_day choose the grouping of rpt_consent_rates."""
    return {
        "date_from": date_from, "date_to": date_to, "tz": tz, "group_by": group_by, "change_day": change_day,
        "inventory": [{"cookie_name": c["cookie_name"], "match": c["match"], "category": c["category"]}
                      for c in inventory()],
    }


def trend_frame(rates):
    """rpt_consent_rates grouped by day or week, with the group as a date column for charts."""
    import polars as pl

    return rates.with_columns(pl.col("group_key").str.to_date().alias("period_start"))


def cookies_before_consent(run, query_params: dict) -> int:
    """How many observations in the period the cookie-before-consent rule flags."""
    return int(run("rpt_cookie_before_consent_count", **query_params)["before_consent"][0])
