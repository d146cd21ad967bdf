"""Access log (DPO only): sign-ins, page views with their filters, exports and refused access, from the
dashboard's own append-only log, with the integrity check of every month file."""

from datetime import date, timedelta
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import access, access_log, charts, config, filters, i18n, labels, roles, ui
from dashboard.i18n import N_, _, ngettext

PAGE_SIZE = 100

access.require("access_log")

st.title(_("Access log"))
kept_days = access_log.retention_days()
st.caption(ngettext("Who opened what in this dashboard, with which filters, and what they exported. Kept {days} day "
                    "(AUDIT_ACCESS_LOG_DAYS) in {folder}, one file per month, apart from the audit store; the "
                    "dashboard only appends to it. docs/security.md.",
                    "Who opened what in this dashboard, with which filters, and what they exported. Kept {days} days "
                    "(AUDIT_ACCESS_LOG_DAYS) in {folder}, one file per month, apart from the audit store; the "
                    "dashboard only appends to it. docs/security.md.", kept_days).format(
    days=kept_days, folder=access_log.log_dir()))

def _stat(path: Path) -> tuple:
    try:
        s = path.stat()
        return (s.st_size, s.st_mtime_ns, s.st_ctime_ns)
    except FileNotFoundError:
        return ()


@st.cache_data(show_spinner=False, max_entries=64)
def verified(path: str, stat: tuple) -> access_log.Check:
    """A month file's chain, checked again only when the file or its head changed (not on every rerun). The key
    holds the inode change times, which nobody can set back, so an edit that restores size and modification time is
    still seen."""
    return access_log.verify(Path(path))


months = access_log.months()
if not months:
    st.info(_("Nothing has been logged yet. Every sign-in, page view and export is written here as it happens."))
    st.stop()
checks = [verified(str(p), (_stat(p), _stat(access_log.head_path(p)))) for p in months]
broken = [c for c in checks if not c.intact]
if broken:
    st.error(_("The access log has been altered outside the dashboard: {where}. Lines from there on cannot be "
               "trusted; keep a copy of the files for the investigation.").format(
        where="; ".join(_("{file} from line {line} ({problem})").format(file=c.path.name, line=c.broken_at,
                                                                          problem=c.problem) for c in broken)))
else:
    st.success(ngettext("Integrity check: all {lines} lines in {files} month file are intact (each line carries a "
                        "keyed hash of the one before, and each month's end matches its signed head).",
                        "Integrity check: all {lines} lines in {files} month files are intact (each line carries a "
                        "keyed hash of the one before, and each month's end matches its signed head).",
                        len(checks)).format(lines=i18n.number(sum(c.lines for c in checks)), files=len(checks)),
               icon=":material/verified:")
cut = [_("{file} line {line}").format(file=c.path.name, line=n) for c in checks for n in c.partial]
if cut:
    st.warning(_("Lines cut short by a crash or a full disk: {lines}. The entries after them are intact.").format(
        lines=", ".join(cut)))

# The access log has its own days: it records the dashboard's use (up to now), not the audit logs' period (which
# may end days before today), so it opens on the last 30 days including today.
today = config.today()  # the log's days are local days (AUDIT_TZ)
earliest, latest = today - timedelta(days=access_log.retention_days() + 31), today + timedelta(days=1)


def linked_day(param: str, default: date) -> date:
    """A day from the link, moved into the days the log can hold."""
    day = filters.parse_date(st.query_params.get(param)) or default
    return min(max(day, earliest), latest)


al_from, al_to = linked_day("al_from", today - timedelta(days=29)), linked_day("al_to", today)
with st.container(border=True):
    d1, d2 = st.columns(2)
    al_from = d1.date_input(_("Logged from"), value=al_from, format="YYYY-MM-DD", key="al_from",
                            min_value=earliest, max_value=latest)
    al_to = d2.date_input(_("Logged to"), value=al_to, format="YYYY-MM-DD", key="al_to",
                          min_value=earliest, max_value=latest)
    if al_from > al_to:
        al_from, al_to = al_to, al_from
    c1, c2, c3 = st.columns([2, 2, 2])
    events = c1.multiselect(_("Event"), access_log.EVENTS, default=filters.url_list("al_event", access_log.EVENTS),
                            placeholder=_("All events"), format_func=labels.word)
    page_keys = ["", *roles.ALL_PAGES]
    page = c2.selectbox(_("Page"), page_keys, index=page_keys.index(filters.url_value("al_page", "", page_keys)),
                        format_func=lambda k: _(access.PAGES[k][0]) if k else _("All pages"))
    user = c3.text_input(_("User contains"), value=filters.url_value("al_user", "")[:100], max_chars=100)
filters.keep_in_url(al_event=events, al_page=page, al_user=user.strip(),
                    al_from=al_from if al_from != today - timedelta(days=29) else None,
                    al_to=al_to if al_to != today else None)
params = {"date_from": al_from, "date_to": al_to, "tz": config.settings().timezone,
          "events": list(events), "page": page, "user": user.strip()}

daily = access_log.run("rpt_access_log_daily", **params)
totals = {e: int(daily.filter(pl.col("event") == e)["events"].sum()) for e in access_log.EVENTS}
cols = st.columns(5)
cols[0].metric(_("Sign-ins"), i18n.number(totals["sign_in"]), border=True, height="stretch")
cols[1].metric(_("Page views"), i18n.number(totals["page_view"]), border=True, height="stretch")
exported = int(daily["rows_exported"].sum())
cols[2].metric(_("Exports"), i18n.number(totals["export"]), border=True, height="stretch",
               help=ngettext("{rows} row exported", "{rows} rows exported", exported).format(
                   rows=i18n.number(exported)))
cols[3].metric(_("Refused"), i18n.number(totals["denied"]), border=True, height="stretch",
               help=_("Unknown users and pages a role may not open."))
cols[4].metric(_("Users"), i18n.number(int(daily["users_in_selection"][0]) if daily.height else 0), border=True,
               height="stretch")

if daily.is_empty():
    st.info(_("No entry matches between {start} and {end}. Widen the days or clear the filters.").format(
        start=i18n.day(al_from), end=i18n.day(al_to)))
    st.stop()
st.altair_chart(charts.access_events(daily, al_from, al_to), width="stretch", theme=None)

page_no = ui.page_number("al_page_no")
rows = access_log.run("rpt_access_log", limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, **params)
total = int(rows["total_rows"][0]) if rows.height else 0
st.caption(ngettext("{total} entry matches, newest first", "{total} entries match, newest first", total).format(
    total=i18n.number(total)) + "; " + _("showing {rows} from number {first}.").format(
    rows=rows.height, first=(page_no - 1) * PAGE_SIZE + 1) + " "
    + _("Detail holds the page's filters as they appear in its link."))
ui.table(rows.drop("total_rows"), {"occurred_at": N_("When"), "user_email": N_("User"), "row_count": N_("Rows")})
ui.pager(_("Page (entries)"), "al_page_no", total, PAGE_SIZE)
ui.exports(_("Download the entries"),
           lambda: access_log.run("rpt_access_log", limit=None, offset=0, **params).drop("total_rows"),
           "access-log", rows=total)
