"""Exports of result frames (CSV now; the same frames the page shows)."""

from __future__ import annotations

import polars as pl


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return frame.write_csv().encode("utf-8")


EXCEL_MAX_ROWS = 1_048_575  # one sheet's rows, less the header


def excel_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of the frame (xlsxwriter); refuses what one sheet cannot hold rather than cutting it."""
    import io

    if frame.height > EXCEL_MAX_ROWS:
        raise ValueError(f"{frame.height:,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS:,}); use CSV")
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=sheet, autofit=True)
    return buffer.getvalue()
