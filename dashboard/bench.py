"""The scale benchmark: generate, ingest, render every page, time every query; write BENCHMARKS.md.

    python -m dashboard bench [--consent N] [--requests N] [--transfers N] [--workdir DIR] [--out BENCHMARKS.md]

Not part of `make test` (it takes minutes and gigabytes): `make bench` runs it. Each phase runs in its own process,
so the peak memory reported for rendering pages is the dashboard's, not the generator's.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
PAGES = ["app_pages/overview.py", "app_pages/requests.py", "app_pages/holds.py", "app_pages/transfers.py",
         "app_pages/consent.py", "app_pages/data_quality.py"]
# Rows at scale 1 (the committed sample), to pick the multiplier that reaches each target.
PER_SCALE = {"requests": 5100, "transfers": 12200, "consent": 135000}  # a little under, for margin
TARGETS = {"page_cold_s": 1.0, "page_warm_s": 0.2, "cold_over_queries": 1.5, "parquet_rows_s": 500_000,
           "csv_rows_s": 200_000, "peak_mb": 1536}
REPEAT = 3


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sub(args: list[str], **env) -> dict:
    """Run a phase of this module in a fresh process and return what it printed as JSON."""
    out = subprocess.run([sys.executable, "-m", "dashboard.bench", *args], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, **env})
    if out.returncode:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


# The largest volume (a multiple of the sample) of each group one shard generates: together about 0.7 GB of memory
# per shard process (consent events are built as frames; request events as Python rows, far fewer).
SHARD_SCALE = {"consent": 5, "requests": 50, "transfers": 50}
# Shards are generated this many at a time, each in its own process: one per core, at most two, so the generator's
# memory stays within about 2 x 0.7 GB plus DuckDB's 1 GB for joining the parts.
SHARD_PROCESSES = max(1, min(2, os.cpu_count() or 1))


def phase_generate(workdir: str, volumes: dict) -> dict:
    """The logs at the volumes asked for, generated in shards so memory stays bounded at any volume.

    The sample generator builds a log in memory, so a large volume is made as K shards, each a full generation at
    1/K of the volume with its own seed, its ids and pseudonyms suffixed `-k` (shard 0 keeps the generator's own),
    generated SHARD_PROCESSES at a time in processes of their own. Each shard carries the generator's planted
    problems, so they grow with the volume. DuckDB streams the shards into one file per log, in the log's own
    format."""
    import concurrent.futures
    import contextlib
    import multiprocessing

    import duckdb

    from dashboard.sample import FILES, generate

    started = time.perf_counter()
    work = Path(workdir)
    shards = max(1, max(math.ceil(v / SHARD_SCALE[group]) for group, v in volumes.items()))
    if shards == 1:
        manifest = generate(workdir, volumes=volumes)
        return {"rows": manifest["rows"], "seconds": time.perf_counter() - started, "peak_mb": _peak_mb(),
                "shards": 1}
    parts = work / "parts"
    share = {g: v / shards for g, v in volumes.items()}
    planted: dict[str, int] = {}
    shard_peak = 0.0
    with contextlib.ExitStack() as stack:
        made = map  # one process: the shards one at a time, in this one
        if SHARD_PROCESSES > 1:
            # spawn, not fork: a forked copy of a process that has started polars' or DuckDB's threads can hang
            made = stack.enter_context(concurrent.futures.ProcessPoolExecutor(
                SHARD_PROCESSES, mp_context=multiprocessing.get_context("spawn"))).map
        for done in made(_generate_shard, [str(work)] * shards, range(shards), [share] * shards):
            for group, n in done["planted"].items():
                planted[group] = planted.get(group, 0) + n
            shard_peak = max(shard_peak, done["peak_mb"])
    con = duckdb.connect(config={"memory_limit": "1GB", "temp_directory": str(work / "tmp")})
    con.execute("set timezone = 'UTC'")
    rows = {}
    for log, name in FILES.items():
        source = f"read_parquet('{parts / log}/*.parquet')"
        con.execute(f"copy (select * from {source}) to '{work / name}' {_writer(work / name)}")
        rows[log] = con.execute(f"select count(*) from {source}").fetchall()[0][0]
    con.close()
    shutil.rmtree(parts)
    # the shard processes run side by side: the generator's peak is theirs together, or the join's, if higher
    return {"rows": rows, "seconds": time.perf_counter() - started, "shards": shards,
            "peak_mb": max(_peak_mb(), SHARD_PROCESSES * shard_peak), "shard_peak_mb": shard_peak,
            "processes": SHARD_PROCESSES, "planted": planted}


def _generate_shard(workdir: str, k: int, volumes: dict) -> dict:
    """Shard k: a generation with its own seed, written as one Parquet part per log with ids suffixed `-k`."""
    import duckdb

    from dashboard.sample import FILES, generate

    work = Path(workdir)
    shard = work / f"shard-{k}"
    manifest = generate(str(shard), seed=7 + 1000 * k, volumes=volumes)
    con = duckdb.connect(config={"memory_limit": "500MB", "temp_directory": str(work / "tmp" / str(k))})
    con.execute("set timezone = 'UTC'")
    for log, name in FILES.items():
        suffixed = ", ".join(f"{c} || '-{k}' as {c}" for c in DISTINCT[log]) if k else ""
        (work / "parts" / log).mkdir(parents=True, exist_ok=True)
        con.execute(f"copy (select * {f'replace ({suffixed})' if suffixed else ''} from {_reader(shard / name)}) "
                    f"to '{work / 'parts' / log / f'{k:05d}.parquet'}' (format parquet)")
    con.close()
    shutil.rmtree(shard)
    planted = {group: sum(len(v) if isinstance(v, list) else 1 for v in kinds.values())
               for group, kinds in manifest["planted"].items()}
    return {"planted": planted, "peak_mb": _peak_mb()}


def _reader(path: Path) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    if path.suffix == ".jsonl":
        return f"read_json('{path}')"
    return f"read_csv('{path}', all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"')"


def _writer(path: Path) -> str:
    if path.suffix == ".parquet":
        return "(format parquet, compression zstd)"
    if path.suffix == ".jsonl":
        return "(format json)"
    return "(header true, compression gzip)" if path.name.endswith(".gz") else "(header true)"


def _other_format(path: Path, workdir: Path) -> Path:
    """The same log in the other format (CSV <-> Parquet), written by DuckDB, to time both formats."""
    import duckdb

    log = path.name.split(".")[0]
    con = duckdb.connect()
    if path.suffix == ".parquet":
        target = workdir / "formats" / f"{log}.csv"
        source = f"read_parquet('{path}')"
        fmt = "(header true)"
    else:
        target = workdir / "formats" / f"{log}.parquet"
        source = (f"read_csv('{path}', all_varchar = true, header = true, delim = ',', quote = '\"', escape = '\"')"
                  if ".csv" in path.name else f"read_json('{path}')")
        fmt = "(format parquet)"
    target.parent.mkdir(exist_ok=True)
    con.execute("set memory_limit = '600MB'")  # the ingest phase's peak memory is the ingest's, not this copy's
    # Timestamps keep their offsets: CSV gets ISO text from a timestamptz, Parquet a UTC-adjusted timestamp.
    con.execute("set timezone = 'UTC'")
    con.execute(f"copy (select * from {source}) to '{target}' {fmt}")
    con.close()
    return target


# The columns that identify a row or a person in each log: a shard gets them suffixed, so shards hold distinct
# requests, holds, transfers and visitors, not duplicates (and the privacy guard sees pseudonyms, as generated).
DISTINCT = {"dsr_events": ["event_id", "request_id", "subject_ref"],
            "hold_events": ["event_id", "hold_id", "request_id", "subject_ref"],
            "transfers": ["transfer_id"], "consent_events": ["event_id", "visitor_ref"],
            "cookie_observations": ["event_id", "visitor_ref"]}


def phase_ingest(workdir: str, other_format: bool = True) -> dict:
    from dashboard.ingest import ingest_file

    work = Path(workdir)
    results = []
    db = work / "audit.duckdb"
    scratch = work / "scratch.duckdb"
    for path in sorted(p for p in work.iterdir() if p.is_file() and p.suffix in (".csv", ".gz", ".jsonl", ".parquet")):
        both = ((path, db), (_other_format(path, work), scratch)) if other_format else ((path, db),)
        for target, store in both:
            started = time.perf_counter()
            result = ingest_file(str(target), store)
            seconds = time.perf_counter() - started
            assert result.exit_code == 0, (target, result.refused, result.rejections[:3])
            results.append({"log": result.log, "format": result.format, "file": target.name,
                            "rows": result.rows_read, "seconds": seconds,
                            "rows_per_s": result.rows_read / seconds if seconds else None})
    return {"ingest": results, "peak_mb": _peak_mb(), "db_mb": db.stat().st_size / 2**20}


def phase_pages(db: str, date_from: str, date_to: str, as_of: str) -> dict:
    import duckdb
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import sql

    os.environ["AUDIT_DB"] = db
    os.environ["AUDIT_ACCESS_LOG_DIR"] = str(Path(db).parent / "access-log")  # not the project's data/
    view = {"from": date_from, "to": date_to, "as_of": as_of}
    report = {}
    for page in PAGES:
        cold, warm, traced = [], [], []
        for _ in range(REPEAT):
            at = AppTest.from_file(str(APP), default_timeout=600)
            at.query_params.update(view)
            at.run()
            if page != PAGES[0]:
                at.switch_page(page).run()
            st.cache_data.clear()
            sql.TRACE = []
            started = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - started)
            traced = sql.TRACE
            sql.TRACE = None
            assert not at.exception, at.exception
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        # Each query the cold render ran, timed alone in DuckDB (median of three, fresh read-only connection).
        alone = []
        for name, params, _ in traced:
            times = []
            for _ in range(REPEAT):
                con = duckdb.connect(db, read_only=True)
                started = time.perf_counter()
                con.sql(sql.load(name), params=params).pl()
                times.append(time.perf_counter() - started)
                con.close()
            alone.append({"query": name, "seconds": statistics.median(times)})
        report[page] = {"cold_s": statistics.median(cold), "warm_s": statistics.median(warm),
                        "queries": alone, "queries_s": sum(q["seconds"] for q in alone)}
    return {"pages": report, "peak_mb": _peak_mb()}


# What a generation leaves beside its logs in the workdir: its figures, the generator's digest and the volumes.
GENERATED = "generated.json"


def generator_digest() -> str:
    """A digest of the code that makes the logs (the sample generator and the sharding): logs are reused only when
    it is unchanged."""
    import hashlib
    import inspect

    from dashboard import sample

    parts = [inspect.getsource(sample)] + [inspect.getsource(f) for f in (phase_generate, _generate_shard, _reader,
                                                                          _writer)]
    parts.append(json.dumps([SHARD_SCALE, SHARD_PROCESSES, DISTINCT], sort_keys=True))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _reusable(work: Path, volumes: dict) -> dict | None:
    """The generation recorded in work when the same generator made its logs at these volumes and they are all
    there; what a run left after them (its store, converted files, access log) is removed. None: generate."""
    from dashboard.sample import FILES

    try:
        record = json.loads((work / GENERATED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (record.get("generator") != generator_digest() or record.get("volumes") != volumes
            or not all((work / name).is_file() for name in FILES.values())):
        return None
    keep = {GENERATED, *FILES.values()}
    for leftover in work.iterdir():
        if leftover.name not in keep:
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    return {k: v for k, v in record.items() if k not in ("generator", "volumes")}


def _generated(gen: dict) -> str:
    line = f"Generated in {gen['seconds']:.1f} s (peak {gen['peak_mb']:.0f} MB"
    if gen.get("processes"):  # shards side by side: the peak is theirs together
        line += (f": {gen['shards']} shards, {gen['processes']} at a time, each process at most "
                 f"{gen['shard_peak_mb']:.0f} MB")
    elif gen.get("shards", 1) > 1:
        line += f": {gen['shards']} shards, one at a time"
    return line + ")."


def _fmt_rate(x: float | None) -> str:
    return "–" if x is None else f"{x:,.0f}".replace(",", " ")


def write_markdown(out: Path, run: dict) -> None:
    lines = [
        "# Benchmarks", "",
        f"Run on {run['date']} on {run['machine']} ({run['cores']} cores, {run['memory_gb']:.0f} GB memory), "
        f"Python {platform.python_version()}. Command: `{run['command']}`.", "",
        "Targets (issues 7 and 14, 2 cores): every page cold <= 1.0 s and warm <= 0.2 s (median); a page's cold time <= "
        "1.5x the sum of its queries, on a quarter and on a year; ingest >= 500 000 rows/s from Parquet and >= 200 000 "
        "rows/s from CSV, the refresh of the derived tables included; the page process's peak memory <= 1.5 GB "
        "(issue 14).", "",
        "## Volumes", "", "| log | rows |", "|---|---|",
        *[f"| {k} | {v:,} |".replace(",", " ") for k, v in run["generate"]["rows"].items()], "",
        _generated(run["generate"]), "",
        "## Ingest", "", "| log | format | rows | seconds | rows/s | target |", "|---|---|---|---|---|---|",
    ]
    for r in run["ingest"]["ingest"]:
        target = {"parquet": TARGETS["parquet_rows_s"], "csv": TARGETS["csv_rows_s"]}.get(r["format"])
        ok = "no target" if target is None else "met" if (r["rows_per_s"] or 0) >= target else "missed"
        lines.append(f"| {r['log']} | {r['format']} ({r['file']}) | {r['rows']:,} | {r['seconds']:.2f} | "
                     f"{_fmt_rate(r['rows_per_s'])} | {ok} |".replace(",", " "))
    peak = run["ingest"].get("peak_mb")  # (None: a run put together from a log that did not keep it)
    lines += ["", (f"Ingest peak memory {peak:.0f} MB" if peak is not None else "Ingest peak memory not recorded")
              + f"; store {run['ingest']['db_mb']:.0f} MB.", ""]
    for key in ("pages", "pages_year"):
        if key in run:
            lines += _pages_table(run[key], run["views"][key] if "views" in run else run["view"])
    lines += ["### Slowest queries (alone in DuckDB)", "", "| page | query | seconds |", "|---|---|---|"]
    slow = sorted(((page.split("/")[-1][:-3] + (" (year)" if key == "pages_year" else ""), q["query"], q["seconds"])
                   for key in ("pages", "pages_year") if key in run
                   for page, p in run[key]["pages"].items() for q in p["queries"]), key=lambda x: -x[2])[:12]
    lines += [f"| {page} | {q} | {s:.3f} |" for page, q, s in slow]
    if run.get("compare"):
        lines += _growth(run, run["compare"])
    lines += ["", "## Notes", "", run.get("notes", "").strip(), ""]
    out.write_text("\n".join(lines), encoding="utf-8")


def _pages_table(pages: dict, view: dict) -> list[str]:
    lines = [f"## Pages (period {view['from']} – {view['to']}, as of {view['as_of']}; median of {REPEAT})", "",
             "| page | cold s | warm s | sum of its queries s | cold / queries | queries | verdict |",
             "|---|---|---|---|---|---|---|"]
    for page, p in pages["pages"].items():
        ratio = p["cold_s"] / p["queries_s"] if p["queries_s"] else math.nan
        verdict = ["cold ok" if p["cold_s"] <= TARGETS["page_cold_s"] else "cold missed",
                   "warm ok" if p["warm_s"] <= TARGETS["page_warm_s"] else "warm missed",
                   "ratio ok" if ratio <= TARGETS["cold_over_queries"] else "ratio missed"]
        lines.append(f"| {page.split('/')[-1][:-3]} | {p['cold_s']:.3f} | {p['warm_s']:.3f} | {p['queries_s']:.3f} | "
                     f"{ratio:.2f} | {len(p['queries'])} | {', '.join(verdict)} |")
    lines += ["", f"Peak memory of the page-rendering process: {pages['peak_mb']:.0f} MB "
              f"({'met' if pages['peak_mb'] <= TARGETS['peak_mb'] else 'missed'}; read-only queries limited to "
              f"AUDIT_READ_MEMORY={os.environ.get('AUDIT_READ_MEMORY', '1GB')}).", ""]
    return lines


def _growth(run: dict, base: dict) -> list[str]:
    """How each figure grew against a smaller run (rows, ingest rate, page times, memory)."""
    def ratio(a, b):
        return f"{a / b:.2f}x" if a and b else "–"

    lines = ["", f"## Growth against the run of {base['date']} (`{base['command']}`)", "",
             "| figure | before | now | growth |", "|---|---|---|---|"]
    for log, n in run["generate"]["rows"].items():
        b = base["generate"]["rows"].get(log)
        lines.append(f"| {log} rows | {b:,} | {n:,} | {ratio(n, b)} |".replace(",", " "))
    before = {(r["log"], r["format"]): r for r in base["ingest"]["ingest"]}
    for r in run["ingest"]["ingest"]:
        b = before.get((r["log"], r["format"]))
        if b:
            lines.append(f"| ingest {r['log']} ({r['format']}) rows/s | {_fmt_rate(b['rows_per_s'])} | "
                         f"{_fmt_rate(r['rows_per_s'])} | {ratio(r['rows_per_s'], b['rows_per_s'])} |")
    lines.append(f"| ingest peak MB | {base['ingest']['peak_mb']:.0f} | {run['ingest']['peak_mb']:.0f} | "
                 f"{ratio(run['ingest']['peak_mb'], base['ingest']['peak_mb'])} |")
    lines.append(f"| store MB | {base['ingest']['db_mb']:.0f} | {run['ingest']['db_mb']:.0f} | "
                 f"{ratio(run['ingest']['db_mb'], base['ingest']['db_mb'])} |")
    for page, p in run["pages"]["pages"].items():
        b = base["pages"]["pages"].get(page)
        name = page.split("/")[-1][:-3]
        if b:
            for key, label in (("cold_s", "cold s"), ("warm_s", "warm s"), ("queries_s", "queries s")):
                lines.append(f"| {name} {label} | {b[key]:.3f} | {p[key]:.3f} | {ratio(p[key], b[key])} |")
    lines.append(f"| page process peak MB | {base['pages']['peak_mb']:.0f} | {run['pages']['peak_mb']:.0f} | "
                 f"{ratio(run['pages']['peak_mb'], base['pages']['peak_mb'])} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard bench")
    parser.add_argument("--consent", type=int, default=10_000_000, help="at least this many consent events")
    parser.add_argument("--requests", type=int, default=1_000_000, help="at least this many request events")
    parser.add_argument("--transfers", type=int, default=1_000_000, help="at least this many transfers")
    parser.add_argument("--workdir", default="/tmp/audit-bench")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    parser.add_argument("--keep", action="store_true", help="keep the generated files and store")
    parser.add_argument("--times", type=int, default=1,
                        help="generate this many times the volumes (the 10x run), in shards of bounded memory")
    parser.add_argument("--compare", help="a BENCHMARKS.json of a smaller run: add how each figure grew")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the logs a run with --keep generated in --workdir, when the same generator made "
                             "them at the same volumes (else generate them again)")
    parser.add_argument("--one-format", action="store_true",
                        help="ingest each log in its generated format only (not also converted to the other)")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.phase:  # one phase, in its own process
        extra = json.loads(args.args)
        result = {"generate": phase_generate, "ingest": phase_ingest,
                  "pages": phase_pages}[args.phase](**extra)
        print(json.dumps(result, default=str))
        return 0

    volumes = {"consent": args.times * math.ceil(args.consent / PER_SCALE["consent"]),
               "requests": args.times * math.ceil(args.requests / PER_SCALE["requests"]),
               "transfers": args.times * math.ceil(args.transfers / PER_SCALE["transfers"])}
    work = Path(args.workdir)
    gen = _reusable(work, volumes) if args.reuse else None
    if gen is None:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        print(f"generating with volumes {volumes} into {work} ...", file=sys.stderr)
        gen = _sub(["--phase", "generate", "--args", json.dumps({"workdir": str(work), "volumes": volumes})])
        (work / GENERATED).write_text(json.dumps({"generator": generator_digest(), "volumes": volumes, **gen}),
                                      encoding="utf-8")
    else:
        print(f"reusing the logs generated in {work} (same generator, volumes {volumes})", file=sys.stderr)
    print(f"  {gen['rows']} in {gen['seconds']:.0f} s ({gen['shards']} shards, peak {gen['peak_mb']:.0f} MB)",
          file=sys.stderr)
    print("ingesting ...", file=sys.stderr)
    ing = _sub(["--phase", "ingest", "--args", json.dumps({"workdir": str(work),
                                                           "other_format": not args.one_format})])
    for r in ing["ingest"]:
        print(f"  {r['file']}: {_fmt_rate(r['rows_per_s'])} rows/s", file=sys.stderr)
    # A quarter, as the DPO reads it, and a year, as management does.
    views = {"pages": {"date_from": "2026-08-26", "date_to": "2026-11-24", "as_of": "2026-11-24"},
             "pages_year": {"date_from": "2025-11-25", "date_to": "2026-11-24", "as_of": "2026-11-24"}}
    rendered = {}
    for key, view in views.items():
        print(f"rendering pages for {view['date_from']} – {view['date_to']} ...", file=sys.stderr)
        rendered[key] = _sub(["--phase", "pages", "--args", json.dumps({"db": str(work / "audit.duckdb"), **view})])
        for page, p in rendered[key]["pages"].items():
            print(f"  {page}: cold {p['cold_s']:.3f} s, warm {p['warm_s']:.3f} s, queries {p['queries_s']:.3f} s",
                  file=sys.stderr)
    view = views["pages"]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    command = " ".join(["python -m dashboard bench", *(sys.argv[1:] if argv is None else argv)])
    run = {"date": date.today().isoformat(), "machine": platform.platform(), "cores": os.cpu_count(),
           "memory_gb": mem, "command": command,
           "generate": gen, "ingest": ing, **rendered,
           "view": {"from": view["date_from"], "to": view["date_to"], "as_of": view["as_of"]},
           "views": {k: {"from": v["date_from"], "to": v["date_to"], "as_of": v["as_of"]} for k, v in views.items()}}
    notes = Path(args.out).with_suffix(".notes.md")
    run["notes"] = notes.read_text(encoding="utf-8") if notes.exists() else ""
    if args.compare:
        run["compare"] = json.loads(Path(args.compare).read_text(encoding="utf-8"))
    write_markdown(Path(args.out), run)
    (Path(args.out).with_suffix(".json")).write_text(json.dumps(run, indent=2, default=str), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
