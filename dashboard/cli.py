"""The command line: python -m dashboard COMMAND ... (see README.md)."""

from __future__ import annotations

import argparse
import glob
import os
import sys

from dashboard import config
from dashboard.i18n import _, ngettext


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"the audit store (default: $AUDIT_DB or {config.DEFAULT_DB})")


def _expand(patterns: list[str], format_name: str | None = None) -> tuple[list[str], list[str]]:
    """The files to load, and a note for each folder or pattern that held none (a folder's own files only: not
    its subfolders, not .json, not links that lead nowhere). A Didomi export folder (date=YYYY-MM-DD partitions) is
    one input."""
    from dashboard.ingest import file_format

    files: list[str] = []
    empty: list[str] = []
    for pattern in patterns:
        if os.path.isdir(pattern) and (format_name == "didomi-events" or any(
                name.startswith(("date=", "export-id=")) for name in os.listdir(pattern))):
            files.append(pattern)
        elif os.path.isdir(pattern):
            found = sorted(
                os.path.join(pattern, f) for f in os.listdir(pattern)
                if os.path.isfile(os.path.join(pattern, f)) and file_format(f) is not None
            )
            if not found:
                empty.append(f"{pattern}: no log files in this folder (.csv, .csv.gz, .jsonl, .ndjson, .parquet; "
                             "subfolders are not searched)")
            files.extend(found)
        else:
            matches = sorted(glob.glob(pattern))
            files.extend(matches or [pattern])
    return files, empty


def importers_names() -> tuple[str, ...]:
    from dashboard.importers import NAMES

    return NAMES


def _refresh_not_finished(file: str, problem: str) -> str:
    """After a load or an unload whose rows are committed but whose refresh of the derived tables failed."""
    return _("REFRESH NOT FINISHED after {file}: {problem}. The change to the rows is stored; the pages say which "
             "days are pending until `python -m dashboard refresh` redoes them.").format(file=file, problem=problem)


def cmd_ingest(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from dashboard.ingest import StoreUnavailable, ingest_file

    db = config.db_path(args.db)
    files, empty = _expand(args.files, args.format)
    for note in empty:
        print(_("NOTHING TO LOAD {note}").format(note=note), file=sys.stderr)
    if not files:
        return 2
    worst = 2 if empty else 0
    show_bar = sys.stderr.isatty() and not args.quiet
    bar = tqdm(total=len(files) * 4, unit="step", disable=not show_bar, leave=False)
    for path in files:
        bar.set_description(os.path.basename(path))
        steps_done = 0

        def progress(phase: str) -> None:
            nonlocal steps_done
            bar.set_postfix_str(phase)
            if steps_done < 4:  # reading, validating, storing, recording; then the refresh's months
                steps_done += 1
                bar.update(1)

        try:
            result = ingest_file(path, db, log_name=args.log, progress=progress, format_name=args.format)
        except StoreUnavailable as exc:
            bar.close()
            rest = files[files.index(path):]
            print(_("STORE UNAVAILABLE: {problem}. Not loaded: {files}").format(problem=exc, files=", ".join(rest)),
                  file=sys.stderr)
            return 2
        bar.update(4 - steps_done)
        worst = max(worst, result.exit_code)
        if result.refused:
            tqdm.write(_("REFUSED {file}: {why}. Nothing from this file was stored.").format(file=path,
                                                                                          why=result.refused),
                       file=sys.stderr)
            continue
        for line in (result.report.lines() if result.report else []):
            tqdm.write(f"{path}: {line}")
        summary = _("{file} -> {log} (run {run}): {read} rows read, {stored} stored, {rejected} rejected, "
                    "{duplicate} already in the store").format(
            file=path, log=result.log, run=result.run_id, read=result.rows_read, stored=result.accepted,
            rejected=result.rejected, duplicate=result.duplicate)
        if result.conflicting:
            summary += _("; {count} conflict with stored rows of the same id").format(count=result.conflicting)
        if result.seen_before and result.accepted == 0 and not result.conflicting:
            summary += _(" (nothing new: this file was already ingested)")
        tqdm.write(summary)
        for r in result.rejections:
            tqdm.write("  " + _("{file}: row {row}, column {column}: {reason}").format(
                file=path, row=r.row, column=r.column, reason=r.reason), file=sys.stderr)
        if result.rejected > len({r.row for r in result.rejections}):
            tqdm.write("  " + _("... see all rejected rows on the Data quality page or in table rejected_rows"),
                       file=sys.stderr)
        if result.refresh_problem:
            worst = max(worst, 1)
            tqdm.write(_refresh_not_finished(path, result.refresh_problem), file=sys.stderr)
    bar.close()
    return worst


def cmd_sample(args: argparse.Namespace) -> int:
    from dashboard.sample import generate

    manifest = generate(args.out, seed=args.seed, scale=args.scale, until=args.until)
    print(_("wrote sample logs to {folder} (as of {as_of}): {rows}").format(
        folder=args.out, as_of=manifest["as_of"], rows=", ".join(f"{k} {v}" for k, v in manifest["rows"].items())))
    return 0


EARLIEST, LATEST_YEARS_AHEAD = 1990, 5


def _date(text: str):
    """A date within 1990 .. five years from now: anything else is a typo, and a far date costs every query."""
    from datetime import date

    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from exc
    if not EARLIEST <= day.year <= config.today().year + LATEST_YEARS_AHEAD:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside {EARLIEST} .. {config.today().year + LATEST_YEARS_AHEAD}")
    return day


def _run(db_arg: str | None, name: str, **params):
    """Run a named query read-only against the store (the same queries the pages use)."""
    from dashboard import sql, store

    with store.read_current(config.db_path(db_arg)) as con:
        return sql.run(con, name, **params)


def cmd_alerts(args: argparse.Namespace) -> int:
    import json

    from dashboard.deadlines import queue_params

    as_of = args.as_of or config.today()
    within = config.settings().at_risk_working_days if args.within_days is None else args.within_days
    # The page's queue query, filtered to the states that need action: the page and the alerts agree.
    alerts = _run(args.db, "rpt_request_queue", types=[], statuses=["overdue", "at_risk"], channels=[],
                  limit=None, offset=0, **queue_params(as_of, at_risk_days=within)).drop("total_rows")
    overdue = alerts.filter(alerts["sla_status"] == "overdue").height
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "within_working_days": within, "overdue": overdue,
                          "due_soon": alerts.height - overdue,
                          "requests": alerts.to_dicts()}, default=str, indent=2))
    else:  # in AUDIT_LANG (docs/i18n.md); the JSON above is an interface and stays English
        from dashboard import i18n, labels

        if alerts.is_empty():
            print(ngettext("As of {day}: no request is overdue or due within {within} working day.",
                           "As of {day}: no request is overdue or due within {within} working days.", within).format(
                day=i18n.day(as_of), within=within))
        else:
            print(ngettext("As of {day}: {overdue} overdue, {soon} due within {within} working day.",
                           "As of {day}: {overdue} overdue, {soon} due within {within} working days.", within).format(
                day=i18n.day(as_of), overdue=overdue, soon=alerts.height - overdue, within=within))
            for r in alerts.iter_rows(named=True):
                when = (ngettext("{days} day overdue", "{days} days overdue", r["days_late"]).format(
                    days=r["days_late"]) if r["sla_status"] == "overdue" else ngettext(
                    "{days} working day left", "{days} working days left", r["working_days_left"]).format(
                    days=r["working_days_left"]))
                print("  " + _("{request:<16} {type:<14} received {received}  deadline {deadline}  {when}").format(
                    request=r["request_id"], type=labels.word(r["request_type"]),
                    received=i18n.day(r["received_day"]), deadline=i18n.day(r["deadline"]), when=when))
    return 1 if overdue else 0


def cmd_metrics(args: argparse.Namespace) -> int:
    import json

    from dashboard import metrics, sql, store

    if args.date_from > args.date_to:
        print(_("--from is after --to"), file=sys.stderr)
        return 2
    from dashboard import i18n

    # The JSON is an interface: English whatever AUDIT_LANG says (docs/i18n.md).
    with store.read_current(config.db_path(args.db)) as con, i18n.use("en" if args.json else i18n.current()):
        result = metrics.compute(lambda name, **p: sql.run(con, name, **p), args.date_from, args.date_to,
                                 args.as_of or config.today())
    if args.json:
        print(json.dumps(result, indent=2))
    else:  # in AUDIT_LANG: the figures' names as the pages and the report name them
        from dashboard import findings, labels, report

        for area, keys in report.REPORTED.items():
            print(f"{_(report.AREAS[area])}:")
            for key in keys:
                print(f"  {labels.name(area, key)}: {report.format_figure(key, result[area][key])}")
        print(_("Findings") + ":")
        for f in result["findings"]:
            if f["count"]:
                print(f"  [{labels.word(f['severity'])}] {findings.title(f['rule'])}: {f['count']}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import re

    from dashboard import report, sql, store

    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", args.month):  # ASCII digits (\d takes any script's)
        print(_("--month {month!r} is not YYYY-MM").format(month=args.month), file=sys.stderr)
        return 2
    if not EARLIEST <= int(args.month[:4]) <= config.today().year + LATEST_YEARS_AHEAD:
        print(_("--month {month!r} is outside {low} .. {high}").format(
            month=args.month, low=EARLIEST, high=config.today().year + LATEST_YEARS_AHEAD), file=sys.stderr)
        return 2
    from dashboard import i18n

    out = args.out or f"privacy-report-{args.month}.html"
    with store.read_current(config.db_path(args.db)) as con, i18n.use(args.lang or i18n.current()):
        text = report.build(lambda name, **p: sql.run(con, name, **p), args.month, args.as_of,
                            detail=not args.summary)
        with open(out, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(i18n._("wrote {file} ({kb} KB): open it in a browser, print to PDF from there").format(
            file=out, kb=len(text.encode()) // 1024))
    return 0


def cmd_unload(args: argparse.Namespace) -> int:
    from dashboard.ingest import unload

    try:
        done = unload(args.run_id, config.db_path(args.db))
    except ValueError as exc:
        print(_("Nothing unloaded: {problem}.").format(problem=exc), file=sys.stderr)
        return 2
    print(_("Unloaded run {run} ({file} -> {log}): {rows} rows and {rejected} rejected rows removed; the run stays "
            "in ingest_runs, marked unloaded.").format(run=done.run_id, file=done.file, log=done.log, rows=done.rows,
                                                      rejected=done.rejected_rows))
    if done.refresh_problem:
        print(_refresh_not_finished(done.file, done.refresh_problem), file=sys.stderr)
        return 1
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    """Run the refresh jobs: what an ingest or an interrupted refresh left pending, or the days asked for; with
    --lake, over a Parquet lake on the engine named (docs/scale.md)."""
    from dashboard import refresh, store

    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(_("Nothing refreshed: --from is after --to."), file=sys.stderr)
        return 2
    if args.lake or args.logs_database:
        return _refresh_lake(args)
    if args.engine != "duckdb" or args.out:
        print(_("Nothing refreshed: --engine clickhouse and --out need --lake LAKE (the store's own refresh runs "
                "on DuckDB)."), file=sys.stderr)
        return 2
    db = config.db_path(args.db)
    try:
        done = refresh.run_pending(db, None if args.quiet else (lambda msg: print(msg, file=sys.stderr)),
                                   args.date_from, args.date_to, everything=args.all)
    except (store.StoreMissing, store.NotAStore) as exc:
        print(_("Nothing refreshed: {problem}").format(problem=exc), file=sys.stderr)
        return 2
    if not done:
        print(_("Nothing was pending: every derived table agrees with the logs."))
    for d in done:
        print(_("{table}: {first} – {last} refreshed").format(table=d.table, first=d.day_from, last=d.day_to))
    return 0


def _refresh_lake(args: argparse.Namespace) -> int:
    from dashboard import lake, store

    if args.all:
        print(_("Nothing refreshed: --all is for a store; over a lake every day is refreshed unless --from or --to "
                "says otherwise."), file=sys.stderr)
        return 2
    if (args.out is None) == (args.db is None):
        print(_("Nothing refreshed: say where the tables go, --out DIR or --db STORE (one of them)."),
              file=sys.stderr)
        return 2
    try:
        done = lake.refresh_lake(args.engine, args.lake, args.date_from, args.date_to, out=args.out, db=args.db,
                                 progress=None if args.quiet else (lambda msg: print(msg, file=sys.stderr)),
                                 logs_database=args.logs_database)
    except (lake.LakeError, store.NotAStore) as exc:
        print(_("Nothing refreshed: {problem}").format(problem=exc), file=sys.stderr)
        return 2
    if not done:
        print(_("Nothing refreshed: the lake holds no events on those days."))
    for d in done:
        print(ngettext("{table}: {first} – {last} refreshed on {engine}, {rows} row in {seconds:.1f} s",
                       "{table}: {first} – {last} refreshed on {engine}, {rows} rows in {seconds:.1f} s", d.rows).format(
            table=d.table, first=d.day_from, last=d.day_to, engine=args.engine, rows=d.rows, seconds=d.seconds))
    return 0


def cmd_lake_export(args: argparse.Namespace) -> int:
    """The store's five logs as a Parquet lake partitioned by log and month (docs/scale.md)."""
    from dashboard import lake

    db = config.db_path(args.db)
    try:
        written = lake.export(db, args.out, None if args.quiet else (lambda msg: print(msg, file=sys.stderr)))
    except lake.LakeError as exc:
        print(_("Nothing exported: {problem}").format(problem=exc), file=sys.stderr)
        return 2
    for log, rows in written.items():
        print(ngettext("{log}: {rows} row written to {folder}", "{log}: {rows} rows written to {folder}", rows).format(
            log=log, rows=rows, folder=os.path.join(args.out, log)))
    return 0


def cmd_access_log(args: argparse.Namespace) -> int:
    """The dashboard's own access log: the integrity of every month file, then the entries (the page's queries)."""
    import json
    from datetime import timedelta

    import polars as pl

    from dashboard import access_log

    checks = access_log.verify_all()
    if not checks:
        print(_("No access log in {folder} yet (AUDIT_ACCESS_LOG_DIR).").format(folder=access_log.log_dir()))
        return 0
    for c in checks:
        state = _("intact") if c.intact else _("ALTERED from line {line}: {problem}").format(line=c.broken_at,
                                                                                              problem=c.problem)
        if c.partial:
            state += " " + _("(lines {lines} cut short by a crash or a full disk)").format(
                lines=", ".join(map(str, c.partial)))
        print(_("{file}: {lines} lines, {state}").format(file=c.path.name, lines=c.lines, state=state),
              file=sys.stderr if args.json else sys.stdout)
    date_to = args.date_to or config.today()
    params = {"date_from": args.date_from or date_to - timedelta(days=29), "date_to": date_to,
              "tz": config.settings().timezone, "events": args.event or [], "page": args.page or "",
              "user": args.user or ""}
    rows = access_log.run("rpt_access_log", limit=args.limit, offset=0, **params).drop("total_rows")
    if args.json:
        print(json.dumps(rows.to_dicts(), default=str, indent=2))
    else:
        daily = access_log.run("rpt_access_log_daily", **params)
        totals = daily.group_by("event").agg(pl.col("events").sum()).sort("event")
        print(f"{params['date_from']} – {date_to}: " + (", ".join(
            f"{r['event']} {r['events']}" for r in totals.iter_rows(named=True)) or _("no entries")))
        for r in rows.iter_rows(named=True):
            rows_note = (" " + ngettext("({rows} row)", "({rows} rows)", r["row_count"]).format(rows=r["row_count"])
                         if r["row_count"] is not None else "")
            print(f"  {r['occurred_at']:%Y-%m-%d %H:%M:%S}  {r['event']:<9} {r['user_email']:<30} {r['role']:<10} "
                  f"{r['page']:<12} {r['detail']}{rows_note}")
    return 0 if all(c.intact for c in checks) else 1


REVIEW_STATUSES = ("open", "in progress", "resolved", "accepted risk", "not an issue")  # reviews.STATUSES


def cmd_reviews(args: argparse.Namespace) -> int:
    """The review journal (docs/reviews.md): the decisions in force, the whole journal as CSV, or a new decision."""
    import json

    from dashboard import access_log, reviews

    where = args.journal
    if args.action == "export":
        data = reviews.export_csv(args.csv, where)
        count = len(reviews.every_id(where))
        if args.out:
            with open(args.out, "wb") as fh:
                fh.write(data)
            print(ngettext("wrote {file}: {count} decision", "wrote {file}: {count} decisions", count).format(
                file=args.out, count=count), file=sys.stderr)
        else:
            sys.stdout.buffer.write(data)
        access_log.append("export", "local", "dpo", page="reviews", detail="journal csv", rows=count)
        return 0
    if args.action == "add":
        if not (args.rule and args.instance and args.status):
            print(_("add needs RULE INSTANCE --status S"), file=sys.stderr)
            return 2
        try:
            d = reviews.record(args.rule, args.instance, args.status, "local", owner=args.owner or "",
                               note=args.note or "", due=args.due, where=where)
        except reviews.ReviewError as exc:
            print(_("NOT RECORDED: {problem}").format(problem=exc), file=sys.stderr)
            return 2
        access_log.append("decision", "local", "dpo", page="reviews",
                          detail=f"{d.rule} {d.instance}: {d.status}" + (f", due {d.due}" if d.due else ""))
        print(_("recorded decision {id}: {rule} {instance} -> {status}").format(id=d.id, rule=d.rule,
                                                                                 instance=d.instance, status=d.status))
        return 0
    if args.rule or args.instance:
        print(_("list takes no rule or instance: use --rule to filter, or 'reviews add RULE INSTANCE'"),
              file=sys.stderr)
        return 2
    rows = reviews.latest(status=args.status, rule=args.rule_filter, where=where)
    gone: set = set()
    db = config.db_path(args.db)
    if rows and db.exists():  # which decisions are on rows since unloaded
        from dashboard import sql, store

        try:
            with store.read_current(db) as con:
                gone = reviews.no_longer_present(lambda name, **p: sql.run(con, name, **p), rows)
        except store.StoreOutdated as exc:  # the decisions are listed all the same
            print(_("Cannot tell which findings are no longer present: {problem}").format(problem=exc),
                  file=sys.stderr)
    if args.json:
        print(json.dumps([{**vars(d), "finding_present": (d.rule, d.instance) not in gone} for d in rows],
                         indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print(_("No decision recorded with status {status}.").format(status=args.status) if args.status
              else _("No decision recorded."))
        return 0
    for d in rows:
        due = " " + _("due {day}").format(day=d.due) if d.due else ""
        absent = "  " + _("[finding no longer present]") if (d.rule, d.instance) in gone else ""
        print(f"{d.decided_at[:16].replace('T', ' ')}  {d.rule:<26} {d.instance:<28} {d.status:<13} "
              f"{d.owner or '-'}{due}  ({d.decided_by}) {d.note}{absent}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Privacy Audit Dashboard command line")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="validate log files and append their good rows to the store")
    p.add_argument("files", nargs="+", help="files or folders (.csv, .csv.gz, .jsonl, .parquet)")
    p.add_argument("--log", help="which log the files hold (default: from the columns, else the file name's "
                                 "prefix)")
    p.add_argument("--format", choices=importers_names(), metavar="NAME",
                   help="the file's format (default: recognised from its header or fields): "
                        + ", ".join(importers_names()))
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    _add_db(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("unload", help="take one loaded file back out of the store (its rows, its rejected rows); "
                                      "the run ids are on the Data quality page")
    p.add_argument("run_id", type=int, help="the run that loaded the file (ingest prints it)")
    _add_db(p)
    p.set_defaults(func=cmd_unload)

    p = sub.add_parser("refresh", help="run the refresh jobs of the derived tables (what is pending, or the days "
                                       "asked for); docs/refresh.md")
    p.add_argument("--from", dest="date_from", type=_date, help="first local day to redo (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_date, help="last local day to redo (YYYY-MM-DD)")
    p.add_argument("--all", action="store_true", help="rebuild every derived table from the logs")
    p.add_argument("--lake", help="run the jobs over this Parquet lake (python -m dashboard lake export) rather "
                                  "than over the store's logs; docs/scale.md")
    p.add_argument("--engine", choices=("duckdb", "clickhouse"), default="duckdb",
                   help="with --lake: the engine that runs the jobs (clickhouse: at $AUDIT_CLICKHOUSE_URL, by "
                        "default the embedded chdb)")
    p.add_argument("--logs-database", metavar="DB",
                   help="with --engine clickhouse, instead of --lake: the logs are tables of this ClickHouse "
                        "database (on a cluster, Distributed tables); docs/scale.md")
    p.add_argument("--out", help="with --lake: write each table as OUT/<table>.parquet")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.add_argument("--db", help=f"the store to refresh (default: $AUDIT_DB or {config.DEFAULT_DB}); with --lake, "
                                "the store the tables are loaded into")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("lake", help="the store's logs as a Parquet lake; docs/scale.md")
    lake_sub = p.add_subparsers(dest="lake_command", required=True)
    p = lake_sub.add_parser("export", help="write the store's five logs as LAKE/<log>/month=YYYY-MM/*.parquet")
    p.add_argument("--out", required=True, help="the lake's folder")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    _add_db(p)
    p.set_defaults(func=cmd_lake_export)

    p = sub.add_parser("sample", help="generate deterministic sample logs with planted problems")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--until", default=None, help="last day of the logs (default 2026-11-24)")
    p.set_defaults(func=cmd_sample)

    p = sub.add_parser("alerts", help="overdue and soon-due requests; exit 1 when any is overdue")
    p.add_argument("--as-of", type=_date, help="the day to judge on (default: today)")
    p.add_argument("--within-days", type=int, help="due within this many working days (default 5)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_db(p)
    p.set_defaults(func=cmd_alerts)

    p = sub.add_parser("metrics", help="every area's figures for a period (the same queries as the pages)")
    p.add_argument("--from", dest="date_from", type=_date, required=True, help="first local day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_date, required=True, help="last local day, inclusive")
    p.add_argument("--as-of", type=_date, help="states as of this day (default: today)")
    p.add_argument("--json", action="store_true", help="print the JSON documented in docs/metrics.md")
    _add_db(p)
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("report", help="the monthly report as one self-contained HTML file")
    p.add_argument("--month", required=True, help="YYYY-MM")
    p.add_argument("--out", help="file to write (default privacy-report-YYYY-MM.html)")
    p.add_argument("--as-of", type=_date, help="states as of this day (default: the month's last day, or today)")
    p.add_argument("--summary", action="store_true",
                   help="management's copy: overdue requests and unsafe transfers counted, no request ids listed")
    p.add_argument("--lang", choices=["sv", "en"], help="the report's language (default: AUDIT_LANG, else sv)")
    _add_db(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("access-log", help="the dashboard's own access log, with its integrity check (exit 1 if "
                                          "a file was altered)")
    p.add_argument("--from", dest="date_from", type=_date, help="first day (default: 29 days before --to)")
    p.add_argument("--to", dest="date_to", type=_date, help="last day (default: today)")
    p.add_argument("--event", action="append", choices=["sign_in", "sign_out", "page_view", "export", "denied"],
                   help="only these events (repeatable)")
    p.add_argument("--page", help="only this page (e.g. transfers)")
    p.add_argument("--user", help="only users whose e-mail contains this")
    p.add_argument("--limit", type=int, default=50, help="how many entries to list, newest first (default 50)")
    p.add_argument("--json", action="store_true", help="the entries as JSON (integrity lines go to stderr)")
    p.set_defaults(func=cmd_access_log)

    p = sub.add_parser("reviews", help="the review journal: the DPO's decision on each finding (docs/reviews.md)")
    p.add_argument("action", nargs="?", choices=("list", "export", "add"), default="list",
                   help="list the decisions in force (default), export the whole journal as CSV, or add one")
    p.add_argument("rule", nargs="?", help="add: the finding's rule (e.g. request_overdue)")
    p.add_argument("instance", nargs="?", help="add: the row the finding is about (its id, e.g. a request id)")
    p.add_argument("--status", choices=REVIEW_STATUSES, help="list: only this status; add: the decision")
    p.add_argument("--rule", dest="rule_filter", help="list: only this rule")
    p.add_argument("--owner", help="add: who acts on it (a name or a team)")
    p.add_argument("--note", help="add: what was decided and why")
    p.add_argument("--due", help="add: by when (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="list: as JSON")
    p.add_argument("--out", help="export: write to this file (default: standard output)")
    p.add_argument("--csv", choices=("standard", "excel_sv"), default="standard",
                   help="export: standard CSV or Excel with Swedish settings")
    p.add_argument("--journal", help="the journal (default: $AUDIT_REVIEW_DB or data/reviews.sqlite)")
    _add_db(p)
    p.set_defaults(func=cmd_reviews)

    sub.add_parser("bench", help="the scale benchmark (writes BENCHMARKS.md; see python -m dashboard bench --help)")
    sub.add_parser("bench-browser", help="time to a finished page in chromium, per page, on the sample data "
                                         "(writes BENCHMARKS.browser.md)")
    sub.add_parser("bench-imports", help="a million-row Usercentrics and Didomi export imported (writes "
                                         "BENCHMARKS.imports.md)")
    sub.add_parser("serve", help="serve the dashboard (streamlit run with the DNS-rebinding guard; streamlit's "
                                 "options follow)")
    return parser


def main(argv: list[str] | None = None) -> int:
    from dashboard.store import NotAStore, StoreMissing, StoreOutdated

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark has its own options (python -m dashboard bench --help)
        from dashboard import bench

        return bench.main(argv[1:])
    if argv[:1] == ["bench-browser"]:
        from dashboard import pagetiming

        return pagetiming.main(argv[1:])
    if argv[:1] == ["bench-lake"]:
        from dashboard import bench_lake

        return bench_lake.main(argv[1:])
    if argv[:1] == ["bench-imports"]:
        from dashboard import bench_imports

        return bench_imports.main(argv[1:])
    if argv[:1] == ["serve"]:  # streamlit's own options follow (python -m dashboard serve --server.port 8502)
        from dashboard import serve

        return serve.main(argv[1:])
    args = build_parser().parse_args(argv)
    import duckdb

    from dashboard.i18n import LanguageError
    from dashboard.ingest import StoreUnavailable, store_problem

    try:
        return args.func(args)
    except (StoreMissing, StoreUnavailable, NotAStore, StoreOutdated) as exc:
        print(exc, file=sys.stderr)
        return 2
    except config.SettingsError as exc:
        print(_("The settings cannot be used: {problem}.").format(problem=exc), file=sys.stderr)
        return 2
    except LanguageError as exc:  # the Swedish catalogue was not compiled (make does it)
        print(f"Cannot speak that language: {exc}.", file=sys.stderr)  # English: the catalogue is what is missing
        return 2
    except duckdb.Error as exc:  # a reader that cannot open the store: say why, no traceback
        problem = store_problem(exc, config.db_path(getattr(args, "db", None)))
        if problem is None:
            raise
        print(_("Cannot read the store: {problem}.").format(problem=problem), file=sys.stderr)
        return 2
