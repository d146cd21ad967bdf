"""The monthly report: one self-contained HTML file (charts and their script inlined, readable offline, printable).

Built from the same metrics and queries as the pages, for a calendar month, with the previous month beside it.
"""

from __future__ import annotations

import calendar
import html
from datetime import date, timedelta

import polars as pl

from dashboard import charts, consent, findings, labels, metrics, transfers
from dashboard.config import settings
from dashboard.deadlines import period_params, queue_params, rules_in_force

# The figures of the key-figure tables, in order, named and defined as on the pages (labels.FIGURES).
REPORTED = {
    "requests": ("received", "closed", "on_time", "late", "open", "overdue", "at_risk", "withdrawn", "extended",
                 "invalid_extensions", "on_time_rate", "missed_deadline_rate", "internal_target_rate",
                 "depends_on_calendar", "identification_asked_late", "median_days_to_close", "rejected_rows",
                 "out_of_order"),
    "holds": ("active", "blocked_records", "overdue", "release_due_90d", "rejected_rows", "out_of_order"),
    "transfers": ("total", "records", "non_eea", "non_eea_without_valid_mechanism", "sale_without_consent",
                  "rejected_rows"),
    "consent": ("shown", "decisions", "interaction_rate", "analytics_rate", "functional_rate", "accept_all_rate",
                "reject_all_rate", "withdrawals", "cookies_before_consent", "unknown_cookies",
                "reject_may_be_hidden", "boxes_may_be_preticked", "withdrawal_may_be_hard",
                "necessary_not_in_policy", "rejected_rows", "decisions_without_shown"),
}
LABELS = {area: {key: labels.name(area, key) for key in keys} for area, keys in REPORTED.items()}
AREAS = {"requests": "Data subject requests", "holds": "Legal holds", "transfers": "Transfers",
         "consent": "Cookie consent"}

DEFINITIONS = [
    ("Period", "From the first to the last day of the month, in local (Europe/Stockholm) dates."),
    ("Requests", "Requests received in the month, in their state as of the as-of date; open, overdue and at risk "
                 "are the backlog on the as-of date, whatever month a request was received in. A request is due one month "
                 "after receipt (three when validly extended), counted per Regulation 1182/71 and moved to the next "
                 "Swedish working day (GDPR Art. 12(3)); the holidays and the clock in force are stated under the "
                 "title; see docs/sla.md."),
    ("Legal holds", "The state as of the as-of date: active holds, the records they block, holds whose retain-until "
                    "date has passed without release; see docs/holds.md."),
    ("Transfers", "Disclosures in the month. Outside the EU/EEA a transfer needs an adequacy decision in force that "
                  "day, standard contractual clauses or binding corporate rules; see docs/transfers.md."),
    ("Consent", "Banner events in the month. Rates are shares of decisions (accept all, reject all, custom), except "
                "interaction = decisions / banner shown. A cookie before consent is an analytics or functional "
                "cookie seen when the visitor's latest decision did not allow it; see docs/consent.md."),
]

# A status is said in words and a mark as well as a colour (WCAG 1.4.1).
STATUS_MARK = {"off track": "✖", "needs attention": "▲", "no data": "∅", "data ends": "⋯", "on track": "✔"}

CSS = """
body { font-family: -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; color: #222; margin: 2rem auto;
       max-width: 1000px; line-height: 1.4; }
h1 { font-size: 1.7rem; margin-bottom: 0; } h2 { border-bottom: 2px solid #1f5c99; padding-bottom: .2rem; }
.sub { color: #555; margin-top: .2rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; } th { background: #f0f4f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: .1rem .5rem; border-radius: .3rem; font-weight: 600; }
.off-track { background: #f8d7da; } .needs-attention { background: #fff3cd; } .on-track { background: #d1e7dd; }
.no-data, .data-ends { background: #e2e3e5; }
.high { background: #f8d7da; } .medium { background: #fff3cd; } .low { background: #e2e3e5; }
section { page-break-inside: avoid; margin-bottom: 1.5rem; }
@media print { body { margin: 0; max-width: none; } section { page-break-inside: avoid; } h2 { page-break-after: avoid; } }
"""


def month_bounds(month: str) -> tuple[date, date]:
    year, mon = (int(x) for x in month.split("-"))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


def month_review(month: str, today: date | None = None) -> tuple[date, date, date]:
    """(from, to, as of) of a month under review: the month, as of its last day (or today, while it runs). The report
    and the sidebar's "Month review" use it, so the Overview of a month and its report show the same figures."""
    start, end = month_bounds(month)
    return start, end, min(end, today or date.today())


def previous_month(month: str) -> str:
    first, _ = month_bounds(month)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def _fmt(key: str, value) -> str:
    """A figure as the report prints it: rates as percentages, other decimals with one place, counts grouped."""
    if value is None:
        return "–"
    if key.endswith("_rate"):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return f"{value:,}".replace(",", " ")


def _table(frame: pl.DataFrame, empty: str) -> str:
    if frame.is_empty():
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(c.replace('_', ' '))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _review_section(run: metrics.Runner, now: dict, start: date, end: date, as_of: date, detail: bool) -> str:
    """How the month's findings stand in the review journal (docs/reviews.md): counts per area for everyone; with
    detail, each finding row with its decision, or "without a decision"."""
    from dashboard import reviews

    counts = pl.DataFrame([{"area": AREAS[area], **{k.replace(" ", "_"): v for k, v in c.items()}}
                           for area, c in now["decisions"].items()])
    text = ("<section><h2>Review of findings</h2><p class='sub'>The month's finding instances (requests, holds, "
            "transfers, cookie observations, banner versions, cookie names, rejected rows), against the decisions in the "
            "review journal: without a decision, "
            "decided by status, and decisions past their due date.</p>" + _table(counts, ""))
    if detail:
        decided = {(d.rule, d.instance): d for d in reviews.latest()}
        counts = metrics.rule_counts(now)
        rows, unlisted = [], []
        for area, rules in reviews.present(run, metrics.review_params(start, end, as_of), decided).items():
            for rule, ids in rules.items():
                if reviews.many_rows(rule) and counts.get(rule, 0) > len(ids):
                    unlisted.append(f"{counts[rule] - len(ids)} × {findings.BY_RULE[rule].title.lower()} "
                                    f"({AREAS[area]})")
                for instance in sorted(ids):
                    d = decided.get((rule, instance))
                    rows.append({"area": AREAS[area], "finding": findings.BY_RULE[rule].title, "row": instance,
                                 "decision": d.status if d else "without a decision",
                                 "owner": d.owner if d else None, "due": d.due if d else None,
                                 "decided_on": d.decided_at[:10] if d else None, "by": d.decided_by if d else None,
                                 "note": d.note if d else None})
        frame = pl.DataFrame(rows, schema={k: pl.String for k in ("area", "finding", "row", "decision", "owner",
                                                                   "due", "decided_on", "by", "note")})
        text += ("<h3>Each finding row</h3>" + _table(frame, "No finding row in the month.")
                 + (f"<p class='sub'>Counted above, not listed (there can be many; the pages list them), without a "
                    f"decision: {html.escape('; '.join(unlisted))}.</p>" if unlisted else ""))
    return text + "</section>"


def build(run: metrics.Runner, month: str, as_of: date | None = None, detail: bool = True) -> str:
    """The report for month (YYYY-MM) as one HTML document. as_of defaults to the month's last day (or today).

    Without detail (management's copy) overdue requests and transfers without a safeguard are counted by type and
    by recipient instead of listed, so the report carries no request id."""
    start, end, review_as_of = month_review(month)
    prev_start, prev_end = month_bounds(previous_month(month))
    as_of = as_of or review_as_of
    now = metrics.compute(run, start, end, as_of)
    before = metrics.compute(run, prev_start, prev_end, min(prev_end, as_of), decisions=False)
    tz = settings().timezone

    parts = [f"<h1>Privacy audit report: {html.escape(month)}</h1>",
             f"<p class='sub'>{start} – {end}, states as of {as_of}. Beside each figure: "
             f"{previous_month(month)} (as of {min(prev_end, as_of)}).</p>",
             f"<p class='sub'>Deadlines: {html.escape(rules_in_force())}.</p>"]

    rows = []
    for area, title in AREAS.items():
        st = now["status"][area]
        rows.append(f"<tr><td>{title}</td><td><span class='status {st['status'].replace(' ', '-')}'>"
                    f"{STATUS_MARK[st['status']]} {html.escape(st['label'])}</span></td>"
                    f"<td>{html.escape(st['why'])}</td></tr>")
    parts.append("<section><h2>Status</h2><table><thead><tr><th>Area</th><th>Status</th><th>Why</th></tr></thead>"
                 f"<tbody>{''.join(rows)}</tbody></table></section>")

    kpi = ["<section><h2>Key figures</h2>"]
    for area, names in LABELS.items():
        kpi.append(f"<h3>{AREAS[area]}</h3><table><thead><tr><th>Figure</th><th>{month}</th>"
                   f"<th>{previous_month(month)}</th></tr></thead><tbody>")
        for key, label in names.items():
            kpi.append(f"<tr><td title='{html.escape(labels.definition(area, key), quote=True)}'>{label}</td>"
                       f"<td class='num'>{_fmt(key, now[area][key])}</td>"
                       f"<td class='num'>{_fmt(key, before[area][key])}</td></tr>")
        kpi.append("</tbody></table>")
    kpi.append("</section>")
    parts.append("".join(kpi))

    found = [f for f in now["findings"] if f["count"]]
    rows = "".join(
        f"<tr><td><span class='status {f['severity']}'>{f['severity']}</span></td>"
        f"<td>{html.escape(findings.BY_RULE[f['rule']].title)}</td><td class='num'>{f['count']}</td></tr>"
        for f in found)
    parts.append("<section><h2>Findings</h2>" + (
        f"<table><thead><tr><th>Severity</th><th>Rule</th><th>Count</th></tr></thead><tbody>{rows}</tbody></table>"
        if found else "<p>No rule was broken in the month.</p>") + "</section>")

    parts.append(_review_section(run, now, start, end, as_of, detail))

    overdue = run("rpt_request_queue", types=[], statuses=["overdue"], channels=[], limit=None, offset=0,
                  **queue_params(as_of))
    overdue = (overdue.select("request_id", "request_type", "received_day", "deadline", "days_late") if detail else
               overdue.group_by("request_type").agg(pl.len().alias("overdue_requests"),
                                                    pl.col("days_late").max().alias("most_days_late"))
               .sort("request_type"))
    parts.append(f"<section><h2>Overdue requests on {as_of}</h2><p class='sub'>Every open request past its "
                 "deadline, whatever month it was received in.</p>"
                 + _table(overdue, f"No request was overdue on {as_of}.") + "</section>")

    invalid = run("rpt_transfer_log", **transfers.every_row(), **transfers.base_params(start, end, tz),
                  **transfers.TransferFilter(without_safeguard=True).params())
    parts.append("<section><h2>Transfers outside the EU/EEA without a valid safeguard</h2>"
                 + _table(invalid.select("transfer_id", "occurred_at", "recipient", "country", "mechanism",
                                         "record_count", "findings") if detail else
                          invalid.group_by("recipient", "country", "mechanism").agg(
                              pl.len().alias("transfers"), pl.col("record_count").sum().alias("records"))
                          .sort("transfers", "recipient", descending=[True, False]),
                          "Every transfer outside the EU/EEA in the month had a valid safeguard.") + "</section>")

    trend = consent.trend_frame(run("rpt_consent_rates", **consent.params(start, end, tz, group_by="day")))
    versions = run("rpt_banner_versions", tz=tz).filter(
        (pl.col("first_day") > start) & (pl.col("first_day") <= end))
    chart = ("<p>No banner event in the month.</p>" if trend.is_empty() else
             charts.consent_trend(trend, "day", versions).to_html(full_html=False, include_plotlyjs=True,
                                                                   config={"staticPlot": True}))
    parts.append(f"<section><h2>Consent trends</h2>{chart}</section>")

    volume = run("rpt_request_volume", grain="week", **period_params(as_of, start, end))
    if not volume.is_empty():
        fig = charts.request_volume(volume, "week")
        parts.append("<section><h2>Requests received</h2>"
                     + fig.to_html(full_html=False, include_plotlyjs=trend.is_empty(), config={"staticPlot": True})
                     + "</section>")

    defs = "".join(f"<dt><b>{t}</b></dt><dd>{html.escape(d)}</dd>" for t, d in DEFINITIONS)
    parts.append(f"<section><h2>Definitions</h2><dl>{defs}</dl></section>")
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>Privacy audit report {html.escape(month)}</title><style>{CSS}</style></head><body>"
            + "".join(parts) + "</body></html>")



