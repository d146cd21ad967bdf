"""Requests: data subject requests against their statutory deadlines (GDPR Art. 12(3))."""

import streamlit as st

from dashboard import access, charts, filters, ui
from dashboard.contract import CHANNELS, REQUEST_TYPES
from dashboard.db import run_query, run_query_uncached
from dashboard.deadlines import period_params, queue_params
from dashboard.exports import csv_bytes

LABELS = {"request_id": "Request", "request_type": "Type", "sla_status": "State", "received_day": "Received",
          "closed_day": "Closed", "is_extended": "Extended", "has_invalid_extension": "Extended too late",
          "calendar_days_left": "Days left", "days_late": "Days overdue"}
PAGE_SIZE = 100

viewer = access.require("requests")
period: filters.Period = st.session_state["period"]
sla = queue_params(period.as_of)
in_period = period_params(period.as_of, period.start, period.end)

ui.page_header(
    "Data subject requests",
    "A request must be answered within one month of receipt, or three months when extended within the "
    "first month (GDPR Art. 12(3)). The month ends on the same date next month (or that month's last day) "
    "and moves to the next Swedish working day; states are as of the as-of date.",
    "sla.md", "The rules in full",
)


def kpis(p: filters.Period) -> dict:
    frame = run_query("rpt_request_kpis", **period_params(p.as_of, p.start, p.end))
    return frame.row(0, named=True)


def delta(now, before, fmt="{:+,.0f}"):
    if now is None or before is None:
        return None
    return fmt.format(now - before)


now, before = kpis(period), kpis(period.previous())
if not now["received"]:
    st.info(f"No request was received between {period.start} and {period.end}. Widen the period in the sidebar, "
            "or load dsr_events (see docs/data-contract.md).")
cols = st.columns(4) + st.columns(4)
rate = now["on_time_rate"]
cells = [
    ("Received", now["received"], delta(now["received"], before["received"]), "off"),
    ("Closed", now["closed"], delta(now["closed"], before["closed"]), "off"),
    ("On time", "–" if rate is None else f"{rate:.1%}",
     None if rate is None or before["on_time_rate"] is None
     else f"{(rate - before['on_time_rate']) * 100:+.1f} pp", "normal"),
    ("Open", now["open"], delta(now["open"], before["open"]), "off"),
    ("Overdue", now["overdue"], delta(now["overdue"], before["overdue"]), "inverse"),
    ("At risk", now["at_risk"], delta(now["at_risk"], before["at_risk"]), "inverse"),
    ("Median days", "–" if now["median_days_to_close"] is None else f"{now['median_days_to_close']:.0f}",
     delta(now["median_days_to_close"], before["median_days_to_close"], "{:+.1f}"), "inverse"),
    ("90th pct days", "–" if now["p90_days_to_close"] is None else f"{now['p90_days_to_close']:.0f}",
     delta(now["p90_days_to_close"], before["p90_days_to_close"], "{:+.1f}"), "inverse"),
]
for col, (label, value, change, colour) in zip(cols, cells):
    col.metric(label, value, change, delta_color=colour, border=True,
               help=f"Requests received {period.start} – {period.end}, as of {period.as_of}; change against "
                    f"{period.previous().start} – {period.previous().end} as of {period.previous().as_of}.")

grain = filters.url_value("grain", "week", allowed=["week", "month"])
grain = st.segmented_control("Volume per", ["week", "month"], default=grain, key="req_grain") or "week"
left, right = st.columns(2)
with left:
    volume = run_query("rpt_request_volume", grain=grain, **in_period)
    if volume.is_empty():
        st.caption("No requests in the period.")
    else:
        st.plotly_chart(charts.request_volume(volume, grain), width="stretch")
with right:
    distribution = run_query("rpt_request_time_to_close", **in_period)
    if distribution.is_empty():
        st.caption("No request received in the period has been closed yet.")
    else:
        st.plotly_chart(charts.time_to_close(distribution), width="stretch")

if not viewer.rows:
    access.rows_hidden_note("The queue, late requests, timelines and repeat access requests (request ids and "
                            "subject pseudonyms)")
    st.stop()

st.subheader("Queue: open requests")
f1, f2, f3 = st.columns(3)
url_list = filters.url_list
types = f1.multiselect("Type", REQUEST_TYPES, default=url_list("type", REQUEST_TYPES), placeholder="All types")
statuses = f2.multiselect("State", ["overdue", "at_risk", "pending"],
                          default=url_list("state", ["overdue", "at_risk", "pending"]), placeholder="All states")
channels = f3.multiselect("Channel", CHANNELS, default=url_list("channel", CHANNELS), placeholder="All channels")
filters.keep_in_url(grain=grain if grain != "week" else None, type=types, state=statuses, channel=channels)
q_page = st.number_input("Queue page", min_value=1, value=1, step=1, key="queue_page")
queue = run_query("rpt_request_queue", types=types, statuses=statuses, channels=channels, limit=PAGE_SIZE,
                  offset=(q_page - 1) * PAGE_SIZE, **sla)
queue_total = int(queue["total_rows"][0]) if queue.height else 0
queue = queue.drop("total_rows")

if queue.is_empty():
    st.success(f"No open request matches, as of {period.as_of}." if q_page == 1 else "No more rows.")
else:
    st.caption(f"{queue_total} open request(s) as of {period.as_of}, overdue first; showing "
               f"{(q_page - 1) * PAGE_SIZE + 1}–{(q_page - 1) * PAGE_SIZE + queue.height}. Select a row for its "
               "timeline.")
    picked = ui.table(queue, LABELS, colour=("sla_status",), on_select="rerun", selection_mode="single-row",
                      key="queue_table")
    ui.download(
        f"Download the queue (CSV, {queue_total} rows)",
        lambda: csv_bytes(run_query_uncached("rpt_request_queue", types=types, statuses=statuses, channels=channels,
                                             limit=None, offset=0, **sla).drop("total_rows")),
        "request-queue.csv", "text/csv", rows=queue_total)
    rows = picked.selection.rows if picked else []
    if rows:
        st.session_state["req_timeline"] = queue["request_id"][rows[0]]

st.subheader("Late and overdue")
late = run_query("rpt_requests_late", **in_period)
if late.is_empty():
    st.success("Every request received in the period was answered on time or is still within its deadline.")
else:
    st.caption(f"{late.height} request(s) received in the period were closed after their deadline or are overdue "
               f"as of {period.as_of}.")
    ui.table(late, {**LABELS, "days_late": "Days late"}, colour=("sla_status",))
    ui.download("Download late and overdue (CSV)", csv_bytes(late), "requests-late.csv", "text/csv", rows=late.height)

st.subheader("A request's timeline")
if "req_timeline" not in st.session_state:  # from the link
    st.session_state["req_timeline"] = filters.url_value("req", "")[:100]
request_id = st.text_input("Request id", key="req_timeline", max_chars=100,
                           placeholder="e.g. REQ-000123, or select a row in the queue")
# In the link, so the view can be shared and the access log records which request's timeline was opened.
filters.keep_in_url(req=request_id.strip())
if request_id:
    timeline = run_query("rpt_request_timeline", request_id=request_id.strip(), as_of=period.as_of, tz=sla["tz"])
    if timeline.is_empty():
        st.warning(f"No events for request {ui.md_escape(request_id)} up to {period.as_of}.")
    else:
        ui.table(timeline, {"occurred_at": "When"})

st.subheader("Repeat access requests")
r_page = st.number_input("Page", min_value=1, value=1, step=1, key="repeat_page")
with_year_before = period_params(period.as_of, period.start, period.end, lookback_days=366)
repeats = run_query("rpt_repeat_access", limit=PAGE_SIZE, offset=(r_page - 1) * PAGE_SIZE, **with_year_before)
st.caption("Access requests in the period from a subject who made one within the previous 365 days. The policy "
           "promises one free copy (registerutdrag) a year; a later one may carry a fee.")
if repeats.is_empty():
    st.success("No subject asked for a second copy within a year." if r_page == 1 else "No more rows.")
else:
    total = int(repeats["total_rows"][0])
    st.caption(f"{total} repeat request(s); showing {(r_page - 1) * PAGE_SIZE + 1}–"
               f"{(r_page - 1) * PAGE_SIZE + repeats.height}.")
    ui.table(repeats.drop("total_rows"), {"subject_ref": "Subject (pseudonym)", "previous_day": "Previous received"})
    ui.download(
        f"Download repeat access requests (CSV, {total} rows)",
        lambda: csv_bytes(run_query_uncached("rpt_repeat_access", limit=None, offset=0,
                                             **with_year_before).drop("total_rows")),
        "repeat-access.csv", "text/csv", rows=total)
