"""The review journal on the pages: each finding row's decision in force, a filter by decision, and the dialog in
which the DPO records a decision on the rows selected (docs/reviews.md)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from dashboard import access, access_log, filters, reviews
from dashboard.i18n import N_, _, ngettext
from dashboard.labels import word

LABELS = {"decision": N_("Decision"), "owner": N_("Owner"), "due": N_("Due"), "decided_at": N_("Decided on")}
DECIDED_VIEWS = {"all": N_("All"), "without": N_("Without a decision"), "decided": N_("Decided")}
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
    view = st.segmented_control(_("Decision"), list(DECIDED_VIEWS), default=linked,
                                format_func=lambda v: _(DECIDED_VIEWS[v]), key=key, help=help) or "all"
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
    label = (_("Record a decision on {count} selected").format(count=len(picked)) if picked
             else _("Record a decision (select rows first)"))
    if st.button(label, disabled=not picked, icon=":material/gavel:", key=f"decide_{page}_{key}"):
        _dialog(picked, viewer, page)


def _dialog(picked: list[tuple[str, str]], viewer: access.Viewer, page: str) -> None:
    # The dialog's title is fixed when it is declared: declared per call, so it is in the run's language.
    st.dialog(_("Record a decision"), width="large")(_decision_form)(picked, viewer, page)


def _decision_form(picked: list[tuple[str, str]], viewer: access.Viewer, page: str) -> None:
    st.caption(ngettext("{count} finding: ", "{count} findings: ", len(picked)).format(count=len(picked))
               + ", ".join(f"{i} ({word(r)})" for r, i in picked[:10])
               + (" …" if len(picked) > 10 else "") + ". "
               + _("A decision is never edited: a later one supersedes it, and the history stays (docs/reviews.md)."))
    with st.form("decision_form", border=False):
        status = st.selectbox(_("Status"), reviews.STATUSES, format_func=lambda s: word(s)[:1].upper() + word(s)[1:])
        owner = st.text_input(_("Owner"), max_chars=reviews.MAX_OWNER, placeholder=_("a name or a team"))
        due = st.date_input(_("Due"), value=None, min_value=date(1990, 1, 1), format="YYYY-MM-DD")
        note = st.text_area(_("Note"), max_chars=reviews.MAX_NOTE,
                            placeholder=_("what was decided and why (a person's number or address is replaced)"))
        if not st.form_submit_button(_("Record"), type="primary"):
            return
    try:
        for rule, instance in picked:
            d = reviews.record(rule, instance, status, viewer.email, owner=owner, note=note, due=due)
            access_log.append("decision", viewer.email, viewer.role, page=page,
                              detail=f"{d.rule} {d.instance}: {d.status}" + (f", due {d.due}" if d.due else ""),
                              **viewer.identity)
    except reviews.ReviewError as exc:
        st.error(_("Not recorded: {problem}").format(problem=exc))
        return
    st.session_state["decision_recorded"] = ngettext("Recorded '{status}' on {count} finding.",
                                                     "Recorded '{status}' on {count} findings.", len(picked)).format(
        status=word(status), count=len(picked))
    st.rerun()


def recorded_note() -> None:
    """The confirmation after the dialog closed (once)."""
    message = st.session_state.pop("decision_recorded", None)
    if message:
        st.toast(message, icon=":material/check:")
