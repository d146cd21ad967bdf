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


def with_offsets(frame: pl.DataFrame, tz: str | None = None) -> pl.DataFrame:
    """Local times (the queries give times in the dashboard's time zone, without one) written with their UTC offset,
    ISO 8601, so a file read elsewhere still means the same instant."""
    from dashboard.config import settings

    tz = tz or settings().timezone
    naive = [n for n, d in frame.schema.items() if isinstance(d, pl.Datetime) and d.time_zone is None]
    aware = [n for n, d in frame.schema.items() if isinstance(d, pl.Datetime) and d.time_zone is not None]
    return frame.with_columns(
        *(pl.col(n).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
          .dt.to_string("%Y-%m-%dT%H:%M:%S%:z").alias(n) for n in naive),
        *(pl.col(n).dt.to_string("%Y-%m-%dT%H:%M:%S%:z").alias(n) for n in aware),
    )


CSV_DIALECTS = ("standard", "excel_sv")


def csv_bytes(frame: pl.DataFrame, dialect: str = "standard") -> bytes:
    """CSV with formula-like text neutralised (the file is for spreadsheets) and times with their UTC offset.

    dialect "standard": UTF-8, commas, decimal points. "excel_sv": what Excel with Swedish settings opens by a
    double click: a UTF-8 byte order mark (else å, ä, ö come out garbled), semicolons between fields and decimal
    commas."""
    frame = neutralise_formulas(with_offsets(frame))
    if dialect == "excel_sv":
        return b"\xef\xbb\xbf" + frame.write_csv(separator=";", decimal_comma=True).encode("utf-8")
    if dialect != "standard":
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    return frame.write_csv().encode("utf-8")


EXCEL_MAX_ROWS = 1_048_575  # one sheet's rows, less the header
EXCEL_MAX_CELL = 32_767  # characters one Excel cell holds
CUT_NOTE = " … [cut: the full text is on sheet 'long_text']"


def excel_bytes(frame: pl.DataFrame, sheet: str = "data") -> bytes:
    """An .xlsx workbook of the frame (xlsxwriter); refuses what one sheet cannot hold rather than cutting it. A text
    longer than a cell holds is cut with a note in its cell, and kept whole on the sheet long_text (row, column and
    the text in parts of at most a cell each): nothing is lost silently."""
    import io

    if frame.height > EXCEL_MAX_ROWS:
        raise ValueError(f"{frame.height:,} rows do not fit in one Excel sheet ({EXCEL_MAX_ROWS:,}); use CSV")
    text = [n for n, d in frame.schema.items() if d == pl.String]
    long_parts = []
    for name in text:
        too_long = frame.with_row_index("row").filter(pl.col(name).str.len_chars() > EXCEL_MAX_CELL)
        for row, value in too_long.select("row", name).iter_rows():
            for part, start in enumerate(range(0, len(value), EXCEL_MAX_CELL), start=1):
                long_parts.append({"row": row + 2, "column": name, "part": part,
                                   "text": value[start:start + EXCEL_MAX_CELL]})
    if long_parts:
        keep = EXCEL_MAX_CELL - len(CUT_NOTE)
        frame = frame.with_columns(
            pl.when(pl.col(n).str.len_chars() > EXCEL_MAX_CELL).then(pl.col(n).str.slice(0, keep) + CUT_NOTE)
            .otherwise(pl.col(n)).alias(n) for n in text)
    buffer = io.BytesIO()
    import xlsxwriter

    with xlsxwriter.Workbook(buffer) as book:
        frame.write_excel(book, worksheet=sheet, autofit=True)
        if long_parts:
            pl.DataFrame(long_parts).write_excel(book, worksheet="long_text")
    return buffer.getvalue()
