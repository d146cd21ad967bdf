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


def params(date_from: date, date_to: date, tz: str) -> dict:
    return {
        "date_from": date_from, "date_to": date_to, "tz": tz,
        "inventory": [{"cookie_name": c["cookie_name"], "match": c["match"], "category": c["category"]}
                      for c in inventory()],
    }
