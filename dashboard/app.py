"""Entrypoint: page config, the shared sidebar, and the router. Pages live in dashboard/app_pages/."""

import streamlit as st

from dashboard import db, filters

st.set_page_config(page_title="Privacy Audit Dashboard", page_icon="🛡️", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("app_pages/requests.py", title="Requests", icon=":material/assignment_ind:"),
    st.Page("app_pages/holds.py", title="Legal holds", icon=":material/lock:"),
    st.Page("app_pages/transfers.py", title="Transfers", icon=":material/public:"),
    st.Page("app_pages/consent.py", title="Cookie consent", icon=":material/cookie:"),
    st.Page("app_pages/data_quality.py", title="Data quality", icon=":material/fact_check:"),
]

page = st.navigation(PAGES)
if not db.store_ready():
    st.stop()
span = db.run_query("store_span")
st.session_state["period"] = filters.sidebar(span["last_day"][0] if span.height else None)
page.run()
