"""Overview for management: each area's status and headline figures against the previous period, small trends,
every finding by severity with a link to its rows, and the monthly report."""

from datetime import timedelta

import polars as pl
import streamlit as st

from dashboard import access, config, consent, findings, metrics, report, transfers, ui
from dashboard.db import run_query, run_query_uncached
from dashboard.deadlines import add_months, period_params

STATUS_ICON = {"off track": ":material/error:", "needs attention": ":material/warning:",
               "no data": ":material/block:", "data ends": ":material/history:", "on track": ":material/check_circle:"}
STATUS_COLOUR = {"off track": "red", "needs attention": "orange", "no data": "gray", "data ends": "gray",
                 "on track": "green"}

viewer = access.require("overview")
period = st.session_state["period"]
tz = config.settings().timezone
now = metrics.compute(run_query, period.start, period.end, period.as_of)
previous = period.previous()
before = metrics.compute(run_query, previous.start, previous.end, previous.as_of)

st.title("Overview")
st.caption(f"{period.start} – {period.end} ({period.days} days), states as of {period.as_of}; changes against "
           f"{previous.start} – {previous.end} as of {previous.as_of}. The same figures as "
           "`python -m dashboard metrics --json` (docs/metrics.md).")


def weekly(frame: pl.DataFrame, column: str) -> list:
    if frame.is_empty():
        return []
    return frame.group_by("period_start").agg(pl.col(column).sum()).sort("period_start")[column].to_list()


def change(area: str, key: str, pct: bool = False):
    a, b = now[area][key], before[area][key]
    if a is None or b is None:
        return None
    return f"{(a - b) * 100:+.1f} pp" if pct else f"{a - b:+,}".replace(",", " ")


def rate(v):
    return "–" if v is None else f"{v:.1%}"


tparams = {**transfers.base_params(period.start, period.end, tz), **transfers.TransferFilter().params(),
           "grain": "week"}
trend_requests = weekly(run_query("rpt_request_volume", grain="week",
                                  **period_params(period.as_of, period.start, period.end)), "requests")
trend_transfers = weekly(run_query("rpt_transfer_trend", **tparams), "non_eea")
trend_consent = run_query("rpt_consent_rates", **consent.params(period.start, period.end, tz, group_by="week"))
trend_consent = [v for v in trend_consent["interaction_rate"].to_list() if v is not None]

areas = [
    ("requests", "Data subject requests", "app_pages/requests.py", [
        ("Received", now["requests"]["received"], change("requests", "received"), "off", trend_requests),
        ("On time", rate(now["requests"]["on_time_rate"]), change("requests", "on_time_rate", True), "normal", None),
        ("Missed deadline", rate(now["requests"]["missed_deadline_rate"]),
         change("requests", "missed_deadline_rate", True), "inverse", None),
        ("Overdue", now["requests"]["overdue"], change("requests", "overdue"), "inverse", None),
    ]),
    ("holds", "Legal holds", "app_pages/holds.py", [
        ("Active holds", now["holds"]["active"], change("holds", "active"), "off", None),
        ("Blocked records", f"{now['holds']['blocked_records']:,}".replace(",", " "), None, "off", None),
        ("Overdue for release", now["holds"]["overdue"], None, "inverse", None),
    ]),
    ("transfers", "Transfers", "app_pages/transfers.py", [
        ("Outside EU/EEA", now["transfers"]["non_eea"], change("transfers", "non_eea"), "off", trend_transfers),
        ("Without valid safeguard", now["transfers"]["non_eea_without_valid_mechanism"],
         change("transfers", "non_eea_without_valid_mechanism"), "inverse", None),
        ("Sales without consent", now["transfers"]["sale_without_consent"],
         change("transfers", "sale_without_consent"), "inverse", None),
    ]),
    ("consent", "Cookie consent", "app_pages/consent.py", [
        ("Interaction", rate(now["consent"]["interaction_rate"]), change("consent", "interaction_rate", True), "off",
         trend_consent),
        ("Analytics opt-in", rate(now["consent"]["analytics_rate"]), change("consent", "analytics_rate", True), "off",
         None),
        ("Cookies before consent", now["consent"]["cookies_before_consent"],
         change("consent", "cookies_before_consent"), "inverse", None),
    ]),
]

for column, (area, title, page, cells) in zip(st.columns(4), areas):
    status = now["status"][area]
    with column.container(border=True, key=f"area_{area}"):
        st.markdown(f"**{title}**")
        st.badge(status["label"], icon=STATUS_ICON[status["status"]], color=STATUS_COLOUR[status["status"]])
        st.caption(ui.md_escape(status["why"]))
        for label, value, delta, colour, trend in cells:
            st.metric(label, value, **ui.delta_style(delta, colour), chart_data=trend or None, chart_type="area")
        if now[area]["rejected_rows"]:
            st.caption(f"{now[area]['rejected_rows']} row(s) of this area were rejected at ingest and are counted "
                       "nowhere above: see Data quality.")
        st.page_link(page, label="Open the page", icon=":material/arrow_forward:",
                     query_params={"from": str(period.start), "to": str(period.end), "as_of": str(period.as_of)})

st.subheader("Findings")
st.caption("Every rule the dashboard checks, most severe first. Status of an area: off track when a high-severity "
           "rule is broken, needs attention for a medium or low one; no data when its logs have nothing in the "
           "period, data ends when a log stops before the as-of date; on track only with data and nothing broken.")
shown = [f for f in now["findings"] if f["count"]]
if not shown:
    st.success("No rule is broken in the period.")
for f in shown:
    rule = findings.BY_RULE[f["rule"]]
    with st.container(border=True, key=f"finding_{f['rule']}"):
        left, mid, right = st.columns([1, 5, 2])
        left.badge(f["severity"], color={"high": "red", "medium": "orange", "low": "gray"}[f["severity"]])
        mid.markdown(f"**{rule.title}** · {f['count']}")
        right.page_link(rule.page, label="Show the rows" if viewer.rows else "Open the page",
                        icon=":material/table_view:",
                        query_params={"from": str(period.start), "to": str(period.end),
                                      "as_of": str(period.as_of), **rule.link})
with st.expander(f"Rules not broken in the period ({len(now['findings']) - len(shown)})"):
    st.markdown("\n".join(f"- {findings.BY_RULE[f['rule']].title} ({f['severity']})"
                          for f in now["findings"] if not f["count"]))

st.subheader("Monthly report")
last_full = (period.as_of.replace(day=1) - timedelta(days=1)).replace(day=1)
months = [add_months(last_full, -i).strftime("%Y-%m") for i in range(12)]
month = st.selectbox("Month", months, help="A self-contained HTML file: readable offline, prints to PDF.")
if not viewer.rows:
    st.caption("Your copy lists no request ids or single transfers: overdue requests and transfers without a "
               "safeguard are counted, not listed.")
ui.download("Download the report", lambda: report.build(run_query_uncached, month, detail=viewer.rows),
            f"privacy-report-{month}.html", "text/html", rows=0, icon=":material/download:")
