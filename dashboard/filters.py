"""The sidebar's shared filters and the page filters, kept in the URL's query parameters so a view is a link.

Each filter has one session_state key and one query parameter, both named here. Values read from the URL are
validated; a bad one is replaced by the default with a note, never passed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import streamlit as st

from dashboard import config
from dashboard.i18n import _

DEFAULT_DAYS = 90
MARGIN_DAYS = 366  # how far outside the store's span a date may be set (a link's date beyond is moved to the edge)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    as_of: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one, its as-of day moved back as far (for changes)."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, self.as_of - timedelta(days=self.days))


def parse_date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10]) if len(str(text)) == 10 else None
    except ValueError:
        return None


def url_value(param: str, default, allowed: list | None = None):
    """A page filter's value from the URL, checked against the allowed values."""
    raw = st.query_params.get(param)
    if raw is None:
        return default
    if allowed is not None and raw not in allowed:
        st.toast(_("Ignored the link's {param}: not a known value.").format(param=param))
        return default
    return raw


MAX_PAGE = 100_000  # a page number a link may carry (past the end of any list shows "no more rows")


def url_page(param: str) -> int:
    """A page number from the URL: a whole number in ASCII digits (config.whole_number) from 1 to MAX_PAGE, else 1."""
    page = config.whole_number(st.query_params.get(param) or "")
    return page if page is not None and 1 <= page <= MAX_PAGE else 1


def language() -> str:
    """The language asked for: the link's ?lang= (sv or en), else the browser's preferred language when it is one
    of the two, else AUDIT_LANG (docs/i18n.md)."""
    from dashboard import i18n

    linked = st.query_params.get("lang")
    return linked if linked in i18n.LANGUAGES else automatic_language()


def automatic_language() -> str:
    """The language without a choice: the browser's preferred language when it is Swedish or English, else
    AUDIT_LANG (default Swedish)."""
    from dashboard import i18n

    browser = (st.context.locale or "").lower()[:2]
    return browser if browser in i18n.LANGUAGES else i18n.default()


def choose_language() -> str:
    """The language of this run, set for everything it draws: the sidebar's choice, which starts from the link's
    ?lang= and else the automatic one; the link keeps it when it differs from the automatic one (docs/i18n.md)."""
    from dashboard import i18n

    if st.session_state.get("ui_lang") not in i18n.LANGUAGES:  # first run, or the control was clicked off
        st.session_state["ui_lang"] = language()
    lang = st.session_state["ui_lang"]
    i18n.activate(lang)
    st.sidebar.segmented_control("Språk · Language", list(i18n.LANGUAGES), key="ui_lang",
                                 format_func=i18n.LANGUAGES.get)
    keep_in_url(lang=lang if lang != automatic_language() else None)
    return lang


def url_list(param: str, allowed) -> list[str]:
    """A multi-valued page filter from the URL (comma-separated), keeping only allowed values."""
    allowed = set(allowed)
    return [v for v in (st.query_params.get(param) or "").split(",") if v in allowed]


def keep_in_url(**values) -> None:
    """Write filters to the URL (empty values are removed so links stay short)."""
    for key, value in values.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "1" if value else ""
        text = "" if value is None else (value.isoformat() if isinstance(value, date) else str(value))
        if text:
            if st.query_params.get(key) != text:
                st.query_params[key] = text
        elif key in st.query_params:
            del st.query_params[key]


def default_period(last_day: date | None, today: date | None = None) -> Period:
    """The last DEFAULT_DAYS days up to the last day with data, as of that day: as of today, days the logs have
    not reached yet would read as days without a request, a transfer or a cookie."""
    today = today or config.today()
    end = min(last_day or today, today)
    return Period(end - timedelta(days=DEFAULT_DAYS - 1), end, end)


def freshness_note(logs: list[tuple[str, date | None]], as_of: date) -> None:
    """In the sidebar: each log's last event, and a warning when the as-of date is past one of them."""
    from dashboard import labels

    empty = _("empty")
    behind = [(name, day) for name, day in logs if day is None or day < as_of]
    lines = "\n".join(f"- {labels.log_name(name)}: {day or empty}" for name, day in logs)
    with st.sidebar:
        if behind:
            st.warning(_("The as-of date {as_of} is past the last event of {logs}: later events are not loaded, so "
                         "states and figures after that day are incomplete.").format(
                as_of=as_of, logs=", ".join(f"{labels.log_name(n)} ({d or empty})" for n, d in behind)),
                icon=":material/history:")
        with st.expander(_("Data loaded up to"), expanded=False):
            st.markdown(lines)
            st.caption(_("The last event of each log in the store (local days)."))


def refresh_note(pending) -> None:
    """On the page, while a refresh job has days to redo: the figures from its table may not match the logs."""
    from dashboard import refresh

    if pending.height == 0:
        return
    st.warning(_("A refresh of the derived tables is pending ({parts}): figures for those days may not match the "
                 "logs yet. An ingest in progress finishes it; otherwise run `python -m dashboard refresh`.").format(
        parts=refresh.pending_words(pending.rows())), icon=":material/sync_problem:")


def bounds(first_day: date | None, last_day: date | None, today: date | None = None) -> tuple[date, date]:
    """The dates a view may use: the store's span (and today) plus a margin. A date far outside costs every query
    (a deadline calendar up to year 9999) and shows nothing."""
    today = today or config.today()
    low = min(first_day or today, today) - timedelta(days=MARGIN_DAYS)
    high = max(last_day or today, today) + timedelta(days=MARGIN_DAYS)
    return low, high


def review_months(last_day: date | None, count: int = 24) -> list[str]:
    """The months a review may choose, newest first: from the month of the last day with data back."""
    day = min(last_day or config.today(), config.today()).replace(day=1)
    out = []
    for _month in range(count):
        out.append(day.strftime("%Y-%m"))
        day = (day - timedelta(days=1)).replace(day=1)
    return out


def _clear_month() -> None:
    st.session_state["f_month"] = None


def _review_month() -> None:
    from dashboard.report import month_review

    if month := st.session_state.get("f_month"):
        st.session_state["f_from"], st.session_state["f_to"], st.session_state["f_as_of"] = month_review(month)


def sidebar(first_day: date | None, last_day: date | None) -> Period:
    """Period (from, to) and as-of date in the sidebar, read from and written to the URL."""
    defaults = default_period(last_day)
    low, high = bounds(first_day, last_day)
    if "f_from" not in st.session_state:
        problems, moved = [], []
        for key, param, fallback in (("f_from", "from", defaults.start), ("f_to", "to", defaults.end),
                                     ("f_as_of", "as_of", defaults.as_of)):
            raw = st.query_params.get(param)
            parsed = parse_date(raw)
            if raw is not None and parsed is None:
                problems.append(param)
            if parsed is not None and not low <= parsed <= high:
                moved.append(param)
                parsed = min(max(parsed, low), high)
            st.session_state[key] = parsed or fallback
        if problems:
            st.session_state["f_url_problems"] = problems
        if moved:
            st.session_state["f_url_moved"] = moved
    with st.sidebar:
        st.subheader(_("Period"))
        months = review_months(last_day)
        # No choice is None with a placeholder, not an option "" shown as words: a keyed widget keeps its identity
        # when the language changes, and the browser answers with the text it showed, which must not be a word.
        st.selectbox(_("Month review"), months, index=None, key="f_month", on_change=_review_month,
                     placeholder=_("Choose a month…"),
                     help=_("Sets the period to a month and the as-of date to its last day: the figures of that "
                            "month's report, to compare with it."))
        st.date_input(_("From"), key="f_from", format="YYYY-MM-DD", min_value=low, max_value=high,
                      on_change=_clear_month)
        st.date_input(_("To"), key="f_to", format="YYYY-MM-DD", min_value=low, max_value=high,
                      on_change=_clear_month)
        st.date_input(_("As of"), key="f_as_of", format="YYYY-MM-DD", min_value=low, max_value=high,
                      on_change=_clear_month,
                      help=_("States (open, overdue, active holds) are computed as of this day; later events are "
                             "ignored."))
        if st.session_state.pop("f_url_problems", None):
            st.caption(_("Some dates in the link were not valid (YYYY-MM-DD) and were replaced by defaults."))
        if moved_params := st.session_state.pop("f_url_moved", None):
            st.caption(_("The link's {params} lay far outside the logs ({low} – {high} is the range a view may use) "
                         "and was moved to its edge.").format(params=", ".join(moved_params), low=low, high=high))
    start, end, as_of = st.session_state["f_from"], st.session_state["f_to"], st.session_state["f_as_of"]
    if start > end:
        st.sidebar.error(_("From is after To: the two were swapped."))
        start, end = end, start
    keep_in_url(**{"from": start, "to": end, "as_of": as_of})
    st.sidebar.caption(_("Days and deadlines in {tz} time.").format(tz=config.settings().timezone))
    dialects = {"standard": _("Standard (UTF-8, comma)"), "excel_sv": _("Excel, Swedish (semicolon, decimal comma)")}
    from dashboard import i18n

    usual = "excel_sv" if i18n.current() == "sv" else "standard"  # what Excel in the page's language opens as is
    dialect = url_value("csv", usual, list(dialects))
    st.session_state["csv_dialect"] = st.sidebar.selectbox(
        _("CSV files for"), list(dialects), index=list(dialects).index(dialect), format_func=dialects.get,
        help=_("Excel with Swedish settings opens a CSV by double click only with semicolons, decimal commas and a "
               "UTF-8 mark (else å, ä, ö are garbled)."))
    keep_in_url(csv=st.session_state["csv_dialect"] if st.session_state["csv_dialect"] != usual else None)
    return Period(start, end, as_of)
