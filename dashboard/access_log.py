"""The dashboard's own access log: who signed in, which page they viewed with which filters, what they exported.

Append-only JSON Lines, one file per month, kept apart from the audit store. The writer opens files only for
appending and never edits a line. Every line carries an HMAC-SHA256 of the line before it, keyed with a secret kept
outside the log folder, so nobody who can edit the files but not read the key can recompute the chain after an edit.
Beside the folder, a signed head per month file records its line count and the HMAC of its last line, so a file
that was cut at its end, emptied or deleted shows too. A line cut short by a crash or a full disk is reported, and the
next entry starts on a fresh line. Retention removes whole months (file and head) once they are older than the configured
number of days, never single lines. No streamlit import: the CLI and the tests use it too. docs/security.md.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import polars as pl

from dashboard import sql
from dashboard.deadlines import add_months

DEFAULT_DIR = "data/access-log"
DEFAULT_DAYS = 365
EVENTS = ("sign_in", "sign_out", "page_view", "export", "denied", "decision")
MAX_TEXT = 2000  # a crafted URL can be megabytes long; the log keeps its start
VERSION = 2  # lines of version 2 are chained with the keyed HMAC; lines without "v" are the first, unkeyed chain

_lock = threading.Lock()
_purged_for: set[tuple[str, date]] = set()


def log_dir() -> Path:
    return Path(os.environ.get("AUDIT_ACCESS_LOG_DIR", DEFAULT_DIR))


def key_path() -> Path:
    """The chain's key: AUDIT_ACCESS_LOG_KEY_FILE, else access-log.key beside (not inside) the log folder."""
    configured = os.environ.get("AUDIT_ACCESS_LOG_KEY_FILE")
    return Path(configured) if configured else log_dir().parent / f"{log_dir().name}.key"


def heads_dir() -> Path:
    """The signed heads: AUDIT_ACCESS_LOG_HEADS, else access-log-heads/ beside the log folder."""
    configured = os.environ.get("AUDIT_ACCESS_LOG_HEADS")
    return Path(configured) if configured else log_dir().parent / f"{log_dir().name}-heads"


def retention_days() -> int:
    return int(os.environ.get("AUDIT_ACCESS_LOG_DAYS", DEFAULT_DAYS))


def _key() -> bytes:
    """The key, created on first use (32 random bytes, mode 0600)."""
    path = key_path()
    if not path.exists():
        # Written whole to a file of its own, then linked into place: a reader never sees half a key, and a key
        # another thread or process made first is kept (link fails on an existing name).
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(tmp)
    return bytes.fromhex(path.read_text().strip())


def _mac(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _month_file(folder: Path, day: date) -> Path:
    return folder / f"access-{day:%Y-%m}.jsonl"


def _genesis(path: Path, key: bytes | None = None) -> str:
    seed = f"access-log:{path.name}".encode()
    return _mac(key, seed) if key is not None else hashlib.sha256(seed).hexdigest()


def head_path(path: Path) -> Path:
    return heads_dir() / (path.stem + ".head")


def _write_head(path: Path, lines: int, last: str, key: bytes) -> None:
    head = {"file": path.name, "lines": lines, "last": last}
    head["sig"] = _mac(key, f"{path.name}|{lines}|{last}".encode())
    target = head_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(head, fh)
    os.replace(tmp, target)


def _read_head(path: Path, key: bytes) -> dict | None:
    """The month file's head when present and genuinely signed; {"forged": True} when the signature is wrong."""
    try:
        head = json.loads(head_path(path).read_text())
        good = hmac.compare_digest(head["sig"], _mac(key, f"{head['file']}|{head['lines']}|{head['last']}".encode()))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        return {"forged": True}
    return head if good and head["file"] == path.name else {"forged": True}


def _tail(fd: int) -> tuple[bytes | None, bool, int]:
    """The last line, whether the file ends without a newline (a line cut short), and the number of lines."""
    size = os.lseek(fd, 0, os.SEEK_END)
    if size == 0:
        return None, False, 0
    data = os.pread(fd, size, 0)  # a month of a dashboard's own log is small
    partial = not data.endswith(b"\n")
    lines = data.split(b"\n")
    if not partial:
        lines = lines[:-1]
    return lines[-1], partial, len(lines)


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
    key = _key()
    record = {"v": VERSION, "at": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"), "event": event,
              "user": _clip(user), "role": role, "page": _clip(page), "detail": _clip(detail), "rows": rows,
              "iss": _clip(issuer), "sub": _clip(subject)}
    with _lock:
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last, partial, count = _tail(fd)
            if partial:  # a line cut short (crash, full disk): start a fresh line and say so in this one
                os.write(fd, b"\n")
                record["recovered"] = f"line {count} was cut short before this entry"
            record["prev"] = _mac(key, last) if last is not None else _genesis(path, key)
            line = json.dumps(record, ensure_ascii=False).encode()
            os.write(fd, line + b"\n")
            _write_head(path, count + 1, _mac(key, line), key)
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
            head_path(path).unlink(missing_ok=True)
            removed.append(path)
    _purged_for.add(key)
    return removed


@dataclass(frozen=True)
class Check:
    path: Path
    lines: int
    broken_at: int | None  # 1-based line from which the file cannot be trusted
    problem: str | None = None  # what is wrong, in words
    partial: tuple[int, ...] = field(default=())  # lines cut short by a crash or a full disk (reported, not tampering)

    @property
    def intact(self) -> bool:
        return self.broken_at is None and self.problem is None


def verify(path: Path) -> Check:
    """Walk a month's chain (every line must carry the keyed hash of the line before it) and compare its end with
    the signed head. Never raises: a missing file, an unreadable line or a forged head is a finding."""
    key = _key()
    if not path.exists():
        return Check(path, 0, 1, "the month file is missing but its head says it existed (deleted)")
    keyed = False
    count, partial, last_raw = 0, [], None
    with path.open("rb") as fh:
        # The writer holds the file's lock while it appends a line and rewrites the head: read both under it, so a
        # check never sees a line without its head (or the reverse).
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
        data = fh.read()
        head = _read_head(path, key)
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines = lines[:-1]
    for count, line in enumerate(lines, start=1):
        expected = (_mac(key, last_raw) if last_raw is not None else _genesis(path, key))
        legacy = (hashlib.sha256(last_raw).hexdigest() if last_raw is not None else _genesis(path))
        try:
            record = json.loads(line)
            prev, version = record["prev"], record.get("v")
        except (ValueError, KeyError, TypeError):
            if count == len(lines) or (count < len(lines) and b'"recovered"' in lines[count]):
                partial.append(count)  # cut short; the next entry says it started afresh
                last_raw = line
                continue
            return Check(path, count, count, f"line {count} is not an entry of this log")
        if version == VERSION:
            keyed = True
            if not hmac.compare_digest(str(prev), expected):
                return Check(path, count, count, f"line {count} does not follow from line {count - 1}")
        else:
            if keyed:  # an unkeyed line after keyed ones: someone rewrote the tail without the key
                return Check(path, count, count, f"line {count} is not keyed like the lines before it")
            if prev != legacy:
                return Check(path, count, count, f"line {count} does not follow from line {count - 1}")
        last_raw = line
    if partial and partial[-1] == count:  # the last line was cut short and nothing followed yet
        count, last_raw = count - 1, lines[-2] if len(lines) > 1 else None
    if head is None:
        if keyed:
            return Check(path, count, count or 1, "the signed head of this month is missing")
        return Check(path, count, None, None, tuple(partial))  # a file from before heads existed
    if head.get("forged"):
        return Check(path, count, 1, "the signed head of this month does not match its signature (altered)")
    if count < head["lines"]:
        return Check(path, count, count + 1, f"the file ends at line {count} but its head says {head['lines']} "
                                             "(lines were removed from its end, or it was emptied)")
    if count > head["lines"]:
        return Check(path, count, head["lines"] + 1, f"lines after line {head['lines']} were added outside the "
                                                     "dashboard")
    if last_raw is not None and not hmac.compare_digest(_mac(key, last_raw), head["last"]):
        return Check(path, count, count, f"line {count} differs from what its head recorded")
    return Check(path, count, None, None, tuple(partial))


def months(folder: Path | None = None) -> list[Path]:
    """Every month file, and the path of every month whose signed head remains but whose file is gone."""
    folder = folder or log_dir()
    heads = sorted(heads_dir().glob("access-*.head")) if heads_dir().exists() else []
    return sorted({*files(folder), *(folder / f"{h.stem}.jsonl" for h in heads)})


def verify_all(folder: Path | None = None) -> list[Check]:
    """verify() of every month (a deleted month file with its head left is a finding)."""
    return [verify(p) for p in months(folder)]


def run(name: str, **params) -> pl.DataFrame | None:
    """Run a named query (queries/rpt_access_log*.sql) over the month files; None when there is no file yet.

    An in-memory DuckDB reads the files: the access log never touches the audit store."""
    paths = [str(p) for p in files()]
    if not paths:
        return None
    with duckdb.connect() as con:
        return sql.run(con, name, files=paths, **params)
