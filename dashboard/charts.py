"""Chart builders: polars frame in, figure out: Vega-Lite (Altair) for the pages, plotly for the Transfers map and the
monthly report (VEGA_CONFIG says why). No streamlit here."""

from __future__ import annotations

import functools
import hashlib
import html
import json
import threading
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from pathlib import Path

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from dashboard import i18n, labels
from dashboard.contract import HOLD_BASES, MECHANISMS, REQUEST_TYPES
from dashboard.i18n import N_, _, ngettext

# The charts' own template: dark text and ticks on white (contrast well above 4.5:1, WCAG 1.4.3), the category
# colours, and no dependence on the app's theme, so a chart looks the same on a page and in a downloaded report.
TEMPLATE = go.layout.Template(layout={
    "font": {"color": "#1f1f1f", "family": "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif", "size": 13},
    "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff", "colorway": list(labels.CATEGORY),
    "xaxis": {"gridcolor": "#e5e5e5", "linecolor": "#595959", "tickfont": {"color": "#333333"},
              "title": {"font": {"color": "#1f1f1f"}}, "zerolinecolor": "#bdbdbd"},
    "yaxis": {"gridcolor": "#e5e5e5", "linecolor": "#595959", "tickfont": {"color": "#333333"},
              "title": {"font": {"color": "#1f1f1f"}}, "zerolinecolor": "#bdbdbd"},
    "legend": {"font": {"color": "#1f1f1f"}}, "title": {"font": {"color": "#1f1f1f", "size": 16}},
    "hoverlabel": {"font": {"color": "#1f1f1f"}, "bgcolor": "#ffffff"},
})


# Plotly Express takes its colours from the default template when it builds a figure; inside Streamlit that default
# is Streamlit's own, which outside the app draws every trace black (the report downloaded from a page). Ours is the
# default for every figure built here, wherever it runs.
px.defaults.template = TEMPLATE
px.defaults.color_discrete_sequence = list(labels.CATEGORY)


# The pages' charts are Vega-Lite charts (Altair, which Streamlit draws with its own Vega-Lite code): the first
# plotly chart a browser draws loads plotly's 4.7 MB script, Vega-Lite's is 0.8 MB. A bare Streamlit page with one
# chart, each load in a new browser context, took 1.7 s more with plotly and 0.5 s more with Vega-Lite; the Overview,
# its only chart changed, 4.5 -> 2.6 s (BENCHMARKS.md). Plotly is left to the Transfers map (drawn only when its tab
# is opened) and the monthly report's charts. Their config is TEMPLATE's: dark text on white, the same font.
VEGA_CONFIG = {
    "font": "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif", "background": "#ffffff",
    "view": {"stroke": None},
    "axis": {"labelColor": "#333333", "titleColor": "#1f1f1f", "gridColor": "#e5e5e5", "domainColor": "#595959",
             "tickColor": "#595959", "labelFontSize": 12, "titleFontSize": 13, "titleFontWeight": "normal"},
    "title": {"color": "#1f1f1f", "fontSize": 14, "fontWeight": "normal", "anchor": "start"},
}


def _vega_number(share: bool) -> str:
    """An axis label in the current language, as the figures are written: `80%` / `80 %`, `1 000` in both (the
    dashboard's English groups thousands with a space too, i18n.number)."""
    if share:
        return "format(datum.value, '.0%')" if i18n.current() == "en" else \
            "replace(format(datum.value, '.0%'), '%', '\u00a0%')"
    return "join(split(format(datum.value, ','), ','), ' ')"


def _vega_count_axis():
    """An axis of counts: whole-number ticks, written as the figures are."""
    import altair as alt

    return alt.Axis(labelExpr=_vega_number(False), tickMinStep=1)


def _vega_colour(field: str, title: str, colour_map: dict, legend: bool, columns: int | None = None):
    """A Vega-Lite colour channel from a {word: colour} map: each word its fixed colour (labels.colour_map), the
    legend beneath in that order (in rows of `columns` names: a half-width chart cut a row of six off)."""
    import altair as alt

    scale = alt.Scale(domain=list(colour_map), range=list(colour_map.values()))
    return alt.Color(f"{field}:N", title=title, scale=scale, sort=list(colour_map),
                     legend=alt.Legend(orient="bottom", labelLimit=400, columns=columns or alt.Undefined)
                     if legend else None)


def _written(frame: pl.DataFrame, **columns) -> pl.DataFrame:
    """Text columns written in the current language, {new column: (column, write)}; null stays null. Written here,
    on the run's thread (its language is a context variable): polars runs map_elements on threads of its own, where
    English pages' tooltips came out in Swedish ("5 jan. 2026")."""
    return frame.with_columns(pl.Series(name, [None if v is None else write(v) for v in frame[source].to_list()],
                                        dtype=pl.String) for name, (source, write) in columns.items())


def _in_order(codes: pl.Series, order) -> list:
    """The codes present, in a fixed order (a legend's), any unknown ones after it."""
    present = set(codes.drop_nulls().to_list())
    return [c for c in order if c in present] + sorted(present - set(order))


def _ranked(frame: pl.DataFrame, column: str, order) -> pl.DataFrame:
    """A column `rank`: each code's place in a fixed order (unknown codes after it), by which bars are stacked, so a
    stack's order is the legend's in either language (by the words, Swedish stacked access on top, English below)."""
    codes = _in_order(frame[column], order)
    places = {c: i for i, c in enumerate(codes)}
    return frame.with_columns(rank=pl.col(column).replace_strict(places, default=len(codes), return_dtype=pl.Int32))


def _texts(frame: pl.DataFrame, **columns: str) -> pl.DataFrame:
    """Numbers written as the figures are (i18n.number), for tooltips: {new column: column of numbers}."""
    return _written(frame, **{name: (source, i18n.number) for name, source in columns.items()})


def styled(fig):
    """Our template on a figure (pages pass theme=None to st.plotly_chart, so it is what is drawn), with the
    current language's decimal sign and thousands separator."""
    fig.update_layout(template=TEMPLATE, separators=_SEPARATORS[i18n.current()])
    if i18n.current() != "en":  # plotly's "3M" and "2.5k" are English abbreviations: "3 000 000", as the figures
        fig.update_xaxes(exponentformat="none", separatethousands=True)
        fig.update_yaxes(exponentformat="none", separatethousands=True)
    return fig


def share_axis(fig, top: float | None = None, **where) -> None:
    """A y axis of shares written as the figures are: `80%` in English, `80 %` in Swedish, which plotly's own format
    cannot write (its ticks are then set here, at a round step up to the largest share, top; 1 when unknown)."""
    if i18n.current() == "en":
        fig.update_yaxes(tickformat=".0%", **where)
        return
    ticks = share_ticks(top)
    fig.update_yaxes(tickvals=ticks, ticktext=[i18n.percent(t, 0) for t in ticks], hoverformat=".1%", **where)


def share_ticks(top: float | None) -> list[float]:
    """The ticks of a share axis: a round step up to the largest share, top (1 when unknown)."""
    top = min(max(top if top is not None else 1.0, 0.01), 1.0)
    step = next(s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25) if top / s <= 6)
    return [round(i * step, 4) for i in range(int(top / step + 1e-9) + 2) if i * step <= 1 + 1e-9]


def dated(fig):
    """A chart over dates: in Swedish its dates as ISO dates (plotly names months in English only)."""
    if i18n.current() != "en":
        fig.update_xaxes(tickformat="%Y-%m-%d", hoverformat="%Y-%m-%d")
    return fig


def memo(build):
    """The chart of the same frames in the same language, built once: building a plotly figure costs 0.1-0.2 s,
    and a page runs again on every click with the same cached data. The figure is shared, so nothing here or on a
    page changes a figure after it is built (st.plotly_chart and to_html only read it)."""
    built: OrderedDict = OrderedDict()
    lock = threading.Lock()  # sessions run on threads of their own

    @functools.wraps(build)
    def chart(*args):
        key = (i18n.current(), *(_digest(a) if isinstance(a, pl.DataFrame) else a for a in args))
        with lock:
            fig = built.get(key)
            if fig is not None:
                built.move_to_end(key)
        if fig is None:
            fig = build(*args)
            with lock:
                built[key] = fig
                if len(built) > 32:
                    built.popitem(last=False)
        return fig

    return chart


def _digest(frame: pl.DataFrame) -> str:
    return hashlib.sha256(frame.serialize()).hexdigest()


_SEPARATORS = {"sv": ", ", "en": ". "}  # plotly's layout.separators: decimal sign, then thousands separator
GRAINS = {"day": N_("day"), "week": N_("week"), "month": N_("month")}


def grain_word(grain: str) -> str:
    return _(GRAINS[grain]) if grain in GRAINS else grain


def country_names() -> dict[str, str]:
    """ISO 3166 alpha-2 code -> the country's name in the current language (pycountry's in English, Babel's
    territory names otherwise)."""
    import pycountry

    english = {c.alpha_2: c.name for c in pycountry.countries}
    if i18n.current() == "en":
        return english
    from babel import Locale

    local = Locale.parse(i18n.LOCALES[i18n.current()]).territories
    return {code: local.get(code, name) for code, name in english.items()}


def worded(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Codes shown as words (labels.WORDS) in the given columns. The words are looked up here, on the run's thread
    (its language is a context variable), not in a function polars calls from its own threads."""
    def words(column: str) -> dict[str, str]:
        return {code: labels.word(code) for code in frame[column].unique().to_list() if code is not None}

    return frame.with_columns(pl.col(c).replace_strict(words(c), default=pl.col(c), return_dtype=pl.String)
                              for c in columns)


def colours(frame: pl.DataFrame, column: str) -> dict:
    """{word: colour} for a column of codes (plotly's color_discrete_map): each value's fixed colour."""
    return labels.colour_map(column, frame[column].unique().to_list())


@memo
def rejections_by_reason(reasons: pl.DataFrame):
    """Rejected values per log column, each bar made of its kinds of reason (Vega-Lite: see VEGA_CONFIG; it draws
    text as text, where plotly needed it HTML-escaped)."""
    import altair as alt

    rows = _texts(reasons.with_columns((pl.col("log_name") + "." + pl.col("column_name")).alias("field")),
                  rejections_text="rejections")
    field, rejected, reason = _("Log.column"), _("Rejected values"), _("Reason")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("rejections:Q", title=rejected, stack="zero", axis=_vega_count_axis()),
        y=alt.Y("field:N", title=field, sort=None, axis=alt.Axis(labelLimit=400)),
        color=alt.Color("reason_kind:N", title=reason, scale=alt.Scale(range=list(labels.CATEGORY)), legend=None),
        tooltip=[alt.Tooltip("field:N", title=field), alt.Tooltip("reason_kind:N", title=reason),
                 alt.Tooltip("rejections_text:N", title=rejected)])
    return chart.properties(title=_("Which fields are rejected, and why"),
                            height=max(160, 44 * rows["field"].n_unique()), width="container"
                            ).configure(**VEGA_CONFIG)


def type_order() -> dict:
    """Request types in one order in every chart's legend (the contract's), not in the order they first occur."""
    return {"request_type": [labels.word(t) for t in REQUEST_TYPES]}


def _period_label(grain: str):
    """A period's name on an axis: a week by its Monday's date, a month as 2026-08 (both languages)."""
    return i18n.day if grain != "month" else (lambda d: d.strftime("%Y-%m"))


@memo
def request_volume(volume: pl.DataFrame, grain: str, start: date, end: date):
    """Requests received per week or month of start..end, stacked by type (Vega-Lite, see VEGA_CONFIG). Every
    period of the range has its place on the axis, so a period without requests is an empty place, not left out;
    a week or month the period holds only part of is drawn paler with a dashed outline (part = True in its rows):
    its bar counts those days only."""
    import altair as alt

    name = _period_label(grain)
    periods = _written(periods_of(start, end, grain).with_columns(
        part=pl.col("days") < pl.col("length"), days=pl.when(pl.col("days") < pl.col("length")).then("days")),
        when=("period_start", name), note=("days", lambda d: ngettext(
            "counts {days} day, the part in the period", "counts {days} days, the part in the period", d
        ).format(days=d)))
    rows = _texts(worded(_ranked(volume, "request_type", REQUEST_TYPES), "request_type").join(
        periods, on="period_start", how="inner"), shown="requests")
    order = labels.colour_map("request_type", _in_order(volume["request_type"], REQUEST_TYPES))
    period, kind, received = grain_word(grain).capitalize(), _("Type"), _("Requests received")
    many = periods.height > 14
    chart = alt.Chart(rows).mark_bar(strokeWidth=1.5).encode(
        x=alt.X("when:O", title=period, scale=alt.Scale(domain=periods["when"].to_list()),
                axis=alt.Axis(labelAngle=-45 if many else 0, labelOverlap=True)),
        y=alt.Y("requests:Q", title=received, stack="zero", axis=_vega_count_axis()),
        color=_vega_colour("request_type", kind, order, legend=True, columns=3),
        opacity=alt.when(alt.datum.part).then(alt.value(0.45)).otherwise(alt.value(1.0)),
        stroke=alt.when(alt.datum.part).then(alt.value("#1f1f1f")).otherwise(alt.value(None)),
        strokeDash=alt.when(alt.datum.part).then(alt.value([4, 3])).otherwise(alt.value([])),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("when:N", title=period), alt.Tooltip("request_type:N", title=kind),
                 alt.Tooltip("shown:N", title=received), alt.Tooltip("note:N", title=_("Part of a period"))])
    return chart.properties(title=_("Requests received per {grain}, by type").format(grain=grain_word(grain)),
                            height=300, width="container").configure(**VEGA_CONFIG)


WEEK = 7


@memo
def time_to_close(distribution: pl.DataFrame):
    """Requests per week of days to close, by type: a bar a week wide (a bar a day over four months was a hairline),
    with the one-month line, and the three-month line when a request took longer than a month (Vega-Lite)."""
    import altair as alt

    weeks = (distribution.with_columns(week=pl.col("days_to_close") // WEEK)
             .group_by("week", "request_type").agg(pl.col("requests").sum()).sort("week", "request_type")
             .with_columns(first=pl.col("week") * WEEK, last=pl.col("week") * WEEK + WEEK,
                           days=pl.format("{}–{}", pl.col("week") * WEEK, pl.col("week") * WEEK + WEEK - 1)))
    rows = _texts(worded(_ranked(weeks, "request_type", REQUEST_TYPES), "request_type"), shown="requests")
    longest = int(distribution["days_to_close"].max() or 0)
    lines = [(31, _("≈ one month"))] + ([(92, _("≈ three months (extended)"))] if longest > 31 else [])
    top = max(longest + WEEK, lines[-1][0] + 2 * WEEK)
    kind, requests, taken = _("Type"), _("Requests"), _("Days to close")
    x = alt.X("first:Q", bin="binned", title=_("Calendar days from receipt to closing"),
              scale=alt.Scale(domain=[0, top], nice=False), axis=alt.Axis(tickMinStep=1))
    bars = alt.Chart(rows).mark_bar(binSpacing=2).encode(
        x, x2="last:Q", y=alt.Y("requests:Q", title=requests, stack="zero", axis=_vega_count_axis()),
        color=_vega_colour("request_type", kind, labels.colour_map("request_type", _in_order(
            weeks["request_type"], REQUEST_TYPES)), legend=True, columns=3),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("request_type:N", title=kind), alt.Tooltip("days:N", title=taken),
                 alt.Tooltip("shown:N", title=requests)])
    marks = pl.DataFrame({"first": [d for d, _ in lines], "label": [t for _, t in lines]})
    rule = alt.Chart(marks).mark_rule(strokeDash=[5, 4], color="#595959").encode(x=alt.X("first:Q"))
    # each named along its own line, so the two names never overlap
    text = alt.Chart(marks).mark_text(angle=270, align="right", baseline="top", dx=-4, dy=4, fontSize=12,
                                      color="#1f1f1f").encode(x=alt.X("first:Q"), y=alt.value(0), text="label:N")
    return alt.layer(bars, rule, text).properties(title=_("How long requests took to close, by type"), height=300,
                                                  width="container").configure(**VEGA_CONFIG)


@memo
def transfer_breakdown(breakdown: pl.DataFrame, measure: str):
    """Transfers or records per recipient type, each bar made of its mechanisms (Vega-Lite). Bars along, the
    recipient types down the side (each name whole: Vega-Lite makes room for it) and the legend beneath: in two
    columns, upright bars left the recipient types' names slanted over each other ("personuppgiftsansvarig" across
    "personuppgiftsbiträde") and the legend took half of the chart's width. The largest on top; no axis titles (the
    chart's title names the measure and the names say what they are)."""
    import altair as alt

    label = {"transfers": _("Transfers"), "records": _("Records")}[measure]
    order = labels.colour_map("mechanism", _in_order(breakdown["mechanism"], MECHANISMS))
    rows = _texts(worded(_ranked(breakdown, "mechanism", MECHANISMS), "recipient_type", "mechanism"), shown=measure)
    kind, mechanism = _("Recipient type"), _("Mechanism")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X(f"{measure}:Q", title=None, stack="zero", axis=_vega_count_axis()),
        y=alt.Y("recipient_type:N", title=None, sort=alt.EncodingSortField(measure, op="sum", order="descending"),
                axis=alt.Axis(labelLimit=400)),
        color=_vega_colour("mechanism", mechanism, order, legend=True, columns=2), order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("recipient_type:N", title=kind), alt.Tooltip("mechanism:N", title=mechanism),
                 alt.Tooltip("shown:N", title=label)])
    # (the height holds the title, the axis and the legend too: Streamlit fits the whole chart into it)
    return chart.properties(title=_("{measure} by recipient type and mechanism").format(measure=label),
                            height=120 + 32 * breakdown["recipient_type"].n_unique(), width="container"
                            ).configure(**VEGA_CONFIG)


def _dates_x(title: str | None, grain: str = "day", ticks: int | None = None):
    """A time axis of days or months: day/month ticks (months as `Nov 2026`, `2026-11`) in the current language, as
    Vega-Lite names months in English only (the scale is UTC, as the dates are); about `ticks` of them when given."""
    import altair as alt

    english = i18n.current() == "en"
    written = ("%b %Y" if english else "%Y-%m") if grain == "month" else ("%b %-d" if english else "%-d/%-m")
    return alt.X("period_start:T", title=title, scale=alt.Scale(type="utc"),
                 axis=alt.Axis(format=written, labelOverlap=True, tickCount=ticks or alt.Undefined))


def _share_y(title: str, top: float | None, whole: bool = False):
    """A y axis of shares from 0, its ticks written as the figures are (80 %, share_ticks); up to 1 when whole."""
    import altair as alt

    ticks = share_ticks(1.0 if whole else top)
    return alt.Y("value:Q", title=title, scale=alt.Scale(domain=[0, ticks[-1]], nice=False),
                 axis=alt.Axis(labelExpr=_vega_number(True), values=ticks))


@memo
def non_eea_share(trend: pl.DataFrame, grain: str):
    """The share of transfers going outside the EU/EEA per week or month, a line with a dot per period (Vega-Lite)."""
    import altair as alt

    rows = _written(trend.with_columns(value=pl.col("non_eea_share")), when=("period_start", i18n.day),
                    share=("non_eea_share", lambda v: i18n.percent(v, 1)), transfers_text=("transfers", i18n.number),
                    non_eea_text=("non_eea", i18n.number))
    share, period = _("Share outside the EU/EEA"), grain_word(grain).capitalize()
    chart = alt.Chart(rows).mark_line(point={"color": labels.CATEGORY[0], "size": 40}, color=labels.CATEGORY[0],
                                      strokeWidth=2).encode(
        _dates_x(period, grain), _share_y(share, trend["non_eea_share"].max()),
        tooltip=[alt.Tooltip("when:N", title=period), alt.Tooltip("share:N", title=share),
                 alt.Tooltip("transfers_text:N", title=_("Transfers")),
                 alt.Tooltip("non_eea_text:N", title=_("Outside the EU/EEA"))])
    return chart.properties(title=_("Share of transfers going outside the EU/EEA, per {grain}").format(
        grain=grain_word(grain)), height=320, width="container").configure(**VEGA_CONFIG)


TOPOJSON = Path(__file__).resolve().parent / "static" / "topojson"


@functools.cache
def outlined(resolution: int) -> frozenset[str]:
    """The countries (ISO-3) the map's outlines at 1:<resolution>m hold: Natural Earth's 1:110m has no Singapore,
    Malta, Liechtenstein or Hong Kong; its 1:50m has them, and still no Gibraltar, Tuvalu or Réunion."""
    data = json.loads((TOPOJSON / f"world_{resolution}m.json").read_text(encoding="utf-8"))
    return frozenset(g.get("id") for g in data["objects"]["countries"]["geometries"])


def _destinations(countries: pl.DataFrame) -> pl.DataFrame:
    import pycountry

    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    names = country_names()
    return countries.with_columns(
        pl.col("country").replace_strict(iso3, default=None).alias("iso3"),
        pl.col("country").replace_strict(names, default=pl.col("country")).alias("name"),
        pl.when(pl.col("is_eea")).then(pl.lit(_("EU/EEA"))).otherwise(pl.lit(_("outside EU/EEA"))).alias("region"),
    )


def _resolution(destinations: pl.DataFrame) -> int:
    """1:110m outlines (light) unless a destination is only in the finer 1:50m ones (1.1 MB; the map tab took ~0.7 s
    longer to draw, cold). destinations: a frame of _destinations."""
    return 110 if set(destinations["iso3"].drop_nulls()) <= outlined(110) else 50


def unmapped(countries: pl.DataFrame) -> pl.DataFrame:
    """The destinations no outline the map can draw holds (Gibraltar, an unknown code): named beside the map, not
    lost from it."""
    frame = _destinations(countries)
    return frame.filter(pl.col("iso3").is_null() | ~pl.col("iso3").is_in(list(outlined(_resolution(frame)))))


@memo
def destinations_map(countries: pl.DataFrame):
    """Records per destination country on a world map (ISO-3 codes, as plotly's map wants)."""
    frame = _destinations(countries)
    fig = px.choropleth(frame, locations="iso3", color="records", hover_name="name",
                        hover_data={"iso3": False, "transfers": True, "records": True, "region": True,
                                    "with_findings": True},
                        color_continuous_scale="Blues",
                        labels={"records": _("Records"), "with_findings": _("With findings"),
                                "transfers": _("Transfers"), "region": _("Region")},
                        title=_("Where personal data went: records per destination country"))
    flagged = frame.filter(pl.col("with_findings") > 0)
    if flagged.height:
        # countries with findings: a red outline and a mark, so they are seen without reading colours
        fig.add_trace(go.Choropleth(locations=flagged["iso3"].to_list(), z=[1] * flagged.height,
                                    colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
                                    marker_line_color=labels.RED, marker_line_width=2.5, hoverinfo="skip",
                                    name=_("with findings")))
        fig.add_trace(go.Scattergeo(locations=flagged["iso3"].to_list(), mode="markers",
                                    marker={"symbol": "x", "size": 11, "color": labels.RED,
                                            "line": {"color": "#ffffff", "width": 1}},
                                    name=_("Country with findings"), showlegend=True,
                                    hovertext=flagged["name"].to_list(), hoverinfo="text"))
    # the whole world, always: no country is cut off by fitting the view to the data
    # The finer outlines when a destination is too small for the light ones: a finding in Singapore was neither
    # coloured nor marked.
    fig.update_geos(showframe=False, showcoastlines=False, showland=True, landcolor="#eeeeee", showcountries=True,
                    countrycolor="#ffffff", projection_type="natural earth", fitbounds=False,
                    resolution=_resolution(frame),
                    lataxis_range=[-60, 85], lonaxis_range=[-180, 180])
    fig.update_layout(margin={"l": 0, "r": 0, "t": 50, "b": 0}, height=460,
                      legend={"orientation": "h", "y": -0.02})
    return styled(fig)


# Plotly fetches map outlines from a CDN by default; the app serves its own copy (dashboard/static/topojson).
MAP_CONFIG = {"topojsonURL": "app/static/topojson/"}


@memo
def blocked_records(blocked: pl.DataFrame):
    """Records blocked from erasure per law, each bar made of the law's data categories (Vega-Lite, as the Overview's
    trends: plotly's script is six times Vega-Lite's to load). Coloured by the law, as the releases chart beside it
    is: the page's palette means one thing (a colour coloured the data category here and the law there, so one
    colour stood for two meanings side by side). The categories are in the tooltip and in the table below; each
    law's name is beside its bar, so no legend is needed."""
    import altair as alt

    rows = _texts(worded(blocked, "legal_basis", "data_category"), records_text="records")
    law, records = _("Legal basis"), _("Blocked records")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("records:Q", title=records, stack="zero", axis=_vega_count_axis()),
        y=alt.Y("legal_basis:N", title=law, sort=None, axis=alt.Axis(labelLimit=400)),
        color=_vega_colour("legal_basis", law, colours(blocked, "legal_basis"), legend=False),
        tooltip=[alt.Tooltip("legal_basis:N", title=law), alt.Tooltip("data_category:N", title=_("Category")),
                 alt.Tooltip("records_text:N", title=records)])
    return chart.properties(title=_("Records blocked from erasure, by the law that keeps them"),
                            height=max(120, 44 * blocked["legal_basis"].n_unique()), width="container"
                            ).configure(**VEGA_CONFIG)


@memo
def releases_due(due: pl.DataFrame):
    """Records due for release per quarter (per month when they all fall within two years): a bar each, readable,
    not one hairline per month over a decade."""
    import altair as alt

    span = (due["month"].max() - due["month"].min()).days if due.height else 0
    if span > 731:
        bucket = (pl.col("month").dt.year().cast(pl.String) + "-Q"
                  + pl.col("month").dt.quarter().cast(pl.String))
        axis, title = _("Quarter the obligation ends"), _("When blocked records are due for deletion, per quarter")
    else:
        bucket = pl.col("month").dt.strftime("%Y-%m")
        axis, title = _("Month the obligation ends"), _("When blocked records are due for deletion, per month")
    grouped = (due.with_columns(bucket.alias("when")).group_by("when", "legal_basis")
               .agg(pl.col("records").sum(), pl.col("holds").sum()).sort("when", "legal_basis"))
    laws = _in_order(grouped["legal_basis"], HOLD_BASES)  # one order in either language: the contract's
    rows = _texts(worded(_ranked(grouped, "legal_basis", laws), "legal_basis"), records_text="records",
                  holds_text="holds")
    law, records = _("Legal basis"), _("Records to release")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("when:O", title=axis, sort="ascending", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("records:Q", title=records, stack="zero", axis=_vega_count_axis()),
        color=_vega_colour("legal_basis", law, labels.colour_map("legal_basis", laws), legend=True),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("when:N", title=axis), alt.Tooltip("legal_basis:N", title=law),
                 alt.Tooltip("records_text:N", title=records), alt.Tooltip("holds_text:N", title=_("Holds"))])
    return chart.properties(title=title, height=260, width="container").configure(**VEGA_CONFIG)


RATES = ("interaction_rate", "analytics_rate", "functional_rate", "accept_all_rate", "reject_all_rate")
TREND_RATES = ("interaction_rate", "analytics_rate", "functional_rate", "reject_all_rate")  # the trends' lines


def rate_labels() -> dict[str, str]:
    """The rates' names in the current language (the consent figures' own names, labels.FIGURES)."""
    return {key: labels.name("consent", key) for key in RATES}


def rate_colours(names: dict[str, str], rates=RATES) -> dict[str, str]:
    """{name: colour} of the given rates (all by default), in their order: keyed by their names (rate_labels), for
    plotly's color_discrete_map and a Vega-Lite colour scale."""
    return {names[key]: labels.colour("rate", key) for key in rates}


def _rates_long(frame: pl.DataFrame, index: str, rates) -> pl.DataFrame:
    """Rates in long form for a chart: index, rate (its name, rate_labels), value and shown (written as the figures
    are)."""
    long = frame.unpivot(index=index, on=list(rates), variable_name="rate", value_name="value")
    return _written(long.with_columns(pl.col("rate").replace_strict(rate_labels())),
                    shown=("value", lambda v: i18n.percent(v, 1)))


@memo
def consent_trend(trend: pl.DataFrame, grain: str, changes: pl.DataFrame):
    """Consent rates over time (Vega-Lite), with a dashed line where a new banner version was first shown. Versions
    first shown on one day (an A/B test) share a line and a label, one name under the other: two labels at one place
    were printed over each other. Names are text from the log, drawn as text (a line break in one is a space)."""
    import altair as alt

    rates = [c for c in TREND_RATES if c in trend.columns]
    long = _written(_rates_long(trend, "period_start", rates), when=("period_start", i18n.day))
    period, rate = grain_word(grain).capitalize(), _("Rate")
    order = rate_colours(rate_labels(), rates)
    lines = alt.Chart(long).mark_line(strokeWidth=2).encode(
        _dates_x(period), _share_y(rate, None, whole=True),
        color=_vega_colour("rate", "", order, legend=True),
        tooltip=[alt.Tooltip("when:N", title=period), alt.Tooltip("rate:N", title=""),
                 alt.Tooltip("shown:N", title=rate)])
    days = (changes.group_by("first_day", maintain_order=True)
            .agg(pl.col("banner_version").cast(pl.String).str.replace_all(r"[\r\n]+", " ").sort().str.join("\n"))
            .rename({"first_day": "period_start"}))
    layers = [lines]
    if days.height:
        marks = days.with_columns(value=pl.lit(1.0))
        layers.append(alt.Chart(marks).mark_rule(strokeDash=[5, 4], color="#6c757d").encode(_dates_x(period)))
        layers.append(alt.Chart(marks).mark_text(align="left", baseline="top", dx=4, dy=2, fontSize=11,
                                                 color="#333333", lineBreak="\n").encode(
            _dates_x(period), _share_y(rate, None, whole=True),
            text=alt.Text("banner_version:N")))
    return alt.layer(*layers).properties(
        title=_("Consent rates per {grain}, with banner changes marked").format(grain=grain_word(grain)),
        height=340, width="container").configure(**VEGA_CONFIG)


@memo
def consent_breakdown(breakdown: pl.DataFrame, dimension: str):
    """Opt-in and reject-all per value of a dimension, side by side (Vega-Lite). Values are text from the log,
    drawn as text."""
    import altair as alt

    rates = ("analytics_rate", "functional_rate", "reject_all_rate")
    long = _rates_long(breakdown.rename({"value": "group"}), "group", rates)
    order = rate_colours(rate_labels(), rates)
    column, share = labels.column(dimension), _("Share of decisions")
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("group:N", title=column, sort=breakdown["value"].to_list(),
                axis=alt.Axis(labelAngle=0 if breakdown.height <= 6 else -30, labelLimit=200)),
        xOffset=alt.XOffset("rate:N", sort=list(order)),
        y=_share_y(share, long["value"].max()),
        color=_vega_colour("rate", "", order, legend=True),
        tooltip=[alt.Tooltip("group:N", title=column), alt.Tooltip("rate:N", title=""),
                 alt.Tooltip("shown:N", title=share)])
    return chart.properties(title=_("Opt-in and reject-all by {dimension}").format(dimension=column.lower()),
                            height=320, width="container").configure(**VEGA_CONFIG)


@memo
def change_effect(effect: pl.DataFrame):
    """Each rate before and after a banner change, side by side (Vega-Lite)."""
    import altair as alt

    sides = {"before": _("before"), "after": _("after")}
    long = _rates_long(effect, "side", RATES).with_columns(
        pl.col("side").replace_strict(sides, default=pl.col("side")))
    order = {sides[k]: v for k, v in zip(sides, labels.colour_map("side", list(sides)).values())}
    rate = _("Rate")
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("rate:N", title=None, sort=list(rate_labels().values()), axis=alt.Axis(labelAngle=0, labelLimit=200)),
        xOffset=alt.XOffset("side:N", sort=list(order)),
        y=_share_y(rate, long["value"].max()),
        color=_vega_colour("side", "", order, legend=True),
        tooltip=[alt.Tooltip("rate:N", title=""), alt.Tooltip("side:N", title=""),
                 alt.Tooltip("shown:N", title=rate)])
    return chart.properties(title=_("Before and after the banner change"), height=320, width="container"
                            ).configure(**VEGA_CONFIG)


@memo
def access_events(daily: pl.DataFrame, first: date, last: date):
    """Entries per day over the days chosen, first to last, stacked by event (Vega-Lite): every day of them has its
    place on the axis, so a day without entries is an empty place (with entries on one day only, that day's bar
    filled the whole chart, as if it were the days)."""
    import altair as alt

    days = [(first + timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    from dashboard.access_log import EVENTS

    rows = _written(worded(_ranked(daily, "event", EVENTS), "event"), shown=("events", i18n.number),
                    day=("occurred_day", date.isoformat))
    event, entries, day = _("Event"), _("Entries"), _("Day")
    chart = alt.Chart(rows).mark_bar().encode(
        x=alt.X("day:O", title=day, scale=alt.Scale(domain=days, paddingInner=0.2),
                axis=alt.Axis(labelAngle=-45 if len(days) > 10 else 0, labelOverlap=True)),
        y=alt.Y("events:Q", title=entries, stack="zero", axis=_vega_count_axis()),
        color=_vega_colour("event", event, labels.colour_map("event", _in_order(daily["event"], EVENTS)), legend=True),
        order=alt.Order("rank:Q"),
        tooltip=[alt.Tooltip("day:N", title=day), alt.Tooltip("event:N", title=event),
                 alt.Tooltip("shown:N", title=entries)])
    return chart.properties(title=_("Who used the dashboard: access-log entries per day"), height=260,
                            width="container").configure(**VEGA_CONFIG)


# The monthly report's charts stay plotly: a report is one HTML file to forward, and plotly's script goes inside
# it (Vega-Lite's would be fetched from the internet). Drawn once a month, not on each page view.


@memo
def report_request_volume(volume: pl.DataFrame, grain: str, start: date, end: date):
    """The report's requests received per week or month, by type (plotly; request_volume is the page's): a
    period the range holds only part of is hatched."""
    fig = px.bar(worded(volume, "request_type"), x="period_start", y="requests", color="request_type",
                 color_discrete_map=colours(volume, "request_type"),
                 labels={"period_start": grain_word(grain).capitalize(), "requests": _("Requests received"),
                         "request_type": _("Type")},
                 title=_("Requests received per {grain}, by type").format(grain=grain_word(grain)),
                 category_orders=type_order())
    fig.update_layout(barmode="stack", legend_title_text="")
    # A week or month the period holds only part of is hatched: its bar counts those days only.
    part = {d.isoformat() for d in _parts(start, end, grain)["period_start"]}
    if part:
        for trace in list(fig.data):  # the legend shows a type's colour, not the hatching of its first bar
            trace.update(marker_pattern_shape=["/" if str(x)[:10] in part else "" for x in trace.x],
                         showlegend=False, legendgroup=trace.name)
            fig.add_trace(go.Bar(x=[None], y=[None], name=trace.name, marker_color=trace.marker.color,
                                 legendgroup=trace.name))
    return dated(styled(fig))


@memo
def report_consent_trend(trend: pl.DataFrame, grain: str, changes: pl.DataFrame):
    """The report's consent rates over time (plotly; consent_trend is the page's), with a dashed line where a new
    banner version was first shown."""
    rates = [c for c in TREND_RATES if c in trend.columns]
    names = rate_labels()
    long = trend.unpivot(index="period_start", on=rates, variable_name="rate", value_name="value").with_columns(
        pl.col("rate").replace_strict(names))
    fig = px.line(long, x="period_start", y="value", color="rate", color_discrete_map=rate_colours(names),
                  labels={"period_start": grain_word(grain).capitalize(), "value": _("Rate"), "rate": ""},
                  title=_("Consent rates per {grain}, with banner changes marked").format(grain=grain_word(grain)))
    fig.update_yaxes(range=[0, 1])
    share_axis(fig)
    # Versions first shown on one day (an A/B test) share a line and a label, one name under the other: two labels
    # at one place were printed over each other.
    days = changes.group_by("first_day", maintain_order=True).agg(pl.col("banner_version").cast(pl.String).sort())
    for row in days.iter_rows(named=True):
        fig.add_vline(x=row["first_day"], line_dash="dash", line_color="#6c757d")
        fig.add_annotation(x=row["first_day"], y=1, yref="y", yanchor="top", showarrow=False, xanchor="left",
                           text="<br>".join(html.escape(v) for v in row["banner_version"]),
                           font={"size": 11, "color": "#333333"}, align="left")
    return dated(styled(fig))


def periods_of(start: date, end: date, grain: str = "week") -> pl.DataFrame:
    """Every week (from its Monday) or month that holds a day of start..end, with how many days it has (length) and
    how many of them the period holds (days): the first and last of a period may hold only some."""
    first = start - timedelta(days=start.weekday()) if grain == "week" else start.replace(day=1)
    starts = pl.date_range(first, end, "1w" if grain == "week" else "1mo", eager=True)
    ends = (starts.dt.offset_by("1w" if grain == "week" else "1mo") - timedelta(days=1))
    return pl.DataFrame({"period_start": starts, "period_end": ends}).with_columns(
        length=(pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1,
        days=(pl.min_horizontal("period_end", pl.lit(end)) - pl.max_horizontal("period_start", pl.lit(start)))
        .dt.total_days() + 1).drop("period_end")


def _parts(start: date, end: date, grain: str) -> pl.DataFrame:
    """The weeks or months of periods_of that start..end holds only part of."""
    return periods_of(start, end, grain).filter(pl.col("days") < pl.col("length"))


def part_periods(start: date, end: date, grain: str = "week") -> str:
    """The weeks or months start..end holds only part of, in words ("2026-08-24: 4 days, 2026-11-23: 2 days"), or ""
    when it holds each whole."""
    return ", ".join(ngettext("{day}: {days} day", "{day}: {days} days", r["days"]).format(
        day=i18n.day(r["period_start"]), days=r["days"]) for r in _parts(start, end, grain).iter_rows(named=True))


def _weekly_points(frame: pl.DataFrame, column: str, weeks: pl.DataFrame, count: bool) -> pl.DataFrame:
    """One weekly series as the chart draws it: each week of the period (period_start) with its value (a count is 0
    in a week without events; a rate has none there, a gap) and, for a week the period holds only part of, how many
    of its days it holds (days; null for a whole week)."""
    series = weeks.join(frame.select("period_start", column), on="period_start", how="left").with_columns(
        days=pl.when(pl.col("days") < pl.col("length")).then("days"))
    if count:
        series = series.with_columns(pl.col(column).fill_null(0))
    return series.select("period_start", pl.col(column).cast(pl.Float64).alias("value"), "days")


def _weekly_chart(points: pl.DataFrame, colour: str, title: str, name: str, share: bool, top: float | None):
    """One weekly series: the whole weeks as a filled line, a week the period holds only part of as an open dot
    joined to its neighbour by a dotted line (two days of requests drawn as a week looked like a collapse)."""
    import altair as alt

    value_text = (lambda v: i18n.percent(v, 1)) if share else i18n.number
    rows = _written(points, week=("period_start", i18n.day), shown=("value", value_text),
                    note=("days", lambda d: ngettext("{days} day of this week is in the period",
                                                     "{days} days of this week are in the period", d).format(days=d)))
    whole, part = rows.filter(pl.col("days").is_null()), rows.filter(pl.col("days").is_not_null())
    x, y = rows["period_start"].to_list(), rows["value"].to_list()
    index = {w: i for i, w in enumerate(x)}
    joins = pl.DataFrame([(x[i], y[i], x[j], y[j]) for i in (index[w] for w in part["period_start"]) if len(x) > 1
                          for j in [i + 1 if i == 0 else i - 1]],
                         schema={"period_start": pl.Date, "value": pl.Float64, "to_start": pl.Date, "to_value":
                                 pl.Float64}, orient="row")
    axis_x = _dates_x(None, ticks=6)
    axis_y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=True, domainMin=0),
                   axis=alt.Axis(labelExpr=_vega_number(share), tickMinStep=alt.Undefined if share else 1,
                                 values=share_ticks(top) if share else alt.Undefined))
    tooltip = [alt.Tooltip("week:N", title=_("Week from")), alt.Tooltip("shown:N", title=name)]
    layers = [alt.Chart(whole).mark_area(line={"color": colour, "strokeWidth": 2}, color=colour, opacity=0.25)
              .encode(axis_x, axis_y, tooltip=tooltip)]
    if joins.height:
        layers.append(alt.Chart(joins).mark_rule(color=colour, strokeWidth=2, strokeDash=[2, 3]).encode(
            axis_x, axis_y, x2="to_start:T", y2="to_value:Q"))  # (one axis: layers that differ drop its format)
    if part.height:
        layers.append(alt.Chart(part).mark_point(filled=True, fill="#ffffff", stroke=colour, strokeWidth=2, size=70,
                                                 opacity=1).encode(
            axis_x, axis_y, tooltip=[*tooltip, alt.Tooltip("note:N", title=_("Part of a week"))]))
    return alt.layer(*layers).properties(title=title, height=150, width="container").configure(**VEGA_CONFIG)


@memo
def overview_trends(requests: pl.DataFrame, transfers: pl.DataFrame, consent: pl.DataFrame, start: date, end: date):
    """The Overview's weekly trends, to be drawn side by side over start..end: requests received, transfers outside
    the EU/EEA, interaction; one Vega-Lite chart each (a list of three). Weeks the period holds only part of are
    drawn apart (an open dot on a dotted line)."""
    weeks = periods_of(start, end)
    trends = (
        (requests, "requests", labels.CATEGORY[0], _("Requests received per week"), _("Requests received"), False),
        (transfers, "non_eea", labels.CATEGORY[1], _("Transfers outside the EU/EEA per week"),
         _("Outside the EU/EEA"), False),
        (consent, "interaction_rate", labels.CATEGORY[4], _("Interaction per week"),
         labels.name("consent", "interaction_rate"), True))
    charts = []
    for frame, column, colour, title, name, share in trends:
        points = _weekly_points(frame, column, weeks, count=not share) if frame.height else pl.DataFrame(
            schema={"period_start": pl.Date, "value": pl.Float64, "days": pl.Int64})
        top = consent["interaction_rate"].max() if share and consent.height else None
        charts.append(_weekly_chart(points, colour, title, name, share, top))
    return charts
