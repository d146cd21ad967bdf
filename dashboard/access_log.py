"""The dashboard's own access log: who signed in, which page they viewed with which filters, what they exported.

Append-only JSON Lines, one file per month, kept apart from the audit store. The writer opens files only for
appending and never edits a line; every line carries the SHA-256 of the line before it, so an edit or a deleted line
anywhere breaks the chain and verify() says where. Retention removes whole months once they are older than the
configured number of days, never single lines. No streamlit import: the CLI and the tests use it too.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl

from dashboard import sql
from dashboard.deadlines import add_months

DEFAULT_DIR = "data/access-log"
DEFAULT_DAYS = 365
EVENTS = ("sign_in", "sign_out", "page_view", "export", "denied")
MAX_TEXT = 2000  # a crafted URL can be megabytes long; the log keeps its start

_lock = threading.Lock()
_purged_for: set[tuple[str, date]] = set()


def log_dir() -> Path:
    return Path(os.environ.get("AUDIT_ACCESS_LOG_DIR", DEFAULT_DIR))


def retention_days() -> int:
    return int(os.environ.get("AUDIT_ACCESS_LOG_DAYS", DEFAULT_DAYS))


def _month_file(folder: Path, day: date) -> Path:
    return folder / f"access-{day:%Y-%m}.jsonl"


def _genesis(path: Path) -> str:
    return hashlib.sha256(f"access-log:{path.name}".encode()).hexdigest()


def _last_line(fd: int) -> bytes | None:
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return None
    block, tail = 4096, b""
    pos = size
    while pos > 0:
        step = min(block, pos)
        pos -= step
        tail = os.pread(fd, step, pos) + tail
        stripped = tail.rstrip(b"\n")
        if b"\n" in stripped:
            return stripped.rsplit(b"\n", 1)[1]
    return tail.rstrip(b"\n")


def _clip(value):
    if isinstance(value, str) and len(value) > MAX_TEXT:
        return value[:MAX_TEXT] + "…"
    return value


def append(event: str, user: str, role: str | None, page: str = "", detail: str = "", rows: int | None = None,
           now: datetime | None = None, folder: Path | None = None, issuer: str = "", subject: str = "") -> None:
    """Add one line. Safe across the server's threads and across processes (a file lock around read-and-append)."""
    if event not in EVENTS:
        raise ValueError(f"unknown access-log event {event!r}")
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    folder = folder or log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    purge(now.date(), folder)
    path = _month_file(folder, now.date())
    record = {"at": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "event": event,
              "user": _clip(user), "role": role, "page": _clip(page), "detail": _clip(detail), "rows": rows,
              "iss": _clip(issuer), "sub": _clip(subject)}
    with _lock:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = _last_line(fd)
            record["prev"] = hashlib.sha256(last).hexdigest() if last is not None else _genesis(path)
            os.write(fd, (json.dumps(record, ensure_ascii=False) + "\n").encode())
        finally:
            os.close(fd)  # closing releases the lock


def files(folder: Path | None = None) -> list[Path]:
    return sorted((folder or log_dir()).glob("access-*.jsonl"))


def purge(today: date, folder: Path | None = None, days: int | None = None) -> list[Path]:
    """Delete the months whose last day is more than `days` days before today (checked once a day per folder)."""
    folder = folder or log_dir()
    days = retention_days() if days is None else days
    key = (str(folder), today)
    if key in _purged_for:
        return []
    removed = []
    for path in files(folder):
        try:
            first = date.fromisoformat(path.stem.removeprefix("access-") + "-01")
        except ValueError:
            continue
        last_day = add_months(first, 1) - timedelta(days=1)
        if (today - last_day).days > days:
            path.unlink()
            removed.append(path)
    _purged_for.add(key)
    return removed


@dataclass(frozen=True)
class Check:
    path: Path
    lines: int
    broken_at: int | None  # 1-based line whose link to the line before does not match

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(path: Path) -> Check:
    """Walk a month's chain: every line must name the hash of the line before it."""
    expected = _genesis(path)
    count = 0
    with path.open("rb") as f:
        for count, raw in enumerate(f, start=1):
            line = raw.rstrip(b"\n")
            try:
                prev = json.loads(line)["prev"]
            except (ValueError, KeyError, TypeError):
                return Check(path, count, count)
            if prev != expected:
                return Check(path, count, count)
            expected = hashlib.sha256(line).hexdigest()
    return Check(path, count, None)


def run(name: str, **params) -> pl.DataFrame | None:
    """Run a named query (queries/rpt_access_log*.sql) over the month files; None when there is no file yet.

    An in-memory DuckDB reads the files: the access log never touches the audit store."""
    paths = [str(p) for p in files()]
    if not paths:
        return None
    with duckdb.connect() as con:
        return sql.run(con, name, files=paths, **params)
