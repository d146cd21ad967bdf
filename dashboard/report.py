"""The monthly report: one self-contained HTML file (charts and their script inlined, readable offline, printable).

Built from the same metrics and queries as the pages, for a calendar month, with the previous month beside it.
"""

from __future__ import annotations

import calendar
import html
from datetime import date, datetime, timedelta

import polars as pl

from dashboard import charts, config, consent, findings, i18n, labels, metrics, refresh, transfers
from dashboard.config import settings
from dashboard.deadlines import period_params, queue_params, rules_in_force
from dashboard.i18n import N_, _

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
AREAS = {"requests": N_("Data subject requests"), "holds": N_("Legal holds"), "transfers": N_("Transfers"),
         "consent": N_("Cookie consent")}
# The report's tables' columns, named in words (the frames keep the queries' names).
COLUMNS = {
    "request_id": N_("Request"), "request_type": N_("Type"), "received_day": N_("Received"),
    "deadline": N_("Deadline"), "overdue_requests": N_("Overdue requests"),
    "most_days_late": N_("Most days past deadline"), "transfer_id": N_("Transfer"), "occurred_at": N_("When"),
    "recipient": N_("Recipient"), "country": N_("Country"), "mechanism": N_("Mechanism"),
    "record_count": N_("Records"), "records": N_("Records"), "transfers": N_("Transfers"),
    "findings": N_("Findings"), "area": N_("Area"), "finding": N_("Finding"), "row": N_("Instance"),
    "decision": N_("Decision"), "owner": N_("Owner"), "due": N_("Due"), "decided_on": N_("Decided on"),
    "by": N_("By"), "note": N_("Note"), "without_decision": N_("Without a decision"), "open": N_("Open"),
    "in_progress": N_("In progress"), "resolved": N_("Resolved"), "accepted_risk": N_("Accepted risk"),
    "not_an_issue": N_("Not an issue"), "due_passed": N_("Due date passed"), "findings_found": N_("Finding instances"),
}

DEFINITIONS = [
    (N_("Period"), N_("From the first to the last day of the month, in local (Europe/Stockholm) dates.")),
    (N_("Requests"), N_("Requests received in the month, in their state as of the as-of date; open, overdue and at risk "
                 "are the backlog on the as-of date, whatever month a request was received in. A request is due one month "
                 "after receipt (three when validly extended), counted per Regulation 1182/71 and moved to the next "
                 "Swedish working day (GDPR Art. 12(3)); the holidays and the clock in force are stated under the "
                 "title; see docs/sla.md.")),
    (N_("Legal holds"), N_("The state as of the as-of date: active holds, the records they block, holds whose retain-until "
                    "date has passed without release; see docs/holds.md.")),
    (N_("Transfers"), N_("Disclosures in the month. Outside the EU/EEA a transfer needs an adequacy decision in force that "
                  "day, standard contractual clauses or binding corporate rules; see docs/transfers.md.")),
    (N_("Consent"), N_("Banner events in the month. Rates are shares of decisions (accept all, reject all, custom), except "
                "interaction = decisions / banner shown. A cookie before consent is an analytics or functional "
                "cookie seen when the visitor's latest decision did not allow it; see docs/consent.md.")),
]

# The report's headings and sentences written inside f-strings (the catalogue's extractor reads no call inside an
# f-string): each run reads them translated from T = _texts().
TEXTS = (
    N_('Count'),
    N_('Findings'),
    N_('Area'),
    N_('Requests received'),
    N_('Review of findings'),
    N_('Each finding row'),
    N_('Privacy audit report: {month}'),
    N_('Status'),
    N_('Why'),
    N_('Key figures'),
    N_('Figure'),
    N_('Severity'),
    N_('Rule'),
    N_('No rule was broken in the month.'),
    N_('Overdue requests on {day}'),
    N_('Every open request past its deadline, whatever month it was received in.'),
    N_('Transfers outside the EU/EEA without a valid safeguard'),
    N_('No banner event in the month.'),
    N_('Consent trends'),
    N_('Definitions'),
    N_('Privacy audit report {month}'),
)


def _texts() -> dict[str, str]:
    return {text: _(text) for text in TEXTS}


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
    return start, end, min(end, today or config.today())


def previous_month(month: str) -> str:
    first, _ = month_bounds(month)
    prev = first - timedelta(days=1)
    return f"{prev.year:04d}-{prev.month:02d}"


def format_figure(key: str, value) -> str:
    """A figure as the report prints it: rates as percentages, other decimals with one place, counts grouped."""
    if value is None:
        return "–"
    if key.endswith("_rate"):
        return i18n.percent(value)
    if isinstance(value, float):
        return i18n.number(value, 1)
    return i18n.number(value)


def _cell(column: str, value) -> str:
    """A table cell in the report's language: codes as words, dates and numbers as the language writes them."""
    if value is None:
        return ""
    if column in labels.CODE_COLUMNS or column in ("mechanism", "decision"):
        return labels.word(value)
    if column == "findings":  # the rule ids a transfer breaks, comma-separated
        return "; ".join(findings.title(r) if r in findings.BY_RULE else r for r in str(value).split(", "))
    if isinstance(value, datetime):
        return f"{i18n.day(value)} {value:%H:%M}"
    if isinstance(value, date):
        return i18n.day(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return i18n.number(value)
    return str(value)


def _table(frame: pl.DataFrame, empty: str) -> str:
    if frame.is_empty():
        return f"<p>{html.escape(empty)}</p>"
    head = "".join(f"<th>{html.escape(labels.column(c, COLUMNS))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(c, v))}</td>" for c, v in zip(frame.columns, row)) + "</tr>"
        for row in frame.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _review_section(run: metrics.Runner, now: dict, start: date, end: date, as_of: date, detail: bool) -> str:
    """How the month's findings stand in the review journal (docs/reviews.md): counts per area for everyone; with
    detail, each finding row with its decision, or "without a decision"."""
    from dashboard import reviews

    T = _texts()
    counts = pl.DataFrame([{"area": _(AREAS[area]), **{k.replace(" ", "_"): v for k, v in c.items()}}
                           for area, c in now["decisions"].items()])
    text = (f"<section><h2>{T['Review of findings']}</h2><p class='sub'>"
            + html.escape(_("The month's finding instances (requests, holds, transfers, cookie observations, banner "
                            "versions, cookie names, rejected rows), against the decisions in the review journal: "
                            "without a decision, decided by status, and decisions past their due date."))
            + "</p>" + _table(counts.rename({"findings": "findings_found"}), ""))
    if detail:
        decided = {(d.rule, d.instance): d for d in reviews.latest()}
        counts = metrics.rule_counts(now)
        rows, unlisted = [], []
        for area, rules in reviews.present(run, metrics.review_params(start, end, as_of), decided).items():
            for rule, ids in rules.items():
                if reviews.many_rows(rule) and counts.get(rule, 0) > len(ids):
                    unlisted.append(f"{counts[rule] - len(ids)} × {findings.title(rule).lower()} "
                                    f"({_(AREAS[area])})")
                for instance in sorted(ids):
                    d = decided.get((rule, instance))
                    rows.append({"area": _(AREAS[area]), "finding": findings.title(rule), "row": instance,
                                 "decision": d.status if d else _("without a decision"),
                                 "owner": d.owner if d else None,
                                 "due": date.fromisoformat(d.due) if d and d.due else None,
                                 "decided_on": date.fromisoformat(d.decided_at[:10]) if d else None,
                                 "by": d.decided_by if d else None, "note": d.note if d else None})
        frame = pl.DataFrame(rows, schema={**{k: pl.String for k in ("area", "finding", "row", "decision", "owner",
                                                                      "by", "note")},
                                           "due": pl.Date, "decided_on": pl.Date}
                             ).select("area", "finding", "row", "decision", "owner", "due", "decided_on", "by", "note")
        text += (f"<h3>{T['Each finding row']}</h3>" + _table(frame, _("No finding row in the month."))
                 + ("<p class='sub'>" + html.escape(_("Counted above, not listed (there can be many; the pages list "
                                                      "them), without a decision: {counts}.").format(
                                                        counts="; ".join(unlisted))) + "</p>" if unlisted else ""))
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

    prev_as_of = min(prev_end, as_of)
    T = _texts()
    parts = [f"<h1>{html.escape(T['Privacy audit report: {month}'].format(month=month))}</h1>",
             "<p class='sub'>" + html.escape(_("{start} – {end}, states as of {as_of}. Beside each figure: "
                                               "{previous} (as of {previous_as_of}).").format(
                 start=i18n.day(start), end=i18n.day(end), as_of=i18n.day(as_of), previous=previous_month(month),
                 previous_as_of=i18n.day(prev_as_of))) + "</p>",
             "<p class='sub'>" + html.escape(_("Deadlines: {rules}.").format(rules=rules_in_force())) + "</p>"]
    if now["refresh_pending"]:  # docs/refresh.md: figures of days still owed a refresh may not match the logs
        owed = refresh.pending_words([(p["table"], p["day_from"], p["day_to"], p["rebuild"])
                                      for p in now["refresh_pending"]])
        parts.insert(2, "<p class='sub'><strong>" + html.escape(_(
            "When this report was written, a refresh of the derived tables was pending ({parts}): figures for those "
            "days may not match the logs.").format(parts=owed)) + "</strong></p>")

    rows = []
    for area, title in AREAS.items():
        st = now["status"][area]
        rows.append(f"<tr><td>{html.escape(_(title))}</td><td><span class='status {st['status'].replace(' ', '-')}'>"
                    f"{STATUS_MARK[st['status']]} {html.escape(st['label'])}</span></td>"
                    f"<td>{html.escape(st['why'])}</td></tr>")
    parts.append(f"<section><h2>{T['Status']}</h2><table><thead><tr><th>{T['Area']}</th><th>{T['Status']}</th>"
                 f"<th>{T['Why']}</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>")

    kpi = [f"<section><h2>{T['Key figures']}</h2>"]
    for area, keys in REPORTED.items():
        kpi.append(f"<h3>{html.escape(_(AREAS[area]))}</h3><table><thead><tr><th>{T['Figure']}</th><th>{month}</th>"
                   f"<th>{previous_month(month)}</th></tr></thead><tbody>")
        for key in keys:
            kpi.append(f"<tr><td title='{html.escape(labels.definition(area, key), quote=True)}'>"
                       f"{html.escape(labels.name(area, key))}</td>"
                       f"<td class='num'>{format_figure(key, now[area][key])}</td>"
                       f"<td class='num'>{format_figure(key, before[area][key])}</td></tr>")
        kpi.append("</tbody></table>")
    kpi.append("</section>")
    parts.append("".join(kpi))

    found = [f for f in now["findings"] if f["count"]]
    nothing = findings.nothing_found(now["status"], {area: _(title) for area, title in AREAS.items()},
                                     T["No rule was broken in the month."])[1]
    rows = "".join(
        f"<tr><td><span class='status {f['severity']}'>{labels.word(f['severity'])}</span></td>"
        f"<td>{html.escape(findings.title(f['rule']))}</td><td class='num'>{i18n.number(f['count'])}</td></tr>"
        for f in found)
    parts.append(f"<section><h2>{T['Findings']}</h2>" + (
        f"<table><thead><tr><th>{T['Severity']}</th><th>{T['Rule']}</th><th>{T['Count']}</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>" if found else f"<p>{html.escape(nothing)}</p>") + "</section>")

    parts.append(_review_section(run, now, start, end, as_of, detail))

    overdue = run("rpt_request_queue", types=[], statuses=["overdue"], channels=[], limit=None, offset=0,
                  **queue_params(as_of))
    overdue = (overdue.select("request_id", "request_type", "received_day", "deadline", "days_late") if detail else
               overdue.group_by("request_type").agg(pl.len().alias("overdue_requests"),
                                                    pl.col("days_late").max().alias("most_days_late"))
               .sort("request_type"))
    parts.append(f"<section><h2>{html.escape(T['Overdue requests on {day}'].format(day=i18n.day(as_of)))}</h2>"
                 f"<p class='sub'>{T['Every open request past its deadline, whatever month it was received in.']}"
                 "</p>" + _table(overdue, _("No request was overdue on {day}.").format(day=i18n.day(as_of)))
                 + "</section>")

    invalid = run("rpt_transfer_log", **transfers.every_row(), **transfers.base_params(start, end, tz),
                  **transfers.TransferFilter(without_safeguard=True).params())
    parts.append(f"<section><h2>{T['Transfers outside the EU/EEA without a valid safeguard']}</h2>"
                 + _table(invalid.select("transfer_id", "occurred_at", "recipient", "country", "mechanism",
                                         "record_count", "findings") if detail else
                          invalid.group_by("recipient", "country", "mechanism").agg(
                              pl.len().alias("transfers"), pl.col("record_count").sum().alias("records"))
                          .sort("transfers", "recipient", descending=[True, False]),
                          _("Every transfer outside the EU/EEA in the month had a valid safeguard.")) + "</section>")

    trend = consent.trend_frame(run("rpt_consent_rates", **consent.params(start, end, tz, group_by="day")))
    versions = run("rpt_banner_versions", tz=tz).filter(
        (pl.col("first_day") > start) & (pl.col("first_day") <= end))
    chart = (f"<p>{T['No banner event in the month.']}</p>" if trend.is_empty() else
             charts.report_consent_trend(trend, "day", versions).to_html(full_html=False, include_plotlyjs=True,
                                                                   config={"staticPlot": True}))
    parts.append(f"<section><h2>{T['Consent trends']}</h2>{chart}</section>")

    volume = run("rpt_request_volume", grain="week", **period_params(as_of, start, end))
    if not volume.is_empty():
        fig = charts.report_request_volume(volume, "week", start, end)
        part = charts.part_periods(start, end)
        note = ("<p class='sub'>" + html.escape(_(
            "A hatched bar is a {grain} the period holds only part of ({parts}): it counts those days only.").format(
            grain=charts.grain_word("week"), parts=part)) + "</p>") if part else ""
        parts.append(f"<section><h2>{T['Requests received']}</h2>"
                     + fig.to_html(full_html=False, include_plotlyjs=trend.is_empty(), config={"staticPlot": True})
                     + note + "</section>")

    defs = "".join(f"<dt><b>{html.escape(_(t))}</b></dt><dd>{html.escape(_(d))}</dd>" for t, d in DEFINITIONS)
    parts.append(f"<section><h2>{T['Definitions']}</h2><dl>{defs}</dl></section>")
    return (f"<!DOCTYPE html><html lang='{i18n.current()}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(T['Privacy audit report {month}'].format(month=month))}</title>"
            f"<style>{CSS}</style></head><body>"
            + "".join(parts) + "</body></html>")



