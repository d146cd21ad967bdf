"""The command line: python -m dashboard COMMAND ... (see README.md)."""

from __future__ import annotations

import argparse
import glob
import os
import sys

from dashboard import config


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"the audit store (default: $AUDIT_DB or {config.DEFAULT_DB})")


def _expand(patterns: list[str]) -> list[str]:
    files: list[str] = []
    for pattern in patterns:
        if os.path.isdir(pattern):
            files.extend(sorted(
                os.path.join(pattern, f) for f in os.listdir(pattern)
                if os.path.isfile(os.path.join(pattern, f)) and not f.endswith(".json")
            ))
        else:
            matches = sorted(glob.glob(pattern))
            files.extend(matches or [pattern])
    return files


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from dashboard.ingest import ingest_file

    db = config.db_path(args.db)
    files = _expand(args.files)
    worst = 0
    show_bar = sys.stderr.isatty() and not args.quiet
    bar = tqdm(total=len(files) * 4, unit="step", disable=not show_bar, leave=False)
    for path in files:
        bar.set_description(os.path.basename(path))
        steps_done = 0

        def progress(phase: str) -> None:
            nonlocal steps_done
            steps_done += 1
            bar.set_postfix_str(phase)
            bar.update(1)

        result = ingest_file(path, db, log_name=args.log, progress=progress)
        bar.update(4 - steps_done)
        worst = max(worst, result.exit_code)
        if result.refused:
            tqdm.write(f"REFUSED {path}: {result.refused}. Nothing from this file was stored.", file=sys.stderr)
            continue
        summary = (f"{path} -> {result.log}: {result.rows_read} rows read, {result.accepted} stored, "
                   f"{result.rejected} rejected, {result.duplicate} already in the store")
        if result.rows_read and result.duplicate == result.rows_read - result.rejected and result.accepted == 0:
            summary += " (nothing new: this file was already ingested)"
        tqdm.write(summary)
        for r in result.rejections:
            tqdm.write(f"  {path}: row {r.row}, column {r.column}: {r.reason}", file=sys.stderr)
        if result.rejected > len({r.row for r in result.rejections}):
            tqdm.write(f"  ... see all rejected rows on the Data quality page or in table rejected_rows",
                       file=sys.stderr)
    bar.close()
    return worst


def cmd_sample(args: argparse.Namespace) -> int:
    from dashboard.sample import generate

    manifest = generate(args.out, seed=args.seed, scale=args.scale, until=args.until)
    print(f"wrote sample logs to {args.out} (as of {manifest['as_of']}): "
          + ", ".join(f"{k} {v}" for k, v in manifest["rows"].items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Privacy Audit Dashboard command line")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="validate log files and append their good rows to the store")
    p.add_argument("files", nargs="+", help="files or folders (.csv, .csv.gz, .jsonl, .parquet)")
    p.add_argument("--log", help="which log the files hold (default: from the file name's prefix)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_db(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("sample", help="generate deterministic sample logs with planted problems")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--until", default=None, help="last day of the logs (default 2026-11-24)")
    p.set_defaults(func=cmd_sample)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
