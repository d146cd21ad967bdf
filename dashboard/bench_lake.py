"""The refresh jobs' benchmark over a Parquet lake, on DuckDB and on ClickHouse (chdb): writes BENCHMARKS.lake.md.

    python -m dashboard bench-lake --files DIR [--times 1 10 20] [--engines duckdb clickhouse] [--workdir DIR]

DIR holds generated logs (`python -m dashboard bench --keep` or its generate phase writes them). The 1x lake is
those logs partitioned by log and UTC month, as `lake export` writes a store's; the lake at N times is N copies of
it whose identifiers (event, transfer, request, hold, visitor and subject) carry the copy's number, so every
visitor, request and hold keeps its own history and only the volume grows. Each engine runs every job over each
lake for all its days, in its own process (the peak memory is the engine's), writing the tables as Parquet. Not
part of `make test`: at 20x it reads about 420 million rows per engine. docs/scale.md reads the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from dashboard.contract import LOGS

ROOT = Path(__file__).resolve().parent.parent
# The columns that identify an event or a person: a copy of the lake gets its own by a suffix.
IDENTIFIERS = {"event_id", "transfer_id", "request_id", "hold_id", "visitor_ref", "subject_ref"}


def _source(files: Path, log: str) -> str:
    csv = "header = true, quote = '\"', escape = '\"', all_varchar = true"  # as written, not as sniffed
    for suffix, reader in ((".parquet", "read_parquet('{}')"), (".csv", f"read_csv('{{}}', {csv})"),
                           (".csv.gz", f"read_csv('{{}}', {csv})"),
                           (".jsonl", "read_json('{}', format = 'newline_delimited')")):
        path = files / f"{log}{suffix}"
        if path.exists():
            return reader.format(path)
    raise FileNotFoundError(f"no generated file for {log} in {files}")


def build_lake(files: Path, out: Path, times: int) -> dict[str, int]:
    """The generated logs as a lake, `times` copies with their own identifiers; rows per log."""
    import duckdb

    from dashboard.lake import log_columns

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    con = duckdb.connect(config={"memory_limit": "2GB", "temp_directory": str(out) + ".tmp",
                                 "preserve_insertion_order": False})
    con.execute("set TimeZone = 'UTC'")
    rows = {}
    for log, spec in LOGS.items():
        columns = []
        for name, sql_type in log_columns(log):
            if sql_type == "varchar[]":
                value = f"string_split(cast(\"{name}\" as varchar), ';')"
            else:  # a planted malformed value (which ingest would reject) becomes null here
                value = f'try_cast("{name}" as {sql_type})'
            if name in IDENTIFIERS:
                value = f"case when copy = 0 then {value} else {value} || '~' || copy end"
            columns.append(f'{value} as "{name}"')
        # (rows whose time is malformed are left out, as ingest rejects them)
        con.execute(f"copy (select {', '.join(columns)}, strftime(try_cast({spec.time_column} as timestamptz), "
                    f"'%Y-%m') as month from {_source(files, log)} cross join range({times}) as copies(copy) "
                    f"where try_cast({spec.time_column} as timestamptz) is not null) "
                    f"to '{out / log}' (format parquet, partition_by (month), compression zstd)")
        rows[log] = con.execute(f"select count(*) from read_parquet('{out / log}/*/*.parquet')").fetchall()[0][0]
    con.close()
    shutil.rmtree(str(out) + ".tmp", ignore_errors=True)
    return rows


def phase_refresh(engine: str, lake: str, out: str) -> dict:
    from dashboard.lake import refresh_lake

    started = time.perf_counter()
    done = refresh_lake(engine, lake, out=out)
    return {"seconds": time.perf_counter() - started,
            "jobs": {d.table: {"seconds": d.seconds, "rows": d.rows} for d in done},
            "peak_mb": _high_water_mb()}


def _high_water_mb() -> float:
    """This process's peak resident memory since it started (VmHWM: unlike ru_maxrss it does not carry over the
    parent's size at fork, which building the lake made large)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def write_markdown(path: Path, run: dict) -> None:
    from dashboard.refresh import JOBS

    run = {**run, "times": [t for t in run["times"] if str(t) in run["lakes"]]}  # (written after each lake)
    keys = [(times, engine) for times in run["times"] for engine in run["engines"]]
    label = {"duckdb": "DuckDB", "clickhouse": "chdb"}
    lines = ["# Benchmarks: the refresh jobs over a Parquet lake (issue 19)", "",
             f"Run on {run['date']} on {run['machine']} ({run['cores']} cores, {run['memory_gb']:.0f} GB memory), "
             f"Python {platform.python_version()}. Command: `{run['command']}`.", "",
             "Each engine runs every job over the whole lake (every day of every log), in runs of days of at most "
             "4 million rows of the logs, and writes the tables as Parquet; the seconds of a job include writing its "
             "rows. The lake at N times is N copies "
             "of the 1x logs with their own identifiers (dashboard/bench_lake.py). docs/scale.md reads these "
             "figures.", "", "## Lakes", "", "| log | " + " | ".join(f"{t}x rows" for t in run["times"]) + " |",
             "|---|" + "---|" * len(run["times"])]
    for log in LOGS:
        lines.append(f"| {log} | " + " | ".join(_fmt(run["lakes"][str(t)]["rows"][log]) for t in run["times"]) + " |")
    lines += ["", "Built from the generated logs in " + " and ".join(
        f"{run['lakes'][str(t)]['seconds']:.0f} s ({t}x)" for t in run["times"]) + ".", "",
        "## Seconds per job", "",
        "| job | " + " | ".join(f"{t}x {label[e]}" for t, e in keys) + " |", "|---|" + "---|" * len(keys)]
    for job in JOBS:
        cells = []
        for t, e in keys:
            r = run["results"].get(f"{t}/{e}", {}).get("jobs", {}).get(job.table)
            cells.append(f"{r['seconds']:.1f}" if r else "–")
        lines.append(f"| {job.table} | " + " | ".join(cells) + " |")
    lines.append("| **all jobs (wall)** | " + " | ".join(
        f"**{run['results'][f'{t}/{e}']['seconds']:.1f}**" if f"{t}/{e}" in run["results"] else "–"
        for t, e in keys) + " |")
    lines.append("| peak memory (MB) | " + " | ".join(
        f"{run['results'][f'{t}/{e}']['peak_mb']:.0f}" if f"{t}/{e}" in run["results"] else "–"
        for t, e in keys) + " |")
    lines += ["", "## Rows written per job", "", "| job | " + " | ".join(f"{t}x" for t in run["times"]) + " |",
              "|---|" + "---|" * len(run["times"])]
    for job in JOBS:
        cells = []
        for t in run["times"]:
            r = next((run["results"][f"{t}/{e}"]["jobs"].get(job.table) for e in run["engines"]
                      if f"{t}/{e}" in run["results"]), None)
            cells.append(_fmt(r["rows"]) if r else "–")
        lines.append(f"| {job.table} | " + " | ".join(cells) + " |")
    if run.get("failures"):
        lines += ["", "## Runs that did not finish", ""] + [f"- {k}: {v}" for k, v in run["failures"].items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard bench-lake")
    parser.add_argument("--files", help="the generated logs (one file per log)")
    parser.add_argument("--times", type=int, nargs="+", default=[1, 10, 20])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "clickhouse"])
    parser.add_argument("--workdir", default="/tmp/audit-bench-lake")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.lake.md"))
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(phase_refresh(**json.loads(args.args))))
        return 0
    if not args.files:
        parser.error("--files DIR is needed (the generated logs)")
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    command = " ".join(["python -m dashboard bench-lake", *(sys.argv[1:] if argv is None else argv)])
    run = {"date": date.today().isoformat(), "machine": platform.platform(), "cores": os.cpu_count(),
           "memory_gb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, "command": command,
           "times": args.times, "engines": args.engines, "lakes": {}, "results": {}, "failures": {}}
    for times in args.times:
        lake = work / f"lake-{times}x"
        started = time.perf_counter()
        rows = build_lake(Path(args.files), lake, times)
        run["lakes"][str(times)] = {"rows": rows, "seconds": time.perf_counter() - started}
        print(f"lake {times}x: {rows} in {run['lakes'][str(times)]['seconds']:.0f} s", file=sys.stderr)
        for engine in args.engines:
            out = work / f"out-{times}x-{engine}"
            shutil.rmtree(out, ignore_errors=True)
            proc = subprocess.run([sys.executable, "-m", "dashboard.bench_lake", "--phase", "refresh", "--args",
                                   json.dumps({"engine": engine, "lake": str(lake), "out": str(out)})],
                                  capture_output=True, text=True, cwd=ROOT)
            if proc.returncode:
                run["failures"][f"{times}x {engine}"] = proc.stderr.strip().splitlines()[-1][:300]
                print(f"  {engine}: failed: {run['failures'][f'{times}x {engine}']}", file=sys.stderr)
                continue
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            run["results"][f"{times}/{engine}"] = result
            print(f"  {engine}: {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB: "
                  + ", ".join(f"{t} {j['seconds']:.1f} s" for t, j in result["jobs"].items()), file=sys.stderr)
            shutil.rmtree(out, ignore_errors=True)
        write_markdown(Path(args.out), run)
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
