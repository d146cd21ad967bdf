"""Legal holds: the statutory retention ceilings (from dashboard/data/retention_periods.csv) as query parameters."""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def retention_periods() -> tuple[dict, ...]:
    with open(DATA / "retention_periods.csv", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def params(as_of: date, tz: str) -> dict:
    """as_of, tz and the retention ceilings ({legal_basis, counted_from, max_years}) for the hold queries."""
    ceilings = [
        {"legal_basis": r["legal_basis"], "counted_from": r["counted_from"], "max_years": int(r["max_years"])}
        for r in retention_periods() if r["max_years"]
    ]
    return {"as_of": as_of, "tz": tz, "retention": ceilings}


# The query that lists the rows of each hold finding (the Legal holds page shows them for "Show the rows").
FINDING_ROWS = {"hold_overdue": "rpt_hold_overdue", "hold_kept_too_long": "rpt_hold_too_long",
                "holds_out_of_order": "rpt_hold_out_of_order"}
