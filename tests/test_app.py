"""Every page runs without exception on the sample store (AppTest, from the entrypoint)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hyp
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = ["app_pages/overview.py", "app_pages/requests.py", "app_pages/holds.py", "app_pages/transfers.py",
         "app_pages/consent.py", "app_pages/data_quality.py"]


@pytest.fixture(autouse=True)
def clear_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


@pytest.fixture
def app(sample_store, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    return AppTest.from_file(APP, default_timeout=60)  # not yet run: a test opens its page first, as a link does


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(app, page):
    app.switch_page(page).run()
    assert not app.exception, app.exception
    assert app.title, f"{page} shows no title"


def test_the_transfer_log_shows_each_rows_findings_by_title_beside_its_time(sample_store, monkeypatch):
    """The transfer log's findings were its last column, past a screen's right edge, and rule codes
    ("derogation_review"): they stand beside the time, as the findings' titles, while the export keeps the codes."""
    from dashboard import findings

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2025-11-25", "to": "2026-11-24", "as_of": "2026-11-24", "findings": "1"})
    at.switch_page("app_pages/transfers.py").run()
    assert not at.exception
    [log] = [d.value for d in at.dataframe if "findings" in d.value.columns]
    assert list(log.columns[:3]) == ["transfer_id", "occurred_at", "findings"] and len(log)
    titles = {findings.title(f.rule) for f in findings.RULES if f.area == "transfers"}
    assert all(set(cell.split("; ")) <= titles for cell in log["findings"]), set(log["findings"])


def test_the_last_ingests_show_what_each_run_did_before_where_it_came_from(app):
    """Data quality's runs: the outcome, the reason and the counts (the rejected rows among them) come before the
    file's path, which pushed the counts past the right edge of the screen."""
    app.switch_page("app_pages/data_quality.py").run()
    assert not app.exception
    [runs] = [d.value for d in app.dataframe if "rows_rejected" in d.value.columns]
    columns = list(runs.columns)
    assert columns.index("rows_rejected") < columns.index("file") and columns.index("outcome") < columns.index("file")
    assert columns[:4] == ["run_id", "log_name", "outcome", "outcome_detail"]


@pytest.mark.parametrize("page", [*PAGES, "app_pages/access_log.py"])
def test_a_table_larger_than_an_excel_sheet_offers_csv_and_says_why_not_excel(app, monkeypatch, page):
    """A log past one Excel sheet's rows (a year of a large retailer's transfers) keeps its page: the Excel button is
    disabled with the reason, the CSV one is not. (The 10x benchmark found the page failing there.)"""
    from dashboard import exports

    monkeypatch.setattr(exports, "EXCEL_MAX_ROWS", 1)
    app.switch_page(page).run()
    assert not app.exception, app.exception
    buttons = app.get("download_button")
    too_big = [b for b in buttons if "(Excel)" in b.proto.label and b.proto.help]  # (tables of 0 or 1 row fit)
    assert all(b.proto.disabled and "Excel sheet" in b.proto.help for b in too_big)
    if page == "app_pages/transfers.py":  # its log holds thousands of rows
        assert too_big and any("(CSV" in b.proto.label and not b.proto.disabled for b in buttons)


@pytest.mark.parametrize("page", [*PAGES, "app_pages/access_log.py"])
def test_a_colour_means_one_thing_on_a_page(app, page):
    """Issue #15: one fixed colour per category across the charts. On one page no colour of our palette stands for two
    different things (the Legal holds page coloured the data category in one chart and the law in the next, with
    the same colours); grey is for the unnamed rest."""
    import json

    from dashboard import labels
    from tests.helpers import trace_colour

    app.switch_page(page).run()
    assert not app.exception, app.exception
    meanings: dict[str, set[str]] = {}
    for chart in app.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            colour = trace_colour(trace)
            if isinstance(colour, str) and colour.upper() in {c.upper() for c in labels.CATEGORY}:
                meanings.setdefault(colour.upper(), set()).add(trace.get("name") or "")
    for chart in app.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        for layer in spec.get("layer", [spec]):
            # a colour scale: each colour stands for its word; a fixed colour (the Overview's trends) for the title
            scale = layer.get("encoding", {}).get("color", {}).get("scale", {})
            named = list(zip(scale.get("range", []), scale.get("domain", [])))
            named += [(layer["mark"].get(k), spec["title"]) for k in ("color", "stroke") if "domain" not in scale]
            for colour, name in named:
                if isinstance(colour, str) and colour.upper() in {c.upper() for c in labels.CATEGORY}:
                    meanings.setdefault(colour.upper(), set()).add(name)
    if page in ("app_pages/overview.py", "app_pages/holds.py"):  # (the check can fail: the charts are read)
        assert len(meanings) >= 3, meanings
    twice = {colour: names for colour, names in meanings.items() if len(names) > 1}
    assert not twice, twice


RULES_DOCS = {"app_pages/requests.py": "sla.md", "app_pages/holds.py": "holds.md",
              "app_pages/transfers.py": "transfers.md", "app_pages/consent.py": "consent.md"}


@pytest.mark.parametrize("page", RULES_DOCS)
@pytest.mark.parametrize("link", [None, "true", "false", "yes", "' OR 1=1 --"])
def test_the_rules_in_full_are_drawn_only_when_opened(sample_store, monkeypatch, page, link):
    """A page's rules file (docs/) sits in an expander that draws it only when opened (?rules=true in a link): a
    closed expander's content would still be drawn by the browser, at a cost (docs/sla.md's code blocks: 0.3 s of
    CPU on Requests). Any other value leaves it closed."""
    from dashboard import ui

    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    if link is not None:
        at.query_params["rules"] = link
    at.switch_page(page).run()
    assert not at.exception, at.exception
    doc = RULES_DOCS[page]
    [expander] = [e for e in at.expander if e.label.endswith(f"(docs/{doc})")]
    drawn = [m.value for m in expander.markdown]
    if link == "true":
        assert [text.strip() for text in drawn] == [ui._doc(doc).strip()]
    else:
        assert drawn == []
        assert not any(m.value.strip() == ui._doc(doc).strip() for m in at.markdown)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_overview_trends_name_each_weekly_tick_apart(lang):
    """The Overview's weekly trends over a month labelled every tick "Oct" (the month alone): each tick's label,
    written with the axes' own format (d3's %b %-d and %-d/%-m read as Python's), names a different day."""
    from datetime import date, timedelta

    import polars as pl

    from dashboard import charts, i18n

    weeks = [date(2026, 10, 5) + timedelta(weeks=i) for i in range(5)]
    frame = pl.DataFrame({"period_start": weeks, "requests": [3, 4, 5, 6, 7], "non_eea": [1, 2, 3, 4, 5],
                          "interaction_rate": [0.5, 0.6, 0.7, 0.6, 0.5]})
    with i18n.use(lang):
        drawn = charts.overview_trends(frame, frame, frame, weeks[0], weeks[-1] + timedelta(days=6))
    formats = {layer["encoding"]["x"]["axis"]["format"] for chart in drawn for layer in chart.to_dict()["layer"]}
    [tick] = formats  # one format on every layer (layers that differ drop it: the axis fell back to month names)
    assert len({day.strftime(tick) for day in weeks}) == len(weeks), tick


@pytest.mark.parametrize("days", [1, 7, 30, 400])
def test_the_access_log_chart_spans_the_days_chosen(days):
    """Entries on one day of thirty drew one bar over the whole chart: the axis spans the chosen days, so the days
    without entries are there, empty, and a day is as wide as any other."""
    from datetime import date, datetime, timedelta

    import polars as pl

    from dashboard import charts

    last = date(2026, 11, 27)
    first = last - timedelta(days=days - 1)
    daily = pl.DataFrame({"occurred_day": [last] * 3, "event": ["export", "page_view", "sign_in"], "events": [1, 3, 2]})
    spec = charts.access_events(daily, first, last).to_dict()
    # the events in the log's own order, in the legend and in each bar, whatever order they come in
    assert spec["encoding"]["color"]["scale"]["domain"] == ["sign-in", "page view", "export"]
    assert spec["encoding"]["order"]["field"] == "rank"
    x = spec["encoding"]["x"]
    assert x["type"] == "ordinal"
    assert x["scale"]["domain"] == [(first + timedelta(days=i)).isoformat() for i in range(days)]  # each day once


@settings(max_examples=40, deadline=None)
@given(closed=hyp.lists(hyp.tuples(hyp.sampled_from(["access", "erasure", "objection"]), hyp.integers(0, 200),
                                   hyp.integers(1, 40)), min_size=1, max_size=30, unique_by=lambda t: t[:2]))
def test_the_time_to_close_chart_draws_a_bar_a_week_and_holds_every_request(closed):
    """A bar a day over four months drew hairlines: a bar is a week wide, every request is in one bar of its week,
    the axis holds every bar, and the three-month line is drawn when a request took longer than a month."""
    import polars as pl

    from dashboard import charts

    distribution = pl.DataFrame(closed, schema=["request_type", "days_to_close", "requests"], orient="row")
    chart = charts.time_to_close(distribution)
    bars, rule = (layer for layer in chart.layer if layer.mark.type in ("bar", "rule"))
    assert {(f, l) for f, l in zip(bars.data["first"], bars.data["last"])} == {
        (7 * w, 7 * w + 7) for w in (distribution["days_to_close"] // 7).to_list()}  # a bar is a week wide
    assert bars.data["requests"].sum() == distribution["requests"].sum()
    spec = chart.to_dict()
    low, high = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert low == 0 and high >= bars.data["last"].max()
    lines = sorted(rule.data["first"].to_list())
    assert lines == ([31, 92] if distribution["days_to_close"].max() > 31 else [31]) and high > lines[-1]


@settings(max_examples=60, deadline=None)
@given(start=hyp.dates(date(2024, 1, 1), date(2027, 12, 31)), days=hyp.integers(1, 800),
       grain=hyp.sampled_from(["week", "month"]))
def test_the_periods_of_a_chart_hold_each_day_once_and_only_the_ends_are_partial(start, days, grain):
    from dashboard import charts

    end = start + timedelta(days=days - 1)
    periods = charts.periods_of(start, end, grain)
    assert periods["days"].sum() == days and (periods["days"] >= 1).all()
    assert (periods["days"] <= periods["length"]).all()
    assert periods["length"].is_in([7] if grain == "week" else [28, 29, 30, 31]).all()
    assert periods["period_start"].is_sorted() and periods["period_start"][0] <= start <= end
    inner = periods[1:-1]
    assert (inner["days"] == inner["length"]).all()  # a period is whole but for its first and last week or month


@settings(max_examples=40, deadline=None)
@given(start=hyp.dates(date(2026, 1, 1), date(2026, 12, 31)), days=hyp.integers(1, 120), data=hyp.data())
def test_the_overview_trends_draw_part_weeks_apart_and_an_empty_week_as_zero(start, days, data):
    """Two days of requests drawn as a week looked like a collapse: a week the period holds only part of is an open
    dot (on a dotted line), every whole week is on the filled line, and a week without events counts 0 (a rate has
    no value there): no week is left out and joined over."""
    import polars as pl

    from dashboard import charts

    end = start + timedelta(days=days - 1)
    weeks = charts.periods_of(start, end)
    counts = data.draw(hyp.lists(hyp.one_of(hyp.none(), hyp.integers(0, 50)), min_size=weeks.height,
                                 max_size=weeks.height))
    kept = [(w, c) for w, c in zip(weeks["period_start"], counts) if c is not None]
    frame = pl.DataFrame({"period_start": [w for w, _ in kept], "requests": [c for _, c in kept],
                          "non_eea": [c for _, c in kept], "interaction_rate": [c / 50 for _, c in kept]},
                         schema={"period_start": pl.Date, "requests": pl.Int64, "non_eea": pl.Int64,
                                 "interaction_rate": pl.Float64})
    drawn = charts.overview_trends(frame, frame, frame, start, end)
    whole = set(weeks.filter(pl.col("days") == 7)["period_start"].to_list())
    part = weeks.filter(pl.col("days") < 7)["period_start"].to_list()
    assert len(drawn) == 3
    for chart, rate in zip(drawn, (False, False, True)):
        # (a layer's data moves up to the chart when every layer has the same: a chart of one layer)
        marks = {layer.mark.type: layer.data if isinstance(layer.data, pl.DataFrame) else chart.data
                 for layer in chart.layer}
        line = marks["area"]
        if not kept:
            assert line.is_empty() and set(marks) == {"area"}
            continue
        expected = {w: (c / 50 if rate else c) if c is not None else (None if rate else 0)
                    for w, c in zip(weeks["period_start"], counts)}
        assert dict(zip(line["period_start"], line["value"])) == {w: v for w, v in expected.items() if w in whole}
        assert (marks["point"]["period_start"].to_list() == part) if part else "point" not in marks
        if part:
            assert marks["point"]["value"].to_list() == [expected[w] for w in part]
            if weeks.height > 1:  # each part week is joined to its neighbour by a dotted line
                joined = {(a, b) for a, b in zip(marks["rule"]["period_start"], marks["rule"]["to_start"])}
                assert {a for a, _ in joined} == set(part) and all(abs((a - b).days) == 7 for a, b in joined)


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_chart_tooltips_are_written_in_the_pages_language(lang):
    """polars runs map_elements on threads of its own, where the language (a context variable) is the default: an
    English page's tooltips said "5 jan. 2026" and "23,0 %". Each chart's dates, shares and counts are written in
    the page's language."""
    import polars as pl

    from dashboard import charts, i18n

    start = date(2026, 1, 5)
    weeks = [start + timedelta(weeks=i) for i in range(4)]
    frame = pl.DataFrame({"period_start": weeks, "interaction_rate": [0.23] * 4, "non_eea_share": [0.23] * 4,
                          "transfers": [12345] * 4, "non_eea": [1234] * 4, "requests": [1234] * 4})
    with i18n.use(lang):
        day, share, count = i18n.day(start), i18n.percent(0.23, 1), i18n.number(1234)
        interaction = charts.overview_trends(frame, frame, frame, start, weeks[-1] + timedelta(days=6))[2]
        def first_layer(chart):  # (a layer's data moves up to the chart when every layer has the same)
            return chart.layer[0].data if isinstance(chart.layer[0].data, pl.DataFrame) else chart.data

        whole = first_layer(interaction)
        trend = first_layer(charts.consent_trend(frame, "week", pl.DataFrame(schema={"banner_version": pl.String,
                                                                                    "first_day": pl.Date})))
        shares = charts.non_eea_share(frame, "week").data
        for written, expected in ((whole["week"][0], day), (whole["shown"][0], share), (trend["when"][0], day),
                                  (trend["shown"][0], share), (shares["when"][0], day),
                                  (shares["share"][0], share), (shares["non_eea_text"][0], count)):
            assert written == expected


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_stacked_bars_are_stacked_in_the_legends_order_in_either_language(lang):
    """Stacked by their words, Swedish put access requests on top of each bar and English at the bottom: every
    stacked chart stacks by the codes' fixed order (the legend's), whatever the words."""
    import polars as pl

    from dashboard import charts, i18n, labels
    from dashboard.contract import REQUEST_TYPES

    start = date(2026, 9, 7)
    types = list(reversed(REQUEST_TYPES))  # not in the contract's order, nor the words'
    volume = pl.DataFrame({"period_start": [start] * len(types), "request_type": types,
                           "requests": range(1, len(types) + 1)})
    closed = pl.DataFrame({"request_type": types, "days_to_close": [3] * len(types), "requests": [1] * len(types)})
    breakdown = pl.DataFrame({"recipient_type": ["processor"] * 3, "mechanism": ["scc", "none", "eea"],
                              "transfers": [1, 2, 3], "records": [1, 2, 3]})
    due = pl.DataFrame({"month": [date(2027, 1, 1)] * 2, "legal_basis": ["consumer_law", "bookkeeping_act"],
                        "records": [1, 2], "holds": [1, 1]})
    with i18n.use(lang):
        bars = charts.time_to_close(closed).layer[0]
        for chart, column, order in ((charts.request_volume(volume, "week", start, start + timedelta(days=6)),
                                      "request_type", REQUEST_TYPES),
                                     (bars, "request_type", REQUEST_TYPES),
                                     (charts.transfer_breakdown(breakdown, "records"), "mechanism", charts.MECHANISMS),
                                     (charts.releases_due(due), "legal_basis", ["bookkeeping_act", "consumer_law"])):
            encoding = chart.to_dict()["encoding"]
            assert encoding["order"]["field"] == "rank"
            ranks = dict(zip(chart.data[column], chart.data["rank"]))  # a code's word -> its place in the stack
            words = [labels.word(c) for c in order if labels.word(c) in ranks]
            assert [ranks[w] for w in words] == list(range(len(words)))
            assert encoding["color"]["scale"]["domain"] == words  # the legend's order


@pytest.mark.parametrize(("start", "end", "grain", "hatched"), [
    (date(2026, 8, 27), date(2026, 11, 24), "week", {"2026-08-24", "2026-11-23"}),
    (date(2026, 8, 24), date(2026, 11, 29), "week", set()),
    (date(2026, 8, 27), date(2026, 11, 24), "month", {"2026-08-01", "2026-11-01"}),
    (date(2026, 9, 1), date(2026, 10, 31), "month", set())])
def test_the_request_volume_draws_the_part_periods_apart_and_keeps_a_plain_legend(start, end, grain, hatched):
    import polars as pl

    from dashboard import charts

    periods = charts.periods_of(start, end, grain)["period_start"].to_list()
    volume = pl.DataFrame([(p, t, 3) for p in periods for t in ("access", "erasure")],
                          schema=["period_start", "request_type", "requests"], orient="row")
    chart = charts.request_volume(volume, grain, start, end)
    rows = chart.data
    assert {str(d) for d in rows.filter(pl.col("part"))["period_start"]} == hatched
    assert rows["requests"].sum() == volume["requests"].sum()  # every period's bar, whole or part
    spec = chart.to_dict()
    domain = spec["encoding"]["x"]["scale"]["domain"]
    assert domain == rows.unique("period_start").sort("period_start")["when"].to_list()
    assert len(domain) == len(periods)
    assert spec["encoding"]["color"]["scale"]["domain"] == ["access", "erasure"]  # the legend: a plain colour a type
    assert spec["encoding"]["opacity"]["condition"][0]["test"] == "datum.part"
    # the report's (plotly): the same periods hatched, and a legend of plain colours
    fig = charts.report_request_volume(volume, grain, start, end)
    for trace in (t for t in fig.data if t.x[0] is not None):
        shapes = trace.marker.pattern.shape or [""] * len(trace.x)
        assert {str(x)[:10] for x, shape in zip(trace.x, shapes) if shape} == hatched
    legend = [t for t in fig.data if t.showlegend is not False]
    assert sorted(t.name for t in legend) == ["access", "erasure"]
    assert all(not t.marker.pattern.shape or set(t.marker.pattern.shape) == {""} for t in legend)


@settings(max_examples=40, deadline=None)
@given(versions=hyp.lists(hyp.tuples(hyp.text(min_size=1, max_size=20), hyp.integers(0, 20)), min_size=1,
                          max_size=6, unique_by=lambda v: v[0]))
def test_banner_versions_first_shown_on_one_day_share_one_label(versions):
    """Two versions first shown on one day (an A/B test) were labelled at one place, printed over each other: a day
    has one line and one label naming each of its versions (a version name is text from the log, drawn as text)."""
    import re

    import polars as pl

    from dashboard import charts

    start = date(2026, 9, 1)
    trend = pl.DataFrame({"period_start": [start + timedelta(days=i) for i in range(21)],
                          "interaction_rate": [0.7] * 21})
    changes = pl.DataFrame({"banner_version": [v for v, _ in versions],
                            "first_day": [start + timedelta(days=d) for _, d in versions]})
    chart = charts.consent_trend(trend, "day", changes)
    rule, text = (layer for layer in chart.layer if layer.mark.type in ("rule", "text"))
    labels = dict(zip(text.data["period_start"], text.data["banner_version"]))
    assert rule.data["period_start"].to_list() == list(labels) and len(labels) == changes["first_day"].n_unique()
    for version, day in versions:
        # drawn as text: nothing to escape; a line break in a name would split it
        assert re.sub(r"[\r\n]+", " ", version) in labels[start + timedelta(days=day)].split("\n")


@settings(max_examples=40, deadline=None)
@given(shares=hyp.lists(hyp.floats(0, 1), min_size=1, max_size=12), lang=hyp.sampled_from(["en", "sv"]))
def test_chart_axes_of_shares_write_percent_as_the_figures_do(shares, lang):
    """A share axis wrote 80% beside a Swedish figure of 74,8 %: in Swedish its ticks are the figures' own words
    (80 %), at a round step that reaches the largest share; English writes 80%."""
    import polars as pl

    from dashboard import charts, i18n

    start = date(2026, 9, 7)
    frame = pl.DataFrame({"period_start": [start + timedelta(weeks=i) for i in range(len(shares))],
                          "interaction_rate": shares, "non_eea_share": shares, "transfers": [10] * len(shares),
                          "non_eea": [1] * len(shares), "requests": [1] * len(shares)})
    no_change = pl.DataFrame(schema={"banner_version": pl.String, "first_day": pl.Date})
    with i18n.use(lang):
        y = charts.report_consent_trend(frame, "week", no_change).layout.yaxis  # the report's (plotly)
        if lang == "en":
            assert y.tickformat == ".0%" and y.ticktext is None
        else:
            assert list(y.ticktext) == [i18n.percent(v, 0) for v in y.tickvals]
            assert all(text.endswith("\xa0%") for text in y.ticktext)
            assert y.tickvals[0] == 0 and y.tickvals[-1] == 1 and len(y.tickvals) <= 8
        # The pages' charts (Vega-Lite): the same ticks, each label written by d3's ".0%" (the share times 100,
        # rounded, then "%"), the sign set apart in Swedish as the figures write it.
        end = start + timedelta(weeks=len(shares), days=-1)
        d3 = {"en": "format(datum.value, '.0%')", "sv": "replace(format(datum.value, '.0%'), '%', '\u00a0%')"}
        interaction = charts.overview_trends(frame, frame, frame, start, end)[2]
        for name, chart, top in (("interaction", interaction, max(shares)),
                                 ("share", charts.non_eea_share(frame, "week"), max(shares)),
                                 ("trend", charts.consent_trend(frame, "week", no_change), 1.0)):
            spec = chart.to_dict()
            y = (spec["layer"][0] if "layer" in spec else spec)["encoding"]["y"]["axis"]
            assert y["values"] == charts.share_ticks(top), name
            assert y["values"][0] == 0 and y["values"][-1] >= min(top, 1) - 1e-9 and len(y["values"]) <= 8, name
            assert y["labelExpr"] == d3[lang], name
        written = [f"{round(v * 100)}%".replace("%", "\xa0%" if lang == "sv" else "%") for v in y["values"]]
        assert written == [i18n.percent(v, 0) for v in y["values"]]


@pytest.mark.parametrize("page", ["app_pages/requests.py", "app_pages/holds.py", "app_pages/transfers.py",
                                  "app_pages/consent.py"])
def test_a_check_of_an_empty_period_is_never_good_news(sample_store, monkeypatch, page):
    """"Every hold whose obligation has ended was released", "No transfer breaks a rule"... in green over a period
    without a single event read as compliance: each check that found nothing says, there, that nothing was checked."""
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2024-01-01", "to": "2024-01-31", "as_of": "2024-01-31"})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == []
    said = " ".join(i.value for i in at.info)
    assert "nothing was checked" in said or "No legal hold has been placed" in said, said  # holds say it first


def test_missing_store_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(tmp_path / "none.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("python -m dashboard ingest" in w.value for w in at.warning)


def test_period_comes_from_the_url(sample_store, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["from"] = "2026-01-01"
    at.query_params["to"] = "2026-03-31"
    at.query_params["as_of"] = "2026-04-15"
    at.run()
    assert not at.exception
    assert [str(d.value) for d in at.sidebar.date_input] == ["2026-01-01", "2026-03-31", "2026-04-15"]
    period = at.session_state["period"]
    assert (str(period.start), str(period.end), str(period.as_of)) == ("2026-01-01", "2026-03-31", "2026-04-15")


def test_bad_url_dates_fall_back_with_a_note(sample_store, monkeypatch):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["from"] = "'; drop table transfers; --"
    at.run()
    assert not at.exception
    assert any("not valid" in c.value for c in at.sidebar.caption)


def test_changing_the_period_updates_the_url(app):
    app.run()
    app.sidebar.date_input[0].set_value("2026-02-01").run()
    assert not app.exception
    assert app.query_params["from"] == "2026-02-01"


@pytest.mark.parametrize(("delta", "neutral"), [
    ("+0", True), ("-0", True), ("+0.0 pp", True), ("-0.0 pp", True), ("+0.0", True), ("0", True),
    ("+1", False), ("-3", False), ("+0.1 pp", False), ("+1 204", False), (None, False),
])
def test_a_change_of_zero_is_neutral(delta, neutral):
    from dashboard.ui import delta_style

    style = delta_style(delta, "inverse")
    if neutral:
        assert style["delta_arrow"] == "off" and style["delta_color"] == "off" and style["delta"].startswith("±0")
    elif delta is None:
        assert style == {"delta": None}
    else:
        assert style == {"delta": delta, "delta_color": "inverse"}


def test_a_chart_is_built_once_per_data_and_language_and_tables_write_each_number_as_before():
    """The page's second run reuses its charts (charts.memo) and writes numbers per distinct value (ui): the same
    figure for the same frames and language, another for other data or another language; the Swedish table text
    equal to writing every cell."""
    import polars as pl

    from dashboard import charts, i18n, ui

    blocked = pl.DataFrame({"legal_basis": ["aml_act", "bookkeeping_act"], "data_category": ["id", "invoice"],
                            "records": [3, 4]})
    with i18n.use("en"):
        first = charts.blocked_records(blocked)
        assert charts.blocked_records(blocked.clone()) is first
        assert charts.blocked_records(blocked.with_columns(records=pl.lit(5))) is not first
    with i18n.use("sv"):
        swedish = charts.blocked_records(blocked)
        assert swedish is not first and swedish.to_dict()["title"] != first.to_dict()["title"]

    frame = pl.DataFrame({"records": [1, 1000, None, 1000, 25_000], "share_rate": [0.5, None, 0.125, 0.5, 1.0],
                          "days": [1.25, None, 2.0, 3.5, 1.25], "request_id": [1, 2, 3, 4, 5]})
    for lang, thousand in (("sv", "1\xa0000"), ("en", "1 000")):  # a table writes numbers as the figures do
        with i18n.use(lang):
            written = ui._numbers_in_language(frame)
            assert written["records"].to_list() == [None if v is None else i18n.number(v) for v in frame["records"]]
            assert written["records"][1] == thousand
            assert written["share_rate"].to_list() == [None if v is None else i18n.percent(v)
                                                       for v in frame["share_rate"]]
            assert written["days"].to_list() == [None if v is None else i18n.number(v, 1) for v in frame["days"]]
            assert "request_id" not in written


def _paged_list(total: int):
    """A list of `total` rows paged by ui.pager, 100 to a page, as the pages draw one (the rows on the page shown)."""
    import streamlit as st

    from dashboard import ui

    page = ui.page_number("rows_page")
    rows = list(range(total))[(page - 1) * 100:page * 100]
    st.write(f"rows {rows[0] if rows else None}-{rows[-1] if rows else None}")
    ui.pager("Page (rows)", "rows_page", total if rows else 0, 100)


@pytest.mark.parametrize(("linked", "page"), [
    ("2", 2), ("3", 3), ("03", 3), ("1", 1), ("4", 4),  # a page, and one past the end (its pager stays)
    ("0", 1), ("-2", 1), ("+2", 1), (" 2", 1), ("2.0", 1), ("1e3", 1), ("abc", 1), ("", 1),  # not a page number
    ("\u00b2", 1), ("\u0663", 1), ("\uff12", 1),  # digits of other kinds: '²', Arabic-Indic 3, full-width 2
    ("100001", 1), ("9" * 40, 1),  # beyond any list
])
def test_a_link_opens_a_list_on_its_page_and_keeps_the_page(linked, page):
    """A list paged on the server keeps its page in the link (?rows_page=N): a shared link opens on the same rows,
    and a crafted page number opens the first page, with no error."""
    at = AppTest.from_function(_paged_list, args=(250,))
    at.query_params["rows_page"] = linked
    at.run()
    assert not at.exception, at.exception
    first = (page - 1) * 100
    assert at.markdown[0].value == (f"rows {first}-{min(first + 99, 249)}" if page <= 3 else "rows None-None")
    assert at.query_params.get("rows_page") == (str(page) if page > 1 else None)
    at.number_input(key="rows_page").set_value(2).run()
    assert at.query_params["rows_page"] == "2" and at.markdown[0].value == "rows 100-199"
    at.number_input(key="rows_page").set_value(1).run()
    assert "rows_page" not in at.query_params


@pytest.mark.parametrize(("total", "pages"), [(0, 0), (1, 0), (100, 0), (101, 2), (250, 3)])
def test_a_pager_is_drawn_only_for_a_list_of_more_than_one_page_and_moves_the_list(total, pages):
    """The lists paged on the server draw their page number under the list only when there is more than one page;
    changing it shows that page's rows, and a page past the end keeps the pager so the user can come back."""
    at = AppTest.from_function(_paged_list, args=(total,)).run()
    assert not at.exception
    assert len(at.number_input) == (1 if pages else 0)
    if not pages:
        return
    at.number_input(key="rows_page").set_value(pages).run()
    assert at.markdown[0].value == f"rows {(pages - 1) * 100}-{total - 1}"
    at.number_input(key="rows_page").set_value(pages + 1).run()
    assert at.markdown[0].value == "rows None-None" and len(at.number_input) == 1
    at.number_input(key="rows_page").set_value(1).run()
    assert at.markdown[0].value == "rows 0-99"
