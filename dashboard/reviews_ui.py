"""The review journal on the pages: each finding row's decision in force, a filter by decision, and the dialog in
which the DPO records a decision on the rows selected (docs/reviews.md)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import access, access_log, filters, reviews
from dashboard.labels import word

LABELS = {"decision": "Decision", "owner": "Owner", "due": "Due", "decided_at": "Decided on"}
DECIDED_VIEWS = {"all": "All", "without": "Without a decision", "decided": "Decided"}
# Who may record a decision on which area's findings (issue #18): the DPO on every area, staff on transfers only;
# management sees the counts and decisions, never the rows.
DECIDERS = {"dpo": ("requests", "holds", "transfers", "consent"), "staff": ("transfers",)}


def may_decide(viewer: access.Viewer, area: str) -> bool:
    return area in DECIDERS.get(viewer.role, ())


def with_decisions(frame: pl.DataFrame, id_column: str, rule_of: pl.Expr | str, after: str | None = None
                   ) -> pl.DataFrame:
    """frame with its rows' finding rule and the decision in force on each (status, owner, due, decided at), those
    columns placed after `after`. The journal is small (decisions are made by hand), so it joins here with the rows
    already on the page."""
    rules = pl.lit(rule_of) if isinstance(rule_of, str) else rule_of
    decided = reviews.latest()
    journal = pl.DataFrame(
        {"_rule": [d.rule for d in decided], id_column: [d.instance for d in decided],
         "decision": [d.status for d in decided], "owner": [d.owner for d in decided],
         "due": [date.fromisoformat(d.due) if d.due else None for d in decided],
         "decided_at": [d.decided_at[:10] for d in decided]},
        schema={"_rule": pl.String, id_column: pl.String, "decision": pl.String, "owner": pl.String,
                "due": pl.Date, "decided_at": pl.String})
    joined = frame.with_columns(rules.alias("_rule")).join(journal, on=["_rule", id_column], how="left",
                                                           maintain_order="left")
    if after is None:
        return joined
    own = [c for c in frame.columns]
    at = own.index(after) + 1
    return joined.select(own[:at] + list(LABELS) + own[at:] + ["_rule"])


def decided_view(key: str, param: str = "decided", help: str | None = None) -> str:
    """The control (and the link, ?decided= or param) that shows all rows, those without a decision, or those
    decided."""
    linked = filters.url_value(param, "all", allowed=list(DECIDED_VIEWS))
    view = st.segmented_control("Decision", list(DECIDED_VIEWS), default=linked, format_func=DECIDED_VIEWS.get,
                                key=key, help=help) or "all"
    filters.keep_in_url(**{param: view if view != "all" else None})
    return view


def decided_filter(frame: pl.DataFrame, key: str, param: str = "decided", help: str | None = None
                   ) -> pl.DataFrame:
    """The rows without a decision, or with one, as decided_view says (frame has with_decisions' columns)."""
    view = decided_view(key, param, help=help)
    if view == "without":
        return frame.filter(pl.col("decision").is_null())
    if view == "decided":
        return frame.filter(pl.col("decision").is_not_null())
    return frame


def decision_button(viewer: access.Viewer, area: str, page: str, picked: list[tuple[str, str]],
                    key: str = "") -> None:
    """The button that opens the dialog for the selected rows (rule, row id); only for who may decide on them."""
    if not may_decide(viewer, area):
        return
    label = (f"Record a decision on {len(picked)} selected" if picked
             else "Record a decision (select rows first)")
    if st.button(label, disabled=not picked, icon=":material/gavel:", key=f"decide_{page}_{key}"):
        _dialog(picked, viewer, page)


@st.dialog("Record a decision", width="large")
def _dialog(picked: list[tuple[str, str]], viewer: access.Viewer, page: str) -> None:
    st.caption(f"{len(picked)} finding(s): " + ", ".join(f"{i} ({word(r)})" for r, i in picked[:10])
               + (" …" if len(picked) > 10 else "") + ". A decision is never edited: a later one supersedes it, "
               "and the history stays (docs/reviews.md).")
    with st.form("decision_form", border=False):
        status = st.selectbox("Status", reviews.STATUSES, format_func=str.capitalize)
        owner = st.text_input("Owner", max_chars=reviews.MAX_OWNER, placeholder="a name or a team")
        due = st.date_input("Due", value=None, min_value=date(1990, 1, 1), format="YYYY-MM-DD")
        note = st.text_area("Note", max_chars=reviews.MAX_NOTE,
                            placeholder="what was decided and why (a person's number or address is replaced)")
        if not st.form_submit_button("Record", type="primary"):
            return
    try:
        for rule, instance in picked:
            d = reviews.record(rule, instance, status, viewer.email, owner=owner, note=note, due=due)
            access_log.append("decision", viewer.email, viewer.role, page=page,
                              detail=f"{d.rule} {d.instance}: {d.status}" + (f", due {d.due}" if d.due else ""),
                              **viewer.identity)
    except reviews.ReviewError as exc:
        st.error(f"Not recorded: {exc}")
        return
    st.session_state["decision_recorded"] = f"Recorded '{status}' on {len(picked)} finding(s)."
    st.rerun()


def recorded_note() -> None:
    """The confirmation after the dialog closed (once)."""
    message = st.session_state.pop("decision_recorded", None)
    if message:
        st.toast(message, icon=":material/check:")
