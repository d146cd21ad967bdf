"""How fast the tools' exports import: a one-million-row Usercentrics consent history and a Didomi export of the same
size (gzipped NDJSON), generated here, each imported into a fresh store through the one ingest path (translation,
validation, privacy guard, de-duplication, derived tables). Writes BENCHMARKS.imports.md.

    python -m dashboard bench-imports [--rows 1000000] [--workdir /tmp/audit-bench-imports]

Not part of `make test`: `make bench-imports` runs it. The rate is the export's rows (Usercentrics: a row per service
per action; Didomi: a record) per second of the whole import.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
TARGET_ROWS_S = 200_000
SERVICES = ("HkocEodjb7", "Hotjar")


def write_usercentrics(path: Path, rows: int) -> int:
    """rows / 4 visitors, each shown the banner and deciding, with a row per service for each (as Usercentrics
    exports it)."""
    visitors = rows // 4
    duckdb.sql(f"""
        copy (
            select
                printf('%012x', v * 7919) as "Controller ID",
                strftime(timestamp '2026-01-01' + to_seconds(v * 97 % 31536000) + to_seconds(step * 5),
                         '%Y-%m-%dT%H:%M:%SZ') as "Timestamp",
                'cfg-se' as "CMP Configuration ID", '7' as "CMP Configuration Version",
                case when step = 0 then 'CMP_SHOWN'
                     else ['ACCEPT_ALL_L1', 'DENY_ALL_L1', 'SAVE_L2'][v % 3 + 1] end as "Consent Action",
                {list(SERVICES)}[s + 1] as "Data Processing Service ID", '1.0.0' as "Data Processing Service Version",
                case when step = 0 then 'false' when v % 3 = 0 then 'true' when v % 3 = 1 then 'false'
                     else (s = 1)::varchar end as "Consent Given",
                '' as "Consent String"
            from range({visitors}) r(v), range(2) st(step), range(2) sv(s)
            order by v, step, s
        ) to '{path}' (header, quote '"', force_quote *)""")
    return visitors * 4


def write_didomi(folder: Path, records: int) -> int:
    """records user records over two daily partitions, gzipped NDJSON as Didomi writes them."""
    for day, part in (("2026-06-01", 0), ("2026-06-02", 1)):
        target = folder / "export-id=bench" / f"date={day}" / "users"
        target.mkdir(parents=True, exist_ok=True)
        duckdb.sql(f"""
            copy (
                select
                    'evt-' || v as id, 'acme' as organization_id, 'notice-se' as notice_id,
                    {{'id': 'u-' || v, 'country': ['SE', 'DK', 'NO'][v % 3 + 1], 'region': ''}} as "user",
                    'gdpr' as regulation, '' as consent_string,
                    strftime(timestamp '{day}' + to_seconds(v % 86400), '%Y-%m-%dT%H:%M:%SZ') as created_at,
                    [{{'action': 'preference.shown', 'purpose': null}},
                     {{'action': ['preferences.click.agreetoall', 'preferences.click.disagreetoall',
                                  'preferences.click.savechoices'][v % 3 + 1], 'purpose': null}},
                     {{'action': case when v % 3 = 1 then 'consent.refused' else 'consent.given' end,
                      'purpose': 'measure_content_performance'}}] as events
                from range({part}, {records}, 2) r(v)
            ) to '{target / "part-0000.json.gz"}' (format json, compression gzip)""")
    return records


def _import(path: Path, db: Path) -> tuple[float, object]:
    from dashboard.ingest import ingest_file

    started = time.perf_counter()
    result = ingest_file(str(path), db)
    seconds = time.perf_counter() - started
    if result.exit_code:
        raise RuntimeError(f"{path}: {result.refused or result.rejections[:3]}")
    return seconds, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard bench-imports")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", default="/tmp/audit-bench-imports")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.imports.md"))
    args = parser.parse_args(argv)
    os.environ.setdefault("AUDIT_PSEUDONYM_KEY", "benchmark key, not a secret of anyone's")
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines = []
    for name, write, target in (("usercentrics-consent", write_usercentrics, work / "consent_history.csv"),
                                ("didomi-events", write_didomi, work / "didomi")):
        rows = write(target, args.rows)
        seconds, result = _import(target, work / f"{name}.duckdb")
        rate = rows / seconds
        print(f"{name}: {rows:,} export rows -> {result.accepted:,} consent events in {seconds:.1f} s "
              f"({rate:,.0f} rows/s)")
        lines.append(f"| {name} | {rows:,} | {result.accepted:,} | {seconds:.1f} | {rate:,.0f} | "
                     f"{'met' if rate >= TARGET_ROWS_S else 'missed'} |".replace(",", " "))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(args.out).write_text("\n".join([
        "# Import benchmark", "",
        f"Run on {date.today().isoformat()} on {platform.platform()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}. Command: `python -m dashboard bench-imports --rows {args.rows}` "
        "(`make bench-imports`).", "",
        f"Target (issue 12): a one-million-row Usercentrics or Didomi export imports at {TARGET_ROWS_S:,} rows/s or "
        "more, the whole import counted: reading, translating, pseudonymising, validating, the privacy guard, "
        "de-duplication, storing and the derived tables.".replace(",", " "), "",
        "| format | export rows | consent events stored | seconds | rows/s | target |", "|---|---|---|---|---|---|",
        *lines, "",
        f"Peak memory of the importing process: {peak:.0f} MB (AUDIT_INGEST_MEMORY "
        f"{os.environ.get('AUDIT_INGEST_MEMORY', '600MB')}).", ""]), encoding="utf-8")
    print(f"wrote {args.out}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
