"""Exports of result frames (CSV now; the same frames the page shows)."""

from __future__ import annotations

import polars as pl


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode("utf-8")
