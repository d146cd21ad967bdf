"""Shared rendering of result tables: human column names, dates as dates, state cells coloured."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import polars as pl
import streamlit as st

from dashboard import filters, i18n
from dashboard.i18n import _, ngettext
from dashboard.labels import CODE_COLUMNS, CODE_LIST_COLUMNS, LOGS, WORDS, column, word

DOCS = Path(__file__).resolve().parent.parent / "docs"

# Background colours of request states: red needs action, amber soon, green fine, grey out of scope.
STATE_COLOURS = {
    "overdue": "#f8d7da", "late": "#f8d7da", "at_risk": "#fff3cd", "pending": "#d1e7dd", "on_time": "#d1e7dd",
    "awaiting_identity": "#e2e3e5",
    "outside_sla": "#e2e3e5",
}


_MARKDOWN_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\`*_{}[]()<>#+-.!|~$:=^"})


_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")


def md_escape(text) -> str:
    """Text from a log, a link or a token, safe to put inside Markdown: every character Markdown or Streamlit's
    directives (:material/..:, :red[..], $..$) could read is escaped, so it shows as typed; and an invisible word
    joiner after '://', 'www.' and '@' keeps the Markdown renderer from turning a bare address into a link (it
    finds those in the text after escapes are undone)."""
    if text is None:
        return ""
    joined = _AUTOLINK.sub(lambda m: m.group(1)[:1] + "\u2060" + m.group(1)[1:], str(text))
    return joined.translate(_MARKDOWN_SPECIAL).replace("\n", " ")


_ZERO = re.compile(r"^[+-]?0+([.,]0+)?(?P<unit> ?[^\W\d_].*)?$")


def signed(change, decimals: int | None = None) -> str | None:
    """A change with its sign, in the language's number format (+1 234, -3,5)."""
    if change is None:
        return None
    return ("-" if change < 0 else "+") + i18n.number(abs(change), decimals)


def pp_change(now, before) -> str | None:
    """The change between two shares in percentage points (+2.5 pp; Swedish +2,5 p.e.)."""
    if now is None or before is None:
        return None
    return signed((now - before) * 100, 1) + " " + _("pp")


def delta_style(delta, colour: str) -> dict:
    """st.metric's delta arguments: a change of zero is neutral (no arrow, grey), never a red or green arrow; a
    change is said by its sign and arrow as well as its colour (WCAG 1.4.1)."""
    if delta is None:
        return {"delta": None}
    zero = _ZERO.match(str(delta).replace("\u00a0", "").strip())
    if zero:
        unit = (zero.group("unit") or "").strip()
        return {"delta": "±0" + (" " + unit if unit else ""), "delta_color": "off", "delta_arrow": "off"}
    return {"delta": delta, "delta_color": colour}


_NOT_QUANTITIES = ("_id", "_number", "_ref")  # numbers that name a thing (a row number, an id): never grouped


def _numbers_in_language(frame: pl.DataFrame) -> dict[str, pl.Series]:
    """Each quantity column of a page's table as text in the page's language (`5 982`, `73,7 %`, `1,5`; `5 982`,
    `73.7%`, `1.5`), as its figures write them: the grid writes 5982 in English and cannot group with a space nor
    write Swedish. Made here, on the run's thread (its language), once per distinct value of a column (a table of
    thousands of rows holds few distinct counts)."""
    out = {}
    for name, dtype in frame.schema.items():
        if not dtype.is_numeric() or name.endswith(_NOT_QUANTITIES):
            continue
        if name.endswith(("_rate", "_share")):
            written = i18n.percent
        elif dtype.is_integer():
            written = i18n.number
        else:
            written = functools.partial(i18n.number, decimals=1)
        values = frame[name]
        words = {v: written(v) for v in values.drop_nulls().unique().to_list()}
        out[name] = values.replace_strict(words, return_dtype=pl.String) if words else values.cast(pl.String)
    return out


def _word_lists(frame: pl.DataFrame) -> dict[str, tuple[dict[str, str], str | None, str, bool]]:
    """The text columns of frame that hold codes, each with its words in the run's language, how its codes are
    separated (None: one code a cell), how its words are joined and whether a code without a word reads with spaces
    for its underscores: the logs' codes (labels.WORDS), a transfer's list of data categories, a row's findings (rule
    codes, as the findings' titles) and a page's key (as the menu's title, in the access log; a key the menu does not
    have, as logged)."""
    from dashboard import access, findings

    words = {code: word(code) for code in (*WORDS, *LOGS)}
    out = {}
    for name, dtype in frame.schema.items():
        if dtype != pl.String:
            continue
        if name in CODE_COLUMNS:
            out[name] = (words, None, "", True)
        elif name in CODE_LIST_COLUMNS:
            out[name] = (words, ";", ", ", True)
        elif name == "findings":
            out[name] = ({f.rule: findings.title(f.rule) for f in findings.RULES}, ", ", "; ", False)
        elif name == "page":
            out[name] = ({key: _(title) for key, (title, _icon) in access.PAGES.items()}, None, "", False)
    return out


def _worded(name: str, words: dict[str, str], separator: str | None, joiner: str, spaced: bool) -> pl.Expr:
    """The column's codes as their words; a code without one as itself (its underscores as spaces when spaced)."""
    def one(code: pl.Expr) -> pl.Expr:
        return code.replace_strict(words, default=code.str.replace_all("_", " ") if spaced else code)

    if separator is None:
        return one(pl.col(name))
    return pl.col(name).str.split(separator).list.eval(one(pl.element().str.strip_chars())).list.join(joiner)


def table(frame: pl.DataFrame, labels: dict[str, str] | None = None, colour: tuple[str, ...] = (),
          **kwargs):
    """st.dataframe with readable headers, YYYY-MM-DD dates and coloured state columns."""
    labels = labels or {}
    config = {}
    written = _numbers_in_language(frame)
    for name, dtype in frame.schema.items():
        label = column(name, labels)
        if name in written:
            config[name] = st.column_config.TextColumn(label, alignment="right")
        elif dtype == pl.Date:
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif name.endswith(("_rate", "_share")):
            config[name] = st.column_config.NumberColumn(label, format="percent")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
        else:
            config[name] = label
    # Codes read as words (at_risk as "at risk", aml_act as "AML Act"); the files keep the codes.
    data = frame.with_columns(_worded(name, *how) for name, how in _word_lists(frame).items())
    if written:
        data = data.with_columns(written.values())
    if colour:
        colours = {word(k): v for k, v in STATE_COLOURS.items()}
        data = data.to_pandas().style.map(
            lambda v: f"background-color: {colours[v]}" if v in colours else "", subset=list(colour)
        ).format(precision=0, na_rep="", thousands=" ")
    # An empty cell is blank, not "None".
    return st.dataframe(data, hide_index=True, width="stretch", column_config=config, placeholder="", **kwargs)


@functools.cache
def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def all_clear(area: str, text: str, state: bool | None = None) -> None:
    """A check of the period that found nothing: in green only when the area's logs hold events to check. In a
    period without any (holds, a state: none up to the as-of date) it is said plainly with the reason, and when a log
    ends before the as-of date, up to which day it was checked (docs/metrics.md, "Status and freshness"). state: the
    check is of a state as of the as-of date (the open queue), so any event up to that day counts."""
    from dashboard import config, findings
    from dashboard.db import run_query

    period = st.session_state["period"]
    settings = config.settings()
    fresh = run_query("rpt_log_freshness", date_from=period.start, date_to=period.end, as_of=period.as_of,
                      tz=settings.timezone)
    empty, ends = findings.freshness_gaps(area, {r["log_name"]: r for r in fresh.iter_rows(named=True)},
                                          period.as_of, settings.data_grace_days, state)
    if empty:
        st.info(text + " " + _("But this area's logs have no events in the period: nothing was checked."),
                icon=":material/block:")
    elif ends:
        st.info(text + " " + _("Checked up to {day} only: the log ends there, before the as-of date.").format(
            day=i18n.day(ends)), icon=":material/event_busy:")
    else:
        st.success(text)


def page_header(title: str, rules: str, doc: str, doc_label: str) -> None:
    """Title, the rules in two lines, and the full rules (a file in docs/) one click away."""
    st.title(title)
    st.caption(rules)
    # Drawn when opened (?rules=true in a link): a closed expander's content is still drawn in the browser, and a
    # rules file is long (docs/sla.md with its code blocks took 0.3 s of the browser's CPU on Requests, hidden).
    rules_doc = st.expander(f"{doc_label} (docs/{doc})", key="rules", bind="query-params")
    if rules_doc.open:
        with rules_doc:
            st.markdown(_doc(doc))


def download(label: str, data, file_name: str, mime: str, rows: int, **kwargs):
    """st.download_button whose file is produced on the click, and logged then (file, rows, the view's filters)
    in the dashboard's access log: a file that was never produced is never logged, and one that was always is."""
    from dashboard import access

    logged = access.export_logger(file_name, rows)

    def produce():
        content = data() if callable(data) else data
        logged()
        return content

    return st.download_button(label, produce, file_name, mime, on_click="ignore", **kwargs)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def page_number(key: str) -> int:
    """The page a list paged on the server is on: its pager's value (read before the list's query, the pager being
    drawn under the list); on a shared link's first run the link's ?<key>=, else 1. The page is kept in the link
    (docs/metrics.md, "Links"), so a shared link opens on the same rows."""
    if key not in st.session_state:
        st.session_state[key] = filters.url_page(key)
    value = st.session_state[key]
    page = value if isinstance(value, int) and 1 <= value <= filters.MAX_PAGE else 1
    filters.keep_in_url(**{key: page if page > 1 else None})
    return page


def pager(label: str, key: str, total: int, size: int) -> None:
    """The page number under a list paged on the server, drawn only when the list has more than one page (or the
    page asked for is past its end, so the user can come back)."""
    if total > size or page_number(key) > 1:
        left, _rest = st.columns([1, 4])
        left.number_input(label, min_value=1, max_value=filters.MAX_PAGE, step=1, key=key)


def page_caption(total: int, page: int, size: int, shown: int) -> None:
    """How many rows a list paged on the server has in all, and which are on this page."""
    st.caption(ngettext("{total} row; showing {first}–{last}.", "{total} rows; showing {first}–{last}.", total).format(
        total=i18n.number(total), first=(page - 1) * size + 1, last=(page - 1) * size + shown))


def exports(label: str, frame, stem: str, rows: int, count: bool = True, **kwargs) -> None:
    """The one export path of a table: CSV (in the dialect chosen in the sidebar) and Excel side by side, each
    produced from the query on the click (in the page's order: the query sorts, on the server) and logged.
    frame is a frame or a function that returns one (run only when a file is asked for)."""
    from dashboard.exports import EXCEL_MAX_ROWS, csv_bytes, excel_bytes

    def get():
        return frame() if callable(frame) else frame

    dialect = st.session_state.get("csv_dialect", "standard")
    shown = ", " + ngettext("{rows} row", "{rows} rows", rows).format(rows=i18n.number(rows)) if count else ""
    too_big = rows > EXCEL_MAX_ROWS
    # Side by side, each as wide as its words (in fixed columns "Download per request (CSV, 45 rows)" lost its count
    # to an ellipsis), the second below the first when the line is full.
    with st.container(horizontal=True):
        download(f"{label} (CSV{shown})", lambda: csv_bytes(get(), dialect), f"{stem}.csv", "text/csv", rows=rows,
                 key=f"csv_{stem}", icon=":material/download:", **kwargs)
        download(f"{label} (Excel)", lambda: excel_bytes(get(), stem[:31]), f"{stem}.xlsx", XLSX, rows=rows,
                 key=f"xlsx_{stem}", icon=":material/table_view:",
                 disabled=too_big or kwargs.get("disabled", False),
                 help=_("More rows than one Excel sheet holds: use CSV") if too_big else None)


def _finding_table(page: str, found, frame: pl.DataFrame, shown_part: bool = False) -> None:
    """A finding's rows, with the decision in force on each and, for who may decide on the area, the dialog to
    record one on the rows selected (docs/reviews.md)."""
    from dashboard import reviews, reviews_ui

    colour = tuple(c for c in ("sla_status",) if c in frame.columns)
    id_column = reviews.instance_column(found.rule)
    id_column = id_column if id_column in frame.columns else None
    viewer = st.session_state.get("viewer")
    if id_column is None or viewer is None:
        table(frame, colour=colour)
        return
    reviews_ui.recorded_note()
    decided = reviews_ui.with_decisions(frame, id_column, found.rule, after=id_column)
    decided = reviews_ui.decided_filter(decided, "finding_decided", "fdecided",
                                        help=ngettext("Among the {rows} row shown.", "Among the {rows} rows shown.",
                                                     frame.height).format(rows=frame.height)
                                        if shown_part else None)
    event = table(decided.drop("_rule"), reviews_ui.LABELS, colour=colour, on_select="rerun",
                  selection_mode="multi-row", key="finding_table")
    chosen = [i for i in (event.selection.rows if event else []) if i < decided.height]
    reviews_ui.decision_button(viewer, found.area, page, [(found.rule, decided[id_column][i]) for i in chosen],
                               key="finding")


def finding_rows(page: str, rows_of) -> str | None:
    """When the link names a finding of this page (?finding=<rule>, from the Overview's "Show the rows"), its rows
    first, at the top of the page: exactly the rows the finding counts (rows_of(rule) -> (frame, total) from the
    query that counts them), with their exports. Returns the rule shown, or None."""
    from dashboard import findings

    rule = st.query_params.get("finding")
    found = findings.BY_RULE.get(rule)
    if found is None or found.page != f"app_pages/{page}.py":
        return None
    frame, total = rows_of(rule)
    with st.container(border=True, key="finding_rows"):
        st.subheader(f"{findings.title(rule)}: {total}")
        st.caption(_("The rows this finding counts (severity {severity}), the same count as on the Overview and in "
                     "the report").format(severity=word(found.severity))
                   + (_("; the first {rows} are shown, the downloads hold all.").format(rows=frame.height)
                      if frame.height < total else "."))
        if frame.is_empty():
            st.success(_("None in this view."))
        else:
            _finding_table(page, found, frame, shown_part=frame.height < total)
            exports(_("Download these rows"), frame if frame.height == total else lambda: rows_of(rule, every=True)[0],
                    f"finding-{rule.replace('_', '-')}", rows=total)
        st.button(_("Show the whole page"), icon=":material/close:", key="close_finding",
                  on_click=lambda: st.query_params.pop("finding", None))
    return rule
