"""Requests: data subject requests against their statutory deadlines (GDPR Art. 12(3))."""

import polars as pl
import streamlit as st

from dashboard import access, charts, config, filters, i18n, labels, report, reviews, reviews_ui, ui
from dashboard.contract import CHANNELS, REQUEST_TYPES
from dashboard.db import run_query, run_query_uncached
from dashboard.deadlines import how, period_params, queue_params, rules_in_force
from dashboard.i18n import N_, _, ngettext

LABELS = {"request_id": N_("Request"), "request_type": N_("Type"), "sla_status": N_("State"),
          "received_day": N_("Received"), "closed_day": N_("Closed"), "is_extended": N_("Extended"),
          "has_invalid_extension": N_("Extended too late"), "calendar_days_left": N_("Days left"),
          "internal_due": N_("Internal target"),
          "deadline_strict": N_("Deadline (strict)"), "deadline_statute": N_("Deadline (Swedish-statute)"),
          "requested_day": N_("Identification asked"), "verified_day": N_("Identification received"),
          "why": N_("Why")}
QUEUE_STATES = ["overdue", "at_risk", "pending", "awaiting_identity"]
PAGE_SIZE = 100

viewer = access.require("requests")
period: filters.Period = st.session_state["period"]
sla = queue_params(period.as_of)
in_period = period_params(period.as_of, period.start, period.end)

ui.page_header(
    _("Data subject requests"),
    _("A request must be answered within one month of receipt, or three months when extended within the "
      "first month (GDPR Art. 12(3)). The month ends on the same date next month (or that month's last day) "
      "and moves to the next Swedish working day; states are as of the as-of date."),
    "sla.md", _("The rules in full"),
)
settings = config.settings()
st.caption(_("Deadlines: {rules}.").format(rules=rules_in_force()))
if viewer.rows:
    def rows_of(rule: str, every: bool = False):
        frame = run_query("rpt_request_finding_rows", rule=rule, **in_period)
        return frame, frame.height

    ui.finding_rows("requests", rows_of)


def kpis(p: filters.Period) -> dict:
    frame = run_query("rpt_request_kpis", **period_params(p.as_of, p.start, p.end))
    return frame.row(0, named=True)


def delta(now, before, decimals: int | None = 0):
    if now is None or before is None:
        return None
    return ui.signed(now - before, decimals)


now = kpis(period)
before = kpis(period.previous())
if not now["received"]:
    st.info(_("No request was received between {start} and {end}. Widen the period in the sidebar, or load "
              "dsr_events (see docs/data-contract.md).").format(start=i18n.day(period.start),
                                                                 end=i18n.day(period.end)))


def rate_cell(key: str, colour: str) -> tuple:
    return key, i18n.percent(now[key]), ui.pp_change(now[key], before[key]), colour


def count_cell(key: str, colour: str) -> tuple:
    return key, i18n.number(now[key]), delta(now[key], before[key]), colour


def days_cell(key: str) -> tuple:
    # one decimal, as the monthly report and metrics --json give it: 21.4 days was "21" here and 21.4 there
    return key, report.format_figure(key, now[key]), delta(now[key], before[key], 1), "inverse"


# The on-time rate sees closed requests only: the missed-deadline rate (and the internal target) stand beside it.
cells = [count_cell("received", "off"), count_cell("closed", "off"), rate_cell("on_time_rate", "normal"),
         rate_cell("missed_deadline_rate", "inverse")]
if settings.internal_target_days or settings.internal_targets:
    cells.append(rate_cell("internal_target_rate", "normal"))
cells += [count_cell("open", "off"), count_cell("overdue", "inverse"), count_cell("at_risk", "inverse")]
if settings.clock_start == "suspended":
    cells.append(count_cell("awaiting_identity", "off"))
cells += [count_cell("depends_on_calendar", "inverse"), days_cell("median_days_to_close"),
          days_cell("p90_days_to_close")]
STATES = {"open", "overdue", "at_risk", "awaiting_identity"}  # the backlog: states on the as-of day, not flows


def scope_note(key: str) -> str:
    """What a figure counts: a state of the backlog on the as-of day, or a flow of the period."""
    earlier = period.previous()
    if key in STATES:
        return _("A state on {as_of}: every request received on or before it that is open then, whatever its "
                 "receipt day ({before} of the {open} open received before {start}). Change against "
                 "{prev_as_of}.").format(as_of=i18n.day(period.as_of), before=now["open_from_before"],
                                         open=now["open"], start=i18n.day(period.start),
                                         prev_as_of=i18n.day(earlier.as_of))
    return _("Requests received {start} – {end}, as of {as_of}; change against {prev_start} – {prev_end} as of "
             "{prev_as_of}.").format(start=i18n.day(period.start), end=i18n.day(period.end),
                                     as_of=i18n.day(period.as_of), prev_start=i18n.day(earlier.start),
                                     prev_end=i18n.day(earlier.end), prev_as_of=i18n.day(earlier.as_of))


cols = [col for _ in range(0, len(cells), 4) for col in st.columns(4)]
for col, (key, value, change, colour) in zip(cols, cells):
    col.metric(labels.name("requests", key), value, **ui.delta_style(change, colour), border=True, height="stretch",
               help=f"{labels.definition('requests', key)} {scope_note(key)}")
if now["open_from_before"]:
    st.caption(ngettext("Open, overdue and at risk are the backlog on {as_of}: {before} of the {open} open request was "
                        "received before {start}, and is counted too.",
                        "Open, overdue and at risk are the backlog on {as_of}: {before} of the {open} open requests "
                        "were received before {start}, and are counted too.", now["open"]).format(
        as_of=i18n.day(period.as_of), before=now["open_from_before"], open=now["open"], start=i18n.day(period.start)))

grain = filters.url_value("grain", "week", allowed=["week", "month"])
grain = st.segmented_control(_("Volume per"), ["week", "month"], default=grain, key="req_grain",
                             format_func=charts.grain_word) or "week"
filters.keep_in_url(grain=grain if grain != "week" else None)
left, right = st.columns(2)
with left:
    volume = run_query("rpt_request_volume", grain=grain, **in_period)
    if volume.is_empty():
        st.caption(_("No requests in the period."))
    else:
        st.altair_chart(charts.request_volume(volume, grain, period.start, period.end), width="stretch", theme=None)
        if parts := charts.part_periods(period.start, period.end, grain):
            st.caption(_("A pale bar with a dashed outline is a {grain} the period holds only part of ({parts}): it "
                         "counts those days only.").format(grain=charts.grain_word(grain), parts=parts))
with right:
    distribution = run_query("rpt_request_time_to_close", **in_period)
    if distribution.is_empty():
        st.caption(_("No request received in the period has been closed yet."))
    else:
        st.altair_chart(charts.time_to_close(distribution), width="stretch", theme=None)

if not viewer.rows:
    access.rows_hidden_note(_("The queue, late requests, timelines and repeat access requests (request ids and "
                              "subject pseudonyms)"))
    st.stop()

# The three lists, one at a time: each names its count, and only the one chosen is drawn and looked up (a grid costs
# the browser up to 0.3 s to draw: BENCHMARKS.md, "The Requests page"). Its choice is in the link as ?list=.
LISTS = {"queue": N_("Open requests"), "late": N_("Late and overdue"), "doubtful": N_("Doubtful verdicts")}
# The counts are the figures' own: the open requests on the as-of day (the queue), the period's late requests and
# every request overdue on the as-of day (the late list), the period's doubtful verdicts (tests hold each to its list).
list_counts = {"queue": now["open"], "late": now["late"] + now["overdue"], "doubtful": now["doubtful"]}
shown_list = filters.url_value("list", "queue", allowed=list(LISTS))
shown_list = st.segmented_control(
    _("List"), list(LISTS), default=shown_list, key="req_list", required=True,
    format_func=lambda k: f"{_(LISTS[k])} ({i18n.number(list_counts[k])})")
filters.keep_in_url(list=shown_list if shown_list != "queue" else None)


def queue_list() -> None:
    """The open requests on the as-of day, overdue first; a row picked opens its timeline."""
    st.subheader(_("Queue: open requests"))
    f1, f2, f3 = st.columns(3)
    url_list = filters.url_list
    types = f1.multiselect(_("Type"), REQUEST_TYPES, default=url_list("type", REQUEST_TYPES),
                           placeholder=_("All types"), format_func=labels.word)
    statuses = f2.multiselect(_("State"), QUEUE_STATES, default=url_list("state", QUEUE_STATES),
                              placeholder=_("All states"), format_func=labels.word)
    channels = f3.multiselect(_("Channel"), CHANNELS, default=url_list("channel", CHANNELS),
                              placeholder=_("All channels"), format_func=labels.word)
    filters.keep_in_url(type=types, state=statuses, channel=channels)
    PAGE_SIZES = [25, 50, 100, 250]
    q1, q2, _rest = st.columns([1, 1, 3])
    linked_size = int(filters.url_value("q_size", str(PAGE_SIZE), [str(n) for n in PAGE_SIZES]))
    q_size = q1.selectbox(_("Rows per page"), PAGE_SIZES, index=PAGE_SIZES.index(linked_size), key="queue_size")
    q_page = q2.number_input(_("Queue page"), min_value=1, step=1, key="queue_page",
                             value=filters.url_page("q_page"))
    filters.keep_in_url(q_size=q_size if q_size != PAGE_SIZE else None, q_page=q_page if q_page != 1 else None)
    # The period's states hold every request open on the as-of day (the backlog is a state, whatever the receipt day);
    # alone (the export, the CLI) the queue computes only the open requests, with the same rows (a test holds both).
    queue = run_query("rpt_request_queue", types=types, statuses=statuses, channels=channels, limit=q_size,
                      offset=(q_page - 1) * q_size, **in_period)
    queue_total = int(queue["total_rows"][0]) if queue.height else 0
    # Without an internal target (AUDIT_INTERNAL_TARGET_DAYS, AUDIT_INTERNAL_TARGETS) its column would be blank
    # throughout.
    unset = ["total_rows"] + ([] if settings.internal_target_days or settings.internal_targets else ["internal_due"])
    queue = queue.drop(unset)

    if queue.is_empty():
        if q_page == 1:
            ui.all_clear("requests", _("No open request matches, as of {as_of}.").format(as_of=i18n.day(period.as_of)),
                         state=True)
        else:
            st.success(_("No more rows."))
    else:
        st.caption(ngettext("{total} open request as of {as_of}, overdue first; showing {first}–{last}. Select a "
                            "row for its timeline.", "{total} open requests as of {as_of}, overdue first; showing "
                            "{first}–{last}. Select a row for its timeline.", queue_total).format(
            total=i18n.number(queue_total), as_of=i18n.day(period.as_of), first=(q_page - 1) * q_size + 1,
            last=(q_page - 1) * q_size + queue.height))
        with st.container(key="queue_rows"):
            picked = ui.table(queue, LABELS, colour=("sla_status",), on_select="rerun", selection_mode="single-row",
                              key="queue_table")
        ui.exports(_("Download the queue"),
                   lambda: run_query_uncached("rpt_request_queue", types=types, statuses=statuses, channels=channels,
                                              limit=None, offset=0, **sla).drop(unset),
                   "request-queue", rows=queue_total)
        # A row picked in the queue opens its timeline once: only a new pick replaces the id, so an id typed after it
        # is not overwritten on the next rerun while the row stays selected.
        rows = picked.selection.rows if picked else []
        pick = queue["request_id"][rows[0]] if rows and rows[0] < queue.height else None
        if pick and pick != st.session_state.get("queue_pick"):
            st.session_state["req_timeline"] = pick
        st.session_state["queue_pick"] = pick


def late_list() -> None:
    """The period's late requests and every request overdue on the as-of day, with the decisions on them."""
    st.subheader(_("Late and overdue"))
    # Paged on the server (a year of a large retailer's requests lists over a thousand), the decision filter in the
    # query.
    decided_ids = {rule: [d.instance for d in reviews.latest(rule=rule)]
                   for rule in ("request_late", "request_overdue")}
    late_params = {**in_period, "late_decided_ids": decided_ids["request_late"],
                   "overdue_decided_ids": decided_ids["request_overdue"]}
    decided = reviews_ui.decided_view("late_decided")
    l_page = ui.page_number("late_page")
    late = run_query("rpt_requests_late", decided=decided, limit=PAGE_SIZE, offset=(l_page - 1) * PAGE_SIZE,
                     **late_params)
    if late.is_empty():
        if l_page > 1:
            st.caption(_("No more rows."))
            ui.pager(_("Page (late and overdue)"), "late_page", 0, PAGE_SIZE)
        elif decided != "all":
            st.caption(_("No row matches the decision filter."))
        else:
            ui.all_clear("requests", _("No request received in the period was closed late, and none is overdue on "
                                       "{as_of}.").format(as_of=i18n.day(period.as_of)))
    else:
        reviews_ui.recorded_note()
        total = int(late["total_rows"][0])
        st.caption(_("Requests received in the period and closed after their deadline, and every request overdue on "
                     "{as_of} whatever its receipt day ({count} in all, {without} without a decision). Select rows to "
                     "record a decision.").format(as_of=i18n.day(period.as_of), count=int(late["all_rows"][0]),
                                                   without=int(late["without_decision"][0])))
        ui.page_caption(total, l_page, PAGE_SIZE, late.height)

        def late_rows(frame: pl.DataFrame) -> pl.DataFrame:
            """The list's rows with the decision in force on each, on the row's finding as the query names it. Days past
            the deadline, what the list is sorted by, stand beside the state, before the decision's columns (after
            them, a screen's width did not reach it)."""
            own = [c for c in frame.columns if c not in ("all_rows", "without_decision", "total_rows", "days_late")]
            at = own.index("sla_status") + 1
            return reviews_ui.with_decisions(frame.select(own[:at] + ["days_late"] + own[at:]), "request_id",
                                             pl.col("finding"), after="days_late").drop("finding")

        shown = late_rows(late)
        with st.container(key="late_rows"):
            event = ui.table(shown.drop("_rule"), {**LABELS, **reviews_ui.LABELS},
                             colour=("sla_status",), on_select="rerun", selection_mode="multi-row", key="late_table")
        ui.pager(_("Page (late and overdue)"), "late_page", total, PAGE_SIZE)
        chosen = [i for i in (event.selection.rows if event else []) if i < shown.height]
        reviews_ui.decision_button(viewer, "requests", "requests",
                                   [(shown["_rule"][i], shown["request_id"][i]) for i in chosen])
        ui.exports(_("Download late and overdue"),
                   lambda: late_rows(run_query_uncached("rpt_requests_late", decided=decided, limit=None, offset=0,
                                                        **late_params)).drop("_rule"),
                   "requests-late", rows=total, count=False)


def doubtful_list() -> None:
    """The period's verdicts that depend on the holiday reading or on identification asked late."""
    st.subheader(_("Doubtful verdicts"))
    doubt = filters.url_value("doubt", "all", allowed=["all", "calendar", "identification"])
    filters.keep_in_url(doubt=doubt if doubt != "all" else None)
    d_page = ui.page_number("doubtful_page")
    doubtful = run_query("rpt_requests_doubtful", doubt=doubt, limit=PAGE_SIZE, offset=(d_page - 1) * PAGE_SIZE,
                         **in_period)
    st.caption(ngettext("Requests received in the period that are on time under one reading of the holidays and "
                        "late under the other (closed, or extended, after the strict deadline but on or before the "
                        "Swedish-statute one), and requests whose identification was asked more than {days} working "
                        "day after receipt. Neither reading hides them; see docs/sla.md.",
                        "Requests received in the period that are on time under one reading of the holidays and "
                        "late under the other (closed, or extended, after the strict deadline but on or before the "
                        "Swedish-statute one), and requests whose identification was asked more than {days} working "
                        "days after receipt. Neither reading hides them; see docs/sla.md.",
                        settings.ask_within_days).format(
        days=settings.ask_within_days)
               + {"all": "", "calendar": " " + _("Showing: holiday reading only."),
                  "identification": " " + _("Showing: identification asked late only.")}[doubt])
    if doubtful.is_empty():
        if d_page == 1:
            ui.all_clear("requests", _("No verdict in the period depends on the holiday reading, and every "
                                       "identification was asked in time."))
        else:
            st.success(_("No more rows."))
        ui.pager(_("Page (doubtful verdicts)"), "doubtful_page", 0, PAGE_SIZE)
    else:
        total = int(doubtful["total_rows"][0])
        ui.page_caption(total, d_page, PAGE_SIZE, doubtful.height)
        with st.container(key="doubtful_rows"):
            ui.table(doubtful.drop("total_rows"), LABELS, colour=("sla_status",))
        ui.pager(_("Page (doubtful verdicts)"), "doubtful_page", total, PAGE_SIZE)
        ui.exports(_("Download doubtful verdicts"),
                   lambda: run_query_uncached("rpt_requests_doubtful", doubt=doubt, limit=None, offset=0,
                                              **in_period).drop("total_rows"),
                   "requests-doubtful", rows=total, count=False)


{"queue": queue_list, "late": late_list, "doubtful": doubtful_list}[shown_list]()

st.subheader(_("A request's timeline"))
if "req_timeline" not in st.session_state:  # from the link
    st.session_state["req_timeline"] = filters.url_value("req", "")[:100]
request_id = st.text_input(_("Request id"), key="req_timeline", max_chars=100,
                           placeholder=_("e.g. REQ-000123, or select a row in the queue"))
# In the link, so the view can be shared and the access log records which request's timeline was opened.
filters.keep_in_url(req=request_id.strip())
if request_id.strip():
    found = run_query("rpt_request_lookup", request_id=request_id.strip())  # any case: req-000123 is REQ-000123
    stored = found["request_id"][0] if found.height else request_id.strip()
    timeline = run_query("rpt_request_timeline", request_id=stored, as_of=period.as_of, tz=sla["tz"])
    if timeline.is_empty():
        st.warning(_("No events for request {request} up to {as_of}.").format(request=ui.md_escape(request_id),
                                                                             as_of=i18n.day(period.as_of)))
    else:
        detail = run_query("rpt_request_detail", request_id=stored, **{**sla, "only_open": False, "only_id": stored})
        with st.container(border=True, key="request_detail"):
            if not detail.is_empty():
                d = detail.row(0, named=True)
                st.markdown(_("**{request}** · deadline **{deadline}** · {state}").format(
                    request=ui.md_escape(stored), deadline=i18n.day(d["deadline"]),
                    state=ui.md_escape(labels.word(d["sla_status"]))))
                st.caption(ui.md_escape(how(d, sla)) + ".")
                if d["last_note"]:
                    st.caption(_("Last note: {note}").format(note=ui.md_escape(d["last_note"])))
            ui.table(timeline, {"occurred_at": N_("When")})

st.subheader(_("Repeat access requests"))
st.caption(_("Access requests in the period from a subject who made one within the previous 365 days. The policy "
             "promises one free copy (registerutdrag) a year; a later one may carry a fee."))
r_page = ui.page_number("repeat_page")
# Listed when opened (open in the link as ?repeats=true): a fee question, not a breach, and the page's costliest
# list to find (every access request of the period and the year before, by subject: 0.66 s of a year's 2.3 s at ten
# times the sample's volume).
repeat_list = st.expander(_("List the repeat access requests"), key="repeats", bind="query-params",
                          icon=":material/list:")
if repeat_list.open:
    with repeat_list:
        with_year_before = period_params(period.as_of, period.start, period.end, lookback_days=366)
        repeats = run_query("rpt_repeat_access", limit=PAGE_SIZE, offset=(r_page - 1) * PAGE_SIZE,
                            **with_year_before)
        if repeats.is_empty():
            if r_page == 1:
                ui.all_clear("requests", _("No subject asked for a second copy within a year."))
            else:
                st.success(_("No more rows."))
            ui.pager(_("Page (repeat access)"), "repeat_page", 0, PAGE_SIZE)
        else:
            total = int(repeats["total_rows"][0])
            st.caption(ngettext("{total} repeat request; showing {first}–{last}.",
                                "{total} repeat requests; showing {first}–{last}.", total).format(
                total=i18n.number(total), first=(r_page - 1) * PAGE_SIZE + 1,
                last=(r_page - 1) * PAGE_SIZE + repeats.height))
            ui.table(repeats.drop("total_rows"), {"subject_ref": N_("Subject (pseudonym)"),
                                                  "previous_day": N_("Previous received")})
            ui.pager(_("Page (repeat access)"), "repeat_page", total, PAGE_SIZE)
            ui.exports(_("Download repeat access requests"),
                       lambda: run_query_uncached("rpt_repeat_access", limit=None, offset=0,
                                                  **with_year_before).drop("total_rows"),
                       "repeat-access", rows=total)
