"""Data quality: what is in the store, what was loaded when, what was rejected and why, and orphan events."""

import duckdb
import streamlit as st

from dashboard import access, charts, filters, findings, i18n, labels, ui
from dashboard.contract import LOGS
from dashboard.db import run_query
from dashboard.i18n import N_, _, ngettext

PAGE_SIZE = 50
LOG_LABELS = {"log_name": N_("Log"), "row_count": N_("Rows")}

viewer = access.require("data_quality")
st.title(_("Data quality"))
st.caption(_("What the store holds, the last loads, rows refused at ingest with their reasons, and events that "
             "refer to something the logs never started. Rules: docs/data-contract.md."))

if viewer.row_logs:
    period: filters.Period = st.session_state["period"]

    def rows_of(rule: str, every: bool = False):
        """A log's rows rejected at ingest that the finding counts for the period (rpt_rejected_rows_by_log)."""
        frame = run_query("dq_rejected_in_period", log_name=findings.BY_RULE[rule].link["dq_log"],
                          logs=viewer.row_logs, date_from=period.start, date_to=period.end)
        return frame, frame.height

    ui.finding_rows("data_quality", rows_of)

rows = run_query("dq_rows_per_log")
# Three to a row: five narrow cards broke a log's name inside a word ("Samtyckeshändelse-r").
cols = [col for _ in range(0, len(rows), 3) for col in st.columns(3)]
for col, row in zip(cols, rows.iter_rows(named=True)):
    col.metric(labels.log_name(row["log_name"]).capitalize(), i18n.number(row["row_count"]),
               help=_("{first} to {last}").format(first=i18n.day(row["first_day"]), last=i18n.day(row["last_day"])),
               border=True, height="stretch")
ui.table(rows, LOG_LABELS)

st.subheader(_("Last ingests"))
runs = run_query("dq_last_ingests", limit=20)
if runs.is_empty():
    st.info(_("Nothing has been loaded yet: `python -m dashboard ingest FILE...`."))
else:
    # What a run did first (its outcome and counts, the rejected rows among them), then where it came from: after
    # the file's path the counts were past the right edge of a 1400-pixel screen.
    ui.table(runs.select("run_id", "log_name", "outcome", "outcome_detail", "rows_read", "rows_accepted",
                         "rows_rejected", "rows_duplicate", "finished_at", "file", "format", "seconds"),
             {**LOG_LABELS, "run_id": N_("Run"), "finished_at": N_("Finished"), "outcome_detail": N_("Why or when")})

st.subheader(_("Imports from your tools"))
try:
    imports = run_query("dq_imports", per_format=3)
except duckdb.BinderException:  # a store from before import reports: every other page works as before
    imports = None
if imports is None:
    st.info(_("This store was built before imports from tools' exports were recorded: load any file once "
              "(`python -m dashboard ingest FILE`; rows already stored are not added again) and they show here."))
elif imports.is_empty():
    st.info(_("No export of a privacy tool has been loaded. Fides, Transcend and OneTrust request exports, "
              "Usercentrics, OneTrust, Didomi, Klaro and cookieconsent consent exports and HAR files load as they "
              "are: `python -m dashboard ingest FILE` (docs/importers.md)."))
else:
    st.caption(_("The last three imports of each format: records read from the export, contract rows stored, "
                 "rejected or already there, and records skipped on purpose with the reason (docs/importers.md)."))
    ui.table(imports, {"format": N_("Format"), "run_id": N_("Run"), "file": N_("File"), "outcome": N_("Outcome"),
                       "outcome_detail": N_("Why or when"),
                       "records_read": N_("Records read"), "rows_accepted": N_("Rows stored"),
                       "rows_rejected": N_("Rows rejected"), "rows_duplicate": N_("Already stored"),
                       "records_skipped": N_("Records skipped"), "skipped_why": N_("Skipped because"),
                       "notes": N_("Notes"), "finished_at": N_("Finished")})

st.subheader(_("Rejected rows"))
log_choice = filters.url_value("dq_log", "", allowed=["", *LOGS])
reasons = run_query("dq_rejection_reasons", log_name=log_choice)
if reasons.is_empty() and not log_choice:
    st.success(_("No rejected row: every row of each file's latest load met the data contract (a row an earlier "
                 "load rejected and a later one stored is not counted; Last ingests shows each load's own counts)."))
else:
    left, right = st.columns([1, 2])
    with left:
        log_choice = st.selectbox(_("Log"), ["", *LOGS], index=["", *LOGS].index(log_choice),
                                  format_func=lambda v: labels.log_name(v) if v else _("All logs"))
        column_options = ["", *sorted(set(reasons["column_name"].to_list()))]
        column_choice = filters.url_value("dq_column", "", allowed=column_options)
        column_choice = st.selectbox(_("Column"), column_options, index=column_options.index(column_choice),
                                     format_func=lambda v: v or _("All columns"))
        search = st.text_input(_("Reason or file contains"), value=filters.url_value("dq_search", ""),
                               max_chars=100)
    with right:
        st.altair_chart(charts.rejections_by_reason(reasons), width="stretch", theme=None)
    filters.keep_in_url(dq_log=log_choice, dq_column=column_choice, dq_search=search)
    hidden = [log for log in LOGS if log not in viewer.row_logs]
    if not viewer.row_logs:
        access.rows_hidden_note(_("The rejected rows themselves"))
    else:
        if hidden:
            st.caption(_("Rejected rows of {logs} belong to pages your role does not open and are not listed; the "
                         "chart counts them.").format(logs=", ".join(labels.log_name(h) for h in hidden)))
        page = ui.page_number("dq_page")
        rejected = run_query("dq_rejected_rows", log_name=log_choice, column_name=column_choice, search=search,
                             logs=viewer.row_logs, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
        total = int(rejected["total_rows"][0]) if rejected.height else 0
        st.caption(ngettext("{total} rejection matches", "{total} rejections match", total).format(
            total=i18n.number(total)) + "; " + _("showing {rows} from number {first}.").format(
            rows=rejected.height, first=(page - 1) * PAGE_SIZE + 1) + " "
            + _("Personal pseudonyms in the rows are masked."))
        ui.table(rejected.drop("total_rows"), {**LOG_LABELS, "row_number": N_("Row"), "column_name": N_("Column"),
                                               "row_json": N_("Row as read (pseudonyms masked)")})
        ui.pager(_("Page (rejected rows)"), "dq_page", total, PAGE_SIZE)


st.subheader(_("Events out of order"))
if not {"dsr_events", "hold_events"} & set(viewer.row_logs):
    access.rows_hidden_note(_("Events out of order (request and hold ids)"))
else:
    disorder = run_query("dq_out_of_order", logs=viewer.row_logs, limit=500)
    if disorder.is_empty():
        st.success(_("No request has an event before its receipt, and no hold was released before it was "
                     "placed."))
    else:
        st.caption(_("Data errors: an event dated before the request's receipt (or a release before the placement) "
                     "is ignored, so the request stays open and may be overdue, the hold stays active; never "
                     "counted as compliant. Correct the source and load it again (unload the run first)."))
        ui.table(disorder, {**LOG_LABELS, "ref_id": N_("Request or hold"), "started_at": N_("Received or placed")})

st.subheader(_("Orphan events"))
if not {"dsr_events", "hold_events"} & set(viewer.row_logs):
    access.rows_hidden_note(_("Orphan events (request and hold ids)"))
    st.stop()
orphans = run_query("dq_orphan_events", logs=viewer.row_logs, limit=500)
if orphans.is_empty():
    st.success(_("Every event belongs to a request or hold that the logs start."))
else:
    st.caption(_("Events whose request or hold has no starting event: the source system lost or never exported "
                 "it."))
    ui.table(orphans, {**LOG_LABELS, "ref_id": N_("Request or hold")})
    ui.exports(ngettext("Download {count} orphan event", "Download {count} orphan events", orphans.height).format(
                   count=orphans.height), orphans, "orphan-events", rows=orphans.height,
               count=False)
