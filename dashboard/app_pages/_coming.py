"""The honest placeholder for a page whose work has not landed yet: what it will show, nothing invented."""

import streamlit as st


def coming(title: str, will_show: list[str]) -> None:
    st.title(title)
    st.info("This page is not built yet. Nothing here is computed from your logs yet, so no figure is shown.",
            icon=":material/construction:")
    st.markdown("**It will show:**\n" + "\n".join(f"- {line}" for line in will_show))
    st.page_link("app_pages/data_quality.py", label="Meanwhile: see what the store holds on Data quality",
                 icon=":material/fact_check:")
