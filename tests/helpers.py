"""Small helpers for writing log files in every accepted format."""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
import polars as pl

from dashboard.contract import LOGS

GOOD = {
    "dsr_events": {"event_id": "e1", "request_id": "r1", "occurred_at": "2026-01-31T10:00:00+01:00",
                   "event": "received", "request_type": "access", "channel": "email", "subject_ref": "S-001",
                   "note": ""},
    "hold_events": {"event_id": "h1", "hold_id": "H1", "occurred_at": "2026-02-01T10:00:00+01:00",
                    "event": "placed", "request_id": "r1", "subject_ref": "S-001", "data_category": "bookkeeping",
                    "legal_basis": "bookkeeping_act", "record_count": "3", "retain_until": "2033-12-31"},
    "transfers": {"transfer_id": "t1", "occurred_at": "2026-02-01T10:00:00Z", "recipient": "Molnhus AB",
                  "recipient_type": "processor", "country": "SE", "mechanism": "eea", "legal_basis": "contract",
                  "purpose": "hosting", "data_categories": "contact;identity", "record_count": "10",
                  "reference": ""},
    "consent_events": {"event_id": "c1", "occurred_at": "2026-02-01T10:00:00+01:00", "visitor_ref": "V-1",
                       "action": "accept_all", "functional": "true", "analytics": "true",
                       "banner_version": "v1", "device": "desktop", "browser": "Firefox", "country": "SE"},
    "cookie_observations": {"event_id": "o1", "observed_at": "2026-02-01T10:00:05+01:00", "visitor_ref": "V-1",
                            "cookie_name": "_ga", "page": "/"},
}


def rows(log: str, *changes: dict) -> list[dict]:
    """One good row per change dict, each the GOOD row with the change applied and a fresh id."""
    id_col = LOGS[log].id_column
    out = []
    for i, change in enumerate(changes, start=1):
        row = dict(GOOD[log])
        row[id_col] = f"{row[id_col]}-{i}"
        row.update(change)
        out.append(row)
    return out


def write(path: Path, data: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(data[0])
    name = str(path)
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        opener = gzip.open if name.endswith(".gz") else open
        with opener(path, "wt", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(data)
    elif name.endswith(".jsonl"):
        with open(path, "w", encoding="utf-8") as fh:
            for row in data:
                fh.write(json.dumps({k: (row[k] if row[k] != "" else None) for k in columns}) + "\n")
    elif name.endswith(".parquet"):
        pl.DataFrame([{k: r.get(k) for k in columns} for r in data],
                     schema={k: pl.String for k in columns}).write_parquet(path)
    else:
        raise ValueError(name)
    return path


def table(db: Path, name: str) -> list[tuple]:
    return query(db, f"select * from {name}")


def query(db: Path, sql: str) -> list[tuple]:
    """The rows of one query on the store, read-only."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def snapshot(db: Path) -> dict:
    """Every table's row count and an order-independent digest of its rows (the sum of each whole row's hash,
    computed in DuckDB), to prove a store unchanged (the one line a refused file leaves in ingest_runs aside:
    refusals() reads those)."""
    if not db.exists():
        return {}
    con = duckdb.connect(str(db), read_only=True)
    try:
        names = [r[0] for r in con.sql("select table_name from information_schema.tables").fetchall()]
        # (a refresh job's state records when it last ran: its time zone is what the tables depend on)
        return {n: con.sql(f"select count(*), sum(hash({'job, tz' if n == 'refresh_state' else 't'})) from {n} as t"
                           + (" where refused is null" if n == "ingest_runs" else "")).fetchall()[0]
                for n in names}
    finally:
        con.close()


def refusals(db: Path) -> list[tuple]:
    """(file, reason) of every refused file recorded in ingest_runs."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql("select file, refused from ingest_runs where refused is not null order by run_id").fetchall()
    finally:
        con.close()


# What the sample's identifiers look like: request ids, subject and visitor pseudonyms (the planted visitors too),
# hold and transfer ids. Management must never see one.
IDENTIFIER = re.compile(r"REQ-\d{6}|S-[0-9a-f]{12}|V-(?:\d{9}|planted-\w+)|HOLD-\d{6}|TR-\d{8}")


def report_traces(text: str) -> list[dict]:
    """The plotly traces of every chart in a report's HTML (the data argument of each Plotly.newPlot call)."""
    import json
    import re

    decoder = json.JSONDecoder()
    return [trace for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', text)
            for trace in decoder.raw_decode(text, m.end())[0]]


def trace_colour(trace: dict):
    return (trace.get("marker") or {}).get("color") or (trace.get("line") or {}).get("color")


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command line's main(), run in this process as `python -m dashboard ARGS` runs it, with its output and exit
    status (a new interpreter per command took a second or more of a test's time, mostly its imports). Settings
    are read from the environment at each command, so env applies; tests of the process itself (its exit on a
    signal, a lock held by another process, the language of its messages) start a real one."""
    from dashboard.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return subprocess.CompletedProcess(["python", "-m", "dashboard", *args], code, out.getvalue(), err.getvalue())
