"""Exports of result frames (CSV now; the same frames the page shows)."""

from __future__ import annotations

import polars as pl


# A cell a spreadsheet would read as a formula starts with one of these (OWASP, "CSV injection").
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Text cells that a spreadsheet would run as a formula (=HYPERLINK(..., +cmd|..., @SUM(...), -2+3) get a
    leading apostrophe, so they open as the text they are. Numbers are left as numbers."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c in text
    )


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV with formula-like text neutralised (the file is for spreadsheets)."""
    return neutralise_formulas(frame).write_csv().encode("utf-8")


EXCEL_MAX_ROWS = 1_048_575  # one sheet's rows, less the header


def excel_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of the frame (xlsxwriter); refuses what one sheet cannot hold rather than cutting it."""
    import io

    if frame.height > EXCEL_MAX_ROWS:
        raise ValueError(f"{frame.height:,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS:,}); use CSV")
    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet=sheet, autofit=True)
    return buffer.getvalue()
