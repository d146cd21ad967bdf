"""Overview for management: each area's status and headline figures against the previous period, small trends,
every finding by severity with a link to its rows, and the monthly report."""

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboard import access, charts, config, consent, findings, i18n, labels, metrics, report, transfers, ui
from dashboard.db import run_query, run_query_uncached
from dashboard.deadlines import add_months, period_params
from dashboard.i18n import _, ngettext

STATUS_ICON = {"off track": ":material/error:", "needs attention": ":material/warning:",
               "no data": ":material/block:", "data ends": ":material/history:", "on track": ":material/check_circle:"}
STATUS_COLOUR = {"off track": "red", "needs attention": "orange", "no data": "gray", "data ends": "gray",
                 "on track": "green"}

viewer = access.require("overview")
period = st.session_state["period"]
tz = config.settings().timezone
now = metrics.compute(run_query, period.start, period.end, period.as_of)
previous = period.previous()
before = metrics.compute(run_query, previous.start, previous.end, previous.as_of, decisions=False)

st.title(_("Overview"))
st.caption(ngettext("{start} – {end} ({days} day), states as of {as_of}; changes against {prev_start} – {prev_end} "
                    "as of {prev_as_of}. The same figures as `python -m dashboard metrics --json` "
                    "(docs/metrics.md).",
                    "{start} – {end} ({days} days), states as of {as_of}; changes against {prev_start} – {prev_end} "
                    "as of {prev_as_of}. The same figures as `python -m dashboard metrics --json` "
                    "(docs/metrics.md).",
                    period.days).format(
    start=i18n.day(period.start), end=i18n.day(period.end), days=period.days, as_of=i18n.day(period.as_of),
    prev_start=i18n.day(previous.start), prev_end=i18n.day(previous.end), prev_as_of=i18n.day(previous.as_of)))


def weekly(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema={"period_start": pl.Date, column: pl.Float64})
    return frame.group_by("period_start").agg(pl.col(column).sum()).sort("period_start")


def change(area: str, key: str, pct: bool = False):
    a, b = now[area][key], before[area][key]
    if a is None or b is None:
        return None
    return ui.pp_change(a, b) if pct else ui.signed(a - b)


tparams = {**transfers.base_params(period.start, period.end, tz), **transfers.TransferFilter().params(),
           "grain": "week"}
trend_requests = weekly(run_query("rpt_request_volume", grain="week",
                                  **period_params(period.as_of, period.start, period.end)), "requests")
trend_transfers = weekly(run_query("rpt_transfer_trend", **tparams), "non_eea")
trend_consent = consent.trend_frame(run_query("rpt_consent_rates", **consent.params(period.start, period.end, tz,
                                                                                     group_by="week")))



def cell(area: str, key: str, shown, colour: str, pct: bool = False) -> tuple:
    """A figure of an area: its one name and definition (labels.FIGURES), value, change and colour."""
    return area, key, shown, change(area, key, pct), colour


def count(area: str, key: str) -> str:
    return i18n.number(now[area][key])


areas = [
    ("requests", _("Data subject requests"), "app_pages/requests.py", [
        cell("requests", "received", count("requests", "received"), "off"),
        cell("requests", "on_time_rate", i18n.percent(now["requests"]["on_time_rate"]), "normal", pct=True),
        cell("requests", "missed_deadline_rate", i18n.percent(now["requests"]["missed_deadline_rate"]), "inverse", pct=True),
        cell("requests", "overdue", count("requests", "overdue"), "inverse"),
    ]),
    ("holds", _("Legal holds"), "app_pages/holds.py", [
        cell("holds", "active", count("holds", "active"), "off"),
        cell("holds", "blocked_records", count("holds", "blocked_records"), "off"),
        cell("holds", "overdue", count("holds", "overdue"), "inverse"),
    ]),
    ("transfers", _("Transfers"), "app_pages/transfers.py", [
        cell("transfers", "non_eea", count("transfers", "non_eea"), "off"),
        cell("transfers", "non_eea_without_valid_mechanism", count("transfers", "non_eea_without_valid_mechanism"),
             "inverse"),
        cell("transfers", "sale_without_consent", count("transfers", "sale_without_consent"), "inverse"),
    ]),
    ("consent", _("Cookie consent"), "app_pages/consent.py", [
        cell("consent", "interaction_rate", i18n.percent(now["consent"]["interaction_rate"]), "off", pct=True),
        cell("consent", "analytics_rate", i18n.percent(now["consent"]["analytics_rate"]), "off", pct=True),
        cell("consent", "cookies_before_consent", count("consent", "cookies_before_consent"), "inverse"),
        cell("consent", "unknown_cookies", count("consent", "unknown_cookies"), "inverse"),
    ]),
]
STATES = {("requests", "overdue"), ("holds", "active"), ("holds", "blocked_records"), ("holds", "overdue")}

for column, (area, title, page, cells) in zip(st.columns(4), areas):
    status = now["status"][area]
    with column.container(border=True, key=f"area_{area}"):
        st.markdown(f"**{title}**")
        st.badge(status["label"], icon=STATUS_ICON[status["status"]], color=STATUS_COLOUR[status["status"]])
        st.caption(ui.md_escape(status["why"]))
        for area_, key, value, delta, colour in cells:
            when = (_("A state on {as_of}.").format(as_of=i18n.day(period.as_of)) if (area_, key) in STATES
                    else _("{start} – {end}, as of {as_of}.").format(start=i18n.day(period.start),
                                                                     end=i18n.day(period.end),
                                                                     as_of=i18n.day(period.as_of)))
            st.metric(labels.name(area_, key), value, **ui.delta_style(delta, colour),
                      help=f"{labels.definition(area_, key)} {when}")
        if now[area]["rejected_rows"]:
            st.caption(ngettext("{rows} row of this area was rejected at ingest and is counted nowhere above: see "
                                "Data quality.", "{rows} rows of this area were rejected at ingest and are counted "
                                "nowhere above: see Data quality.", now[area]["rejected_rows"]).format(
                rows=i18n.number(now[area]["rejected_rows"])))
        decided = now["decisions"][area]
        if decided["findings"]:
            passed = (_("; {count} past their due date").format(count=decided["due_passed"])
                      if decided["due_passed"] else "")
            st.caption(ngettext("Review: {without} of {findings} finding row without a decision{passed} "
                                "(docs/reviews.md).", "Review: {without} of {findings} finding rows without a "
                                "decision{passed} (docs/reviews.md).", decided["findings"]).format(
                without=decided["without_decision"], findings=decided["findings"], passed=passed))
        st.page_link(page, label=_("Open the page"), icon=":material/arrow_forward:",
                     query_params={"from": str(period.start), "to": str(period.end), "as_of": str(period.as_of)})

# The weekly trends as three light Vega-Lite charts side by side (read by screen readers as the charts they are; the
# metrics' own sparklines are drawn as images without a text alternative, WCAG 1.1.1).
if trend_requests.height or trend_transfers.height or trend_consent.height:
    for column, chart in zip(st.columns(3), charts.overview_trends(trend_requests, trend_transfers, trend_consent,
                                                                    period.start, period.end)):
        column.altair_chart(chart, width="stretch", theme=None)
    if part := charts.part_periods(period.start, period.end):
        st.caption(_("An open dot on a dotted line is a week the period holds only part of ({weeks}): its figures "
                     "cover those days only.").format(weeks=part))

st.subheader(_("Findings"))
st.caption(_("Every rule the dashboard checks, most severe first. Status of an area: off track when a high-severity "
             "rule is broken, needs attention for a medium or low one; no data when its logs have nothing in the "
             "period, data ends when a log stops before the as-of date; on track only with data and nothing "
             "broken."))
shown = [f for f in now["findings"] if f["count"]]
if not shown:
    good, words = findings.nothing_found(now["status"], {area: title for area, title, _page, _cells in areas},
                                         _("No rule is broken in the period."))
    (st.success if good else st.info)(words, icon=None if good else ":material/block:")
for f in shown:
    rule = findings.BY_RULE[f["rule"]]
    with st.container(border=True, key=f"finding_{f['rule']}"):
        left, mid, right = st.columns([1, 5, 2])
        left.badge(labels.word(f["severity"]), color={"high": "red", "medium": "orange", "low": "gray"}[f["severity"]])
        mid.markdown(f"**{findings.title(rule.rule)}** · {i18n.number(f['count'])}")
        right.page_link(rule.page, label=_("Show the rows") if viewer.rows else _("Open the page"),
                        icon=":material/table_view:",
                        query_params={"from": str(period.start), "to": str(period.end),
                                      "as_of": str(period.as_of), **rule.link,
                                      **({"finding": rule.rule} if rule.page in findings.ROWS_PAGES else {})})
with st.expander(_("Rules that found nothing in the period ({count})").format(
        count=len(now["findings"]) - len(shown))):
    st.markdown("\n".join(f"- {findings.title(f['rule'])} ({labels.word(f['severity'])})"
                          for f in now["findings"] if not f["count"]))

st.subheader(_("Monthly report"))
last_full = (period.as_of.replace(day=1) - timedelta(days=1)).replace(day=1)
months = [add_months(last_full, -i).strftime("%Y-%m") for i in range(12)]
reviewed = period.start.strftime("%Y-%m")
if (period.start, period.end, period.as_of) == report.month_review(reviewed):  # a month review: its report
    months = [reviewed, *(m for m in months if m != reviewed)]
month = st.selectbox(_("Month"), months, help=_("A self-contained HTML file: readable offline, prints to PDF. Its "
                                                 "figures are the month's as of its last day: choose the month under "
                                                 "Month review in the sidebar to see the same figures here."))
st.caption(_("The report of {month} counts the month {month} with states as of {as_of}.").format(
    month=month, as_of=i18n.day(report.month_review(month)[2])))
if not viewer.rows:
    st.caption(_("Your copy lists no request ids or single transfers: overdue requests and transfers without a "
                 "safeguard are counted, not listed."))
lang = st.segmented_control(_("Language of the report"), list(i18n.LANGUAGES), default=i18n.current(),
                            format_func=i18n.LANGUAGES.get, key="report_lang") or i18n.current()


def build_report() -> str:
    """Built on the click, in the language chosen for the report (the page's own, unless changed)."""
    with i18n.use(lang):
        return report.build(run_query_uncached, month, detail=viewer.rows)


ui.download(_("Download the report"), build_report,
            f"privacy-report-{month}.html" if lang == "en" else f"dataskyddsrapport-{month}.html", "text/html",
            rows=0, icon=":material/download:")
