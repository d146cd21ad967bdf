"""Legal holds: records blocked from erasure because a law forces us to keep them, and their release."""

import streamlit as st

from dashboard import access, charts, config, filters, holds, i18n, labels, ui
from dashboard.db import run_query, run_query_uncached
from dashboard.i18n import N_, _, ngettext

HOLD_LABELS = {"hold_id": N_("Hold"), "request_id": N_("Erasure request"), "placed_day": N_("Placed")}
PAGE_SIZE = 100

viewer = access.require("holds")
period: filters.Period = st.session_state["period"]
params = holds.params(period.as_of, config.settings().timezone)

ui.page_header(
    _("Legal holds"),
    _("When erasure is asked for but bookkeeping, tax, anti-money-laundering or consumer law forces us to "
      "keep records, they are blocked from every other use and must be deleted when the obligation ends. "
      "States are as of the as-of date."),
    "holds.md", _("The rules and retention periods"),
)

if viewer.rows:
    def rows_of(rule: str, every: bool = False):
        frame = run_query(holds.FINDING_ROWS[rule], **params)
        return frame, frame.height

    ui.finding_rows("holds", rows_of)

summary = run_query("rpt_hold_summary", **params).row(0, named=True)
cols = st.columns(5)
for col, key in zip(cols, ("active", "blocked_records", "overdue", "release_due_90d", "kept_too_long")):
    col.metric(labels.name("holds", key), i18n.number(summary[key]), border=True, height="stretch",
               help=labels.definition("holds", key) + " " + _("A state on {as_of}.").format(
                   as_of=i18n.day(period.as_of)))

if not summary["active"] and not summary["released"]:
    st.info(_("No legal hold has been placed up to the as-of date. Load hold_events (docs/data-contract.md)."))
else:
    left, right = st.columns(2)
    blocked = run_query("rpt_hold_blocked", **params)
    if not blocked.is_empty():
        left.altair_chart(charts.blocked_records(blocked), width="stretch", theme=None)
    due = run_query("rpt_hold_releases_due", **params)
    if not due.is_empty():
        right.altair_chart(charts.releases_due(due), width="stretch", theme=None)

    st.subheader(_("Blocked records by legal basis and category"))
    ui.table(blocked)
    ui.exports(_("Download blocked records"), blocked, "holds-blocked", rows=blocked.height, count=False)

    if not viewer.rows:
        access.rows_hidden_note(_("Overdue holds, holds kept too long and holds per erasure request (hold and "
                                  "request ids)"))
        st.stop()

    st.subheader(_("Overdue: obligation ended, records not released"))
    overdue = run_query("rpt_hold_overdue", **params)
    if overdue.is_empty():
        ui.all_clear("holds", _("Every hold whose obligation has ended was released."))
    else:
        st.caption(_("Oldest first. Keeping these records breaks the promise to delete them when the obligation "
                     "ends (storage limitation, GDPR Art. 5(1)(e))."))
        ui.table(overdue, HOLD_LABELS)
        ui.exports(_("Download overdue holds"), overdue, "holds-overdue", rows=overdue.height, count=False)

    st.subheader(_("Kept longer than the law allows"))
    too_long = run_query("rpt_hold_too_long", **params)
    if too_long.is_empty():
        ui.all_clear("holds", _("No active hold is set to last beyond its legal basis's period."))
    else:
        ui.table(too_long, HOLD_LABELS)
        ui.exports(_("Download holds kept too long"), too_long, "holds-too-long", rows=too_long.height,
                   count=False)

    st.subheader(_("Per erasure request"))
    # Paged on the server: a year of a large retailer's holds is a quarter of a million requests.
    in_period = {"date_from": period.start, "date_to": period.end, **params}
    b_page = ui.page_number("by_request_page")
    by_request = run_query("rpt_hold_by_request", limit=PAGE_SIZE, offset=(b_page - 1) * PAGE_SIZE, **in_period)
    if by_request.is_empty():
        st.caption(_("No erasure request had records put on hold between {start} and {end}.").format(
            start=i18n.day(period.start), end=i18n.day(period.end)) if b_page == 1 else _("No more rows."))
        ui.pager(_("Page (per request)"), "by_request_page", 0, PAGE_SIZE)
    else:
        total = int(by_request["total_rows"][0])
        st.caption(_("Erasure requests whose records were put on hold in the period: what they left blocked and "
                     "what has since been released."))
        st.caption(ngettext("{total} request; showing {first}–{last}.", "{total} requests; showing {first}–{last}.",
                            total).format(total=i18n.number(total), first=(b_page - 1) * PAGE_SIZE + 1,
                                          last=(b_page - 1) * PAGE_SIZE + by_request.height))
        ui.table(by_request.drop("total_rows"), {"placed_day": N_("First hold placed")})
        ui.pager(_("Page (per request)"), "by_request_page", total, PAGE_SIZE)
        ui.exports(_("Download per request"),
                   lambda: run_query_uncached("rpt_hold_by_request", limit=None, offset=0,
                                              **in_period).drop("total_rows"),
                   "holds-by-request", rows=total)
