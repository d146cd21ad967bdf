"""Entrypoint: page config, who is viewing, the shared sidebar, and the router. Pages live in dashboard/app_pages/."""

import streamlit as st

from dashboard import access, config, db, filters
from dashboard.i18n import _

st.set_page_config(page_title="Privacy Audit Dashboard", page_icon="🛡️", layout="wide")
filters.choose_language()  # first: every text below, the sign-in page's included, is in the language chosen
try:
    config.settings()
except config.SettingsError as exc:  # a deadline rule set wrongly would make every figure wrong: say which, stop
    st.error(_("The dashboard's settings cannot be used: {problem}. See README.md, Configuration.").format(
        problem=exc), icon=":material/settings:")
    st.stop()

# A table sorts by its header on screen only, the rows of one page: a sort that looks like the whole log's and is
# not. Sorting is the page's own control (on the server, followed by the exports), so header clicks are caught by a
# transparent strip over the header row. docs/security.md.
# Captions and inline code darker than the theme's (#595959 and #1f5c53 on white and on the sidebar's grey: above
# 4.5:1, WCAG 1.4.3; the theme's measure 3.8:1 and 3.0:1).
# A figure's name wraps rather than ending in "…" (it cut "Outside EU/EEA without a valid safeguard" to "without a").
st.html("<style>[data-testid='stDataFrame']{position:relative}"
        "[data-testid='stDataFrame']::after{content:'';position:absolute;left:0;right:0;top:0;height:36px;"
        "z-index:3;cursor:default}"
        "[data-testid='stCaptionContainer'],[data-testid='stCaptionContainer'] p"
        "{color:#595959 !important;opacity:1 !important}"
        "[data-testid='stCaptionContainer'] code,[data-testid='stMarkdownContainer'] code"
        "{color:#1f5c53 !important;opacity:1 !important}"
        "[data-testid='stMarkdownContainer'] pre{white-space:pre-wrap !important;overflow:visible !important}"
        "[data-testid='stMetricLabel'] .stMarkdownEllipsis,[data-testid='stMetricLabel'] p"
        "{white-space:normal !important;overflow:visible !important;text-overflow:clip !important}"
        "</style>")

viewer = access.current()
st.session_state["viewer"] = viewer
navigation = access.Navigation(viewer)
page = st.navigation(navigation.pages)
# Each page its own title in the browser's tab and for screen readers (WCAG 2.4.2).
st.set_page_config(page_title=page.title + " · " + _("Privacy Audit Dashboard"))
access.sidebar(viewer)
if navigation.handles(page):  # the first page by its own address, or a page the role may not open
    page.run()
    st.stop()
with db.connection_per_run():
    if not db.store_ready():
        st.stop()
    span = db.run_query("store_span")
    st.session_state["period"] = filters.sidebar(span["first_day"][0] if span.height else None,
                                                 span["last_day"][0] if span.height else None)
    logs = db.run_query("dq_rows_per_log")
    filters.freshness_note(list(zip(logs["log_name"], logs["last_day"])), st.session_state["period"].as_of)
    filters.refresh_note(db.run_query("store_refresh_pending"))
    st.session_state["access_page"] = page.url_path or navigation.home  # the page an export is logged under
    try:
        page.run()
    finally:
        access.log_page_view(viewer, st.session_state["access_page"])
