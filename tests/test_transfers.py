"""Transfer rules on hand-made rows (with the edges), every filter on the sample store, exports, planted cases."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo
from pathlib import Path

import duckdb
import polars as pl
import pytest
import streamlit as st
from hypothesis import HealthCheck, given, settings, strategies as hyp
from streamlit.testing.v1 import AppTest

from dashboard import sql
from dashboard.exports import csv_bytes, excel_bytes
from dashboard.ingest import ingest_file
from dashboard.transfers import SORTABLE, TransferFilter, base_params, eea_countries, every_row
from tests.helpers import rows, write

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TZ = "Europe/Stockholm"


def run(db, name, date_from=date(2000, 1, 1), date_to=date(2026, 11, 24), flt=TransferFilter(), **extra):
    con = duckdb.connect(str(db), read_only=True)
    try:
        params = {**base_params(date_from, date_to, TZ), **flt.params(), **extra}
        return sql.run(con, name, **{k: v for k, v in params.items() if k in sql.parameters(name)})
    finally:
        con.close()


def findings_of(db) -> dict[str, list[str]]:
    frame = run(db, "rpt_transfer_log", **every_row())
    return {r["transfer_id"]: sorted(filter(None, (r["findings"] or "").split(", "))) for r in frame.iter_rows(named=True)}


def t(day: str, country: str, mechanism: str, purpose="hosting", basis="contract"):
    return {"occurred_at": f"{day}T12:00:00+01:00", "country": country, "mechanism": mechanism, "purpose": purpose,
            "legal_basis": basis}


CASES = [
    (t("2026-01-26", "BR", "adequacy"), [], "Brazil's decision, first day"),
    (t("2026-01-25", "BR", "adequacy"), ["adequacy_not_in_force"], "Brazil, the day before"),
    (t("2023-07-10", "US", "adequacy"), [], "Data Privacy Framework, first day"),
    (t("2023-07-09", "US", "adequacy"), ["adequacy_not_in_force"], "between Privacy Shield and the DPF"),
    (t("2020-07-15", "US", "adequacy"), [], "Privacy Shield, last day"),
    (t("2020-07-16", "US", "adequacy"), ["adequacy_not_in_force"], "Schrems II"),
    (t("2025-12-27", "GB", "adequacy"), [], "UK, end of the technical extension"),
    (t("2026-06-01", "GB", "adequacy"), [], "UK, renewed"),
    (t("2026-06-01", "SG", "adequacy"), ["adequacy_not_in_force"], "no decision for Singapore"),
    (t("2026-06-01", "IN", "none"), ["non_eea_without_mechanism"], "no safeguard"),
    (t("2026-06-01", "IN", "scc"), [], "standard contractual clauses"),
    (t("2026-06-01", "US", "bcr"), [], "binding corporate rules"),
    (t("2026-06-01", "US", "eea"), ["eea_mechanism_outside_eea"], "eea claimed outside"),
    (t("2026-06-01", "SG", "derogation"), ["derogation_review"], "derogation to review"),
    (t("2026-06-01", "SE", "eea", "sale", "legitimate_interest"), ["sale_without_consent"], "sale, no consent"),
    (t("2026-06-01", "SE", "eea", "sale", "consent"), [], "sale with consent"),
    (t("2026-06-01", "US", "none", "sale", "contract"), ["non_eea_without_mechanism", "sale_without_consent"],
     "two rules at once"),
    (t("2026-06-01", "CH", "adequacy"), [], "Switzerland"),
    # Historic mechanisms, as older exports name them, judged by their dates (issue 16, item 6)
    (t("2015-10-05", "US", "safe_harbour"), [], "Safe Harbour, last day"),
    (t("2015-10-06", "US", "safe_harbour"), ["scheme_not_in_force"], "Schrems"),
    (t("2020-07-15", "US", "privacy_shield"), [], "Privacy Shield, last day"),
    (t("2020-07-16", "US", "privacy_shield"), ["scheme_not_in_force"], "Schrems II, first day after"),
    (t("2026-06-01", "US", "privacy_shield"), ["scheme_not_in_force"], "Privacy Shield in 2026"),
    (t("2016-07-11", "US", "privacy_shield"), ["scheme_not_in_force"], "before Privacy Shield"),
    (t("2018-06-01", "IN", "privacy_shield"), ["scheme_not_in_force"], "Privacy Shield was for the US only"),
    (t("2018-06-01", "US", "safe_harbour"), ["scheme_not_in_force"], "Safe Harbour after its end"),
    (t("2018-06-01", "DE", "privacy_shield"), [], "inside the EEA no safeguard is needed"),
]


def test_every_rule_with_its_edges(tmp_path, db):
    data = rows("transfers", *[c[0] for c in CASES])
    assert ingest_file(str(write(tmp_path / "transfers.csv", data)), db).exit_code == 0
    got = findings_of(db)
    for row, (_, expected, why) in zip(data, CASES):
        assert got[row["transfer_id"]] == sorted(expected), why


def test_the_thirty_eea_countries_and_the_eu_regions_with_their_own_codes_need_no_safeguard(tmp_path, db):
    # 27 EU states, Iceland, Liechtenstein, Norway; Åland and France's outermost regions have ISO codes of their own
    assert len(eea_countries()) == 37 and "GR" in eea_countries() and "EL" not in eea_countries()
    assert {"AX", "RE", "GP", "MQ", "GF", "YT", "MF"} <= set(eea_countries())
    data = rows("transfers", *[t("2026-06-01", c, "eea") for c in eea_countries()], t("2026-06-01", "CH", "scc"))
    ingest_file(str(write(tmp_path / "transfers.csv", data)), db)
    assert all(f == [] for f in findings_of(db).values())
    summary = run(db, "rpt_transfer_summary").row(0, named=True)
    assert (summary["transfers"], summary["non_eea"]) == (38, 1)


def test_the_planted_transfer_problems_are_found(sample_store, manifest):
    got = findings_of(sample_store)
    planted = manifest["planted"]["transfers"]
    expect = {"non_eea_mechanism_none": "non_eea_without_mechanism",
              "adequacy_without_decision": "adequacy_not_in_force",
              "sale_without_consent": "sale_without_consent",
              "eea_mechanism_outside_eea": "eea_mechanism_outside_eea", "derogation": "derogation_review"}
    for kind, rule in expect.items():
        for item in planted[kind]:
            assert rule in got[item["transfer_id"]], (kind, item)
    flagged = {tid for tid, f in got.items() if f}
    planted_ids = {i["transfer_id"] for kind in expect for i in planted[kind]}
    assert flagged == planted_ids, "the background sample is clean"


FILTERS = [
    (TransferFilter(recipient="skyline"), lambda r: "skyline" in r["recipient"].lower()),
    (TransferFilter(recipient_types=("authority",)), lambda r: r["recipient_type"] == "authority"),
    (TransferFilter(countries=("US", "IN")), lambda r: r["country"] in ("US", "IN")),
    (TransferFilter(region="non_eea"), lambda r: not r["is_eea"]),
    (TransferFilter(region="eea"), lambda r: r["is_eea"]),
    (TransferFilter(mechanisms=("scc",)), lambda r: r["mechanism"] == "scc"),
    (TransferFilter(legal_bases=("consent",)), lambda r: r["legal_basis"] == "consent"),
    (TransferFilter(purposes=("tax", "aml_report")), lambda r: r["purpose"] in ("tax", "aml_report")),
    (TransferFilter(categories=("financial",)), lambda r: "financial" in r["data_categories"].split(";")),
    (TransferFilter(only_findings=True), lambda r: bool(r["findings"])),
    (TransferFilter(rule="sale_without_consent"), lambda r: "sale_without_consent" in r["findings"]),
    (TransferFilter(region="non_eea", mechanisms=("adequacy",), recipient="inc"),
     lambda r: not r["is_eea"] and r["mechanism"] == "adequacy" and "inc" in r["recipient"].lower()),
]


@pytest.mark.parametrize(("flt", "holds"), FILTERS, ids=[str(i) for i in range(len(FILTERS))])
def test_every_filter_on_the_sample_store(sample_store, flt, holds):
    everything = run(sample_store, "rpt_transfer_summary")["transfers"][0]
    exported = run(sample_store, "rpt_transfer_log", **every_row(), flt=flt)
    count = run(sample_store, "rpt_transfer_summary", flt=flt)["transfers"][0]
    assert 0 < count < everything
    assert exported.height == count, "the export has every filtered row, not a page"
    assert all(holds(r) for r in exported.iter_rows(named=True))


def test_the_period_filter_uses_local_days(tmp_path, db):
    data = rows("transfers", {"occurred_at": "2026-02-28T23:30:00Z"}, {"occurred_at": "2026-02-28T22:30:00Z"})
    ingest_file(str(write(tmp_path / "transfers.csv", data)), db)
    march = run(db, "rpt_transfer_log", **every_row(), date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))
    assert march["transfer_id"].to_list() == [data[0]["transfer_id"]], "00:30 local on 1 March"


@pytest.mark.parametrize("column", SORTABLE)
def test_the_log_is_paged_and_sorted_in_duckdb(sample_store, column):
    page = run(sample_store, "rpt_transfer_log", sort_by=column, descending=True, limit=40, offset=0)
    following = run(sample_store, "rpt_transfer_log", sort_by=column, descending=True, limit=40, offset=40)
    assert page.height == 40 and following.height == 40
    values = page[column].to_list() + following[column].to_list()
    assert values == sorted(values, reverse=True)
    assert not set(page["transfer_id"]) & set(following["transfer_id"])
    ascending = run(sample_store, "rpt_transfer_log", sort_by=column, descending=False, limit=40, offset=0)
    assert ascending[column].to_list() == sorted(ascending[column].to_list())


@pytest.fixture(scope="module")
def fall_back_store(tmp_path_factory):
    """Transfers every seven minutes from 23:00 UTC on 24 October to 03:00 on 25 October 2026, when Swedish clocks
    go back from 03:00 to 02:00 (local 02:00-03:00 happens twice), some to a country outside the EU/EEA on adequacy,
    with ids in no relation to time; and one a week before, one a week after."""
    tmp = tmp_path_factory.mktemp("fall-back")
    start = datetime(2026, 10, 24, 23, 0, tzinfo=timezone.utc)
    moments = [start + timedelta(minutes=7 * k) for k in range(35)] + [start - timedelta(days=7),
                                                                         start + timedelta(days=7)]
    changes = [{"transfer_id": f"T{(k * 37) % 101:03d}", "occurred_at": at.isoformat(),
                "country": "US" if k % 3 == 0 else "SE", "mechanism": "adequacy" if k % 3 == 0 else "eea"}
               for k, at in enumerate(moments)]
    db = tmp / "audit.duckdb"
    assert ingest_file(str(write(tmp / "transfers.csv", rows("transfers", *changes))), db).exit_code == 0
    local = ZoneInfo(TZ)
    return db, {c["transfer_id"]: (datetime.fromisoformat(c["occurred_at"]).astimezone(local).replace(tzinfo=None),
                                   c["country"]) for c in changes}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(descending=hyp.booleans(), limit=hyp.one_of(hyp.none(), hyp.integers(1, 40)), offset=hyp.integers(0, 40),
       outside=hyp.booleans(), days=hyp.sampled_from([(date(2026, 10, 25), date(2026, 10, 25)),
                                                      (date(2026, 10, 1), date(2026, 11, 30))]))
def test_a_page_sorted_by_time_follows_local_time_when_the_clock_goes_back(fall_back_store, descending, limit,
                                                                             offset, outside, days):
    """Sorted by time, the log is in the order of the local times it shows (in the hour a clock goes back, not the
    instants' order), ties by id, and any page of it is that list's slice."""
    db, moments = fall_back_store
    flt = TransferFilter(region="non_eea" if outside else "")
    page = run(db, "rpt_transfer_log", date_from=days[0], date_to=days[1], flt=flt, sort_by="occurred_at",
               descending=descending, limit=limit, offset=offset)
    chosen = [(wall, tid) for tid, (wall, country) in moments.items()
              if days[0] <= wall.date() <= days[1] and (not outside or country == "US")]
    ordered = [tid for _, tid in sorted(chosen, key=lambda m: m[1])]
    ordered = [tid for _, tid in sorted(((moments[t][0], t) for t in ordered), key=lambda m: m[0],
                                       reverse=descending)]
    assert page["transfer_id"].to_list() == ordered[offset:None if limit is None else offset + limit]
    assert page["occurred_at"].to_list() == [moments[t][0] for t in page["transfer_id"]]


def test_csv_and_excel_exports_hold_every_filtered_row(sample_store):
    flt = TransferFilter(region="non_eea")
    frame = run(sample_store, "rpt_transfer_log", **every_row(), flt=flt)
    count = run(sample_store, "rpt_transfer_summary", flt=flt)["transfers"][0]
    assert pl.read_csv(io.BytesIO(csv_bytes(frame))).height == count
    with zipfile.ZipFile(io.BytesIO(excel_bytes(frame))) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row ") == count + 1, "header plus every row"


def test_the_page_reads_its_filters_from_the_url(sample_store, monkeypatch):
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2024-11-25", "to": "2026-11-24", "region": "non_eea", "mechanism": "none",
                            "recipient": "'; drop table transfers; --"})
    at.switch_page("app_pages/transfers.py").run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Transfers").value == "0"
    at.text_input[0].set_value("helpdesk").run()
    assert not at.exception
    assert next(m for m in at.metric if m.label == "Transfers").value == "3"
    assert at.query_params["recipient"] == "helpdesk" and at.query_params["mechanism"] == "none"


def test_the_without_safeguard_filter_selects_exactly_the_counted_transfers(sample_store):
    counted = run(sample_store, "rpt_transfer_summary")["non_eea_without_valid_mechanism"][0]
    rows = run(sample_store, "rpt_transfer_log", **every_row(), flt=TransferFilter(without_safeguard=True))
    assert rows.height == counted > 0
    assert all(not r["is_eea"] and r["findings"] for r in rows.iter_rows(named=True))
    assert "derogation_review" not in set(", ".join(rows["findings"]).split(", "))


@pytest.mark.parametrize("view, kind", [(None, "bar"), ("Outside the EU/EEA over time", "line"),
                                        ("Map", "choropleth")])
def test_only_the_open_chart_tab_is_drawn_and_the_link_names_it(sample_store, monkeypatch, view, kind):
    monkeypatch.setenv("AUDIT_DB", str(sample_store))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2026-01-01", "to": "2026-10-31", "as_of": "2026-11-24"})
    if view:
        at.query_params["view"] = view
    at.switch_page("app_pages/transfers.py").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    marks = {(lambda m: m["type"] if isinstance(m, dict) else m)(json.loads(c.proto.spec)["mark"])
             for c in at.get("vega_lite_chart")}
    if kind == "choropleth":  # the map's outlines come from the app itself, not the internet
        assert not marks
        types = {t["type"] for s in specs for t in s["data"]}
        assert kind in types and types <= {"choropleth", "scattergeo"}  # scattergeo: the marks of findings
        assert "static/topojson" in json.loads(at.get("plotly_chart")[0].proto.config)["topojsonURL"]
        # the whole world is drawn (Singapore was cut off when the view fitted the data), and the countries with
        # findings are outlined and marked, not told by colour alone
        geo = specs[0]["layout"]["geo"]
        assert geo["fitbounds"] is False and geo["lataxis"]["range"] == [-60, 85]
        marked = [t for t in specs[0]["data"] if t["type"] == "scattergeo"]
        assert marked and "IND" in marked[0]["locations"]
    else:  # Vega-Lite, and no plotly: its script is loaded only for the map
        assert not specs and marks == {kind}


def _codes():
    import pycountry

    return sorted(c.alpha_2 for c in pycountry.countries)


@settings(max_examples=60, deadline=None)
@given(destinations=hyp.lists(hyp.tuples(hyp.sampled_from(_codes()), hyp.integers(0, 3)), min_size=1, max_size=8,
                              unique_by=lambda d: d[0]))
def test_every_destination_is_on_the_map_or_named_beside_it(destinations):
    """Singapore, Malta and Liechtenstein are not in the light (1:110m) outlines: a finding there was neither coloured
    nor marked. The map takes the finer outlines when a destination needs them, marks every country with findings,
    and names beside it the few that no outline holds (Gibraltar, Tuvalu), so no destination is silently lost."""
    from dashboard import charts

    frame = pl.DataFrame({"country": [c for c, _ in destinations], "is_eea": [False] * len(destinations),
                          "transfers": [5] * len(destinations), "records": [10] * len(destinations),
                          "with_findings": [f for _, f in destinations]})
    fig = charts.destinations_map(frame)
    resolution = fig.layout.geo.resolution
    drawn = charts.outlined(resolution)
    coarse_enough = set(charts._destinations(frame)["iso3"]) <= charts.outlined(110)
    assert resolution == (110 if coarse_enough else 50)
    named = set(charts.unmapped(frame)["country"])
    iso3 = dict(zip(charts._destinations(frame)["country"], charts._destinations(frame)["iso3"]))
    for country, findings in destinations:
        assert (iso3[country] in drawn) != (country in named), country  # drawn, or named beside the map
    marks = [t for t in fig.data if t.type == "scattergeo"]
    flagged = {iso3[c] for c, f in destinations if f}
    assert (set(marks[0].locations) if marks else set()) == flagged
    assert all(t.marker.symbol == "x" and t.marker.size >= 8 for t in marks)  # seen in the legend too


def test_the_map_tab_names_a_destination_it_cannot_draw(tmp_path, db, monkeypatch):
    """Gibraltar (a third country since 2021) has no outline at either scale: the page names it beside the map with
    its transfers and findings, and Singapore's finding is marked on the finer outlines."""
    data = rows("transfers", t("2026-06-01", "GI", "none"), t("2026-06-02", "SG", "derogation"),
                t("2026-06-03", "SE", "eea"))
    assert ingest_file(str(write(tmp_path / "transfers.csv", data)), db).exit_code == 0
    st.cache_data.clear()
    monkeypatch.setenv("AUDIT_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"from": "2026-05-01", "to": "2026-06-30", "as_of": "2026-06-30", "view": "Map"})
    at.switch_page("app_pages/transfers.py").run()
    assert not at.exception
    [warning] = [w.value for w in at.warning if "Not drawn on the map" in w.value]
    assert "Gibraltar (GI): 1 transfer, 1 with findings" in warning and "Singapore" not in warning
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["geo"]["resolution"] == 50
    [marks] = [t for t in spec["data"] if t["type"] == "scattergeo"]
    assert sorted(marks["locations"]) == ["GIB", "SGP"]


@pytest.mark.parametrize("size", [1, 4, 100])
def test_the_disclosures_to_authorities_paged_are_the_whole_list(sample_store, size):
    """"Disclosures to authorities" is paged on the server: its pages, at any size, are the whole list, newest
    first, and each page says how many there are in all."""
    period = {"date_from": date(2025, 11, 25), "date_to": date(2026, 11, 24), "tz": "Europe/Stockholm"}
    with duckdb.connect(str(sample_store), read_only=True) as con:
        every = sql.run(con, "rpt_authority_disclosures", limit=None, offset=0, **period)
        pages = [sql.run(con, "rpt_authority_disclosures", limit=size, offset=o, **period)
                 for o in range(0, every.height + size, size)]
    assert every.height > 1 and pages[-1].is_empty()
    assert pl.concat(pages).rows() == every.rows()
    assert every["occurred_at"].to_list() == sorted(every["occurred_at"].to_list(), reverse=True)
    assert all(p["total_rows"].to_list() == [every.height] * p.height for p in pages)


@pytest.mark.parametrize("language", ["en", "sv"])
def test_the_breakdown_names_every_recipient_type_whole_beside_its_bar(language):
    """Upright bars in a half-width chart slanted the recipient types' names over each other (Swedish
    "personuppgiftsansvarig" across "personuppgiftsbiträde") and the legend took half the width: the bars lie along,
    each type's name on its own line beside its bar with room made for it, the largest on top, the legend beneath."""
    from dashboard import charts, i18n, labels

    types = ["processor", "sub_processor", "controller", "authority", "acquirer"]
    breakdown = pl.DataFrame({"recipient_type": types * 2, "mechanism": ["eea"] * 5 + ["scc"] * 5,
                              "transfers": list(range(1, 11)), "records": list(range(10, 110, 10))})
    with i18n.use(language):
        for measure in ("transfers", "records"):
            chart = charts.transfer_breakdown(breakdown, measure)
            spec = chart.to_dict()
            assert set(chart.data["recipient_type"]) == {labels.word(t) for t in types}
            y, x = spec["encoding"]["y"], spec["encoding"]["x"]
            assert y["type"] == "nominal" and x["type"] == "quantitative"  # bars along, the names down the side
            assert y["sort"] == {"field": measure, "op": "sum", "order": "descending"}  # the largest on top
            assert y["axis"]["labelLimit"] >= 7 * max(len(labels.word(t)) for t in types)  # each name whole
            assert spec["encoding"]["color"]["legend"]["orient"] == "bottom"
            # ticks written as the figures are: 3 000 000 in both languages, no "3M"
            assert x["axis"]["labelExpr"] == "join(split(format(datum.value, ','), ','), ' ')"
