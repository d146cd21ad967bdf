"""Plotly figure builders: polars frame in, figure out. No streamlit here."""

from __future__ import annotations

import html

import plotly.express as px
import polars as pl


def plain(frame: pl.DataFrame) -> pl.DataFrame:
    """Text from the logs as plotly shows it literally: plotly reads <a href>, <b> and entities in labels, so
    every text column is HTML-escaped (plotly decodes the entities back for display)."""
    return frame.with_columns(pl.col(pl.String).map_elements(html.escape, return_dtype=pl.String))


def rejections_by_reason(reasons: pl.DataFrame):
    frame = plain(reasons).with_columns((pl.col("log_name") + "." + pl.col("column_name")).alias("field"))
    fig = px.bar(frame, x="rejections", y="field", color="reason_kind", orientation="h",
                 labels={"rejections": "Rejected values", "field": "Log.column", "reason_kind": "Reason"},
                 title="Which fields are rejected, and why")
    fig.update_layout(showlegend=False, height=max(220, 40 * frame["field"].n_unique() + 120))
    return fig


def request_volume(volume: pl.DataFrame, grain: str):
    fig = px.bar(volume, x="period_start", y="requests", color="request_type",
                 labels={"period_start": grain.capitalize(), "requests": "Requests received",
                         "request_type": "Type"},
                 title=f"Requests received per {grain}, by type")
    fig.update_layout(barmode="stack", legend_title_text="")
    return fig


def time_to_close(distribution: pl.DataFrame):
    fig = px.bar(distribution, x="days_to_close", y="requests", color="request_type",
                 labels={"days_to_close": "Calendar days from receipt to closing", "requests": "Requests",
                         "request_type": "Type"},
                 title="How long requests took to close, by type")
    fig.update_layout(barmode="stack", legend_title_text="")
    for days, label in ((31, "≈ one month"), (92, "≈ three months (extended)")):
        fig.add_vline(x=days, line_dash="dash", line_color="#b03a2e", annotation_text=label,
                      annotation_position="top")
    return fig


def transfer_breakdown(breakdown: pl.DataFrame, measure: str):
    label = {"transfers": "Transfers", "records": "Records"}[measure]
    fig = px.bar(breakdown, x="recipient_type", y=measure, color="mechanism",
                 labels={"recipient_type": "Recipient type", measure: label, "mechanism": "Mechanism"},
                 title=f"{label} by recipient type and mechanism",
                 category_orders={"mechanism": ["eea", "adequacy", "scc", "bcr", "derogation", "none"]})
    fig.update_layout(barmode="stack")
    return fig


def non_eea_share(trend: pl.DataFrame, grain: str):
    fig = px.line(trend, x="period_start", y="non_eea_share", markers=True,
                  labels={"period_start": grain.capitalize(), "non_eea_share": "Share outside the EU/EEA"},
                  title=f"Share of transfers going outside the EU/EEA, per {grain}", hover_data=["transfers", "non_eea"])
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    return fig


def destinations_map(countries: pl.DataFrame):
    """Records per destination country on a world map (ISO-3 codes, as plotly's map wants)."""
    import pycountry

    iso3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    names = {c.alpha_2: c.name for c in pycountry.countries}
    frame = countries.with_columns(
        pl.col("country").replace_strict(iso3, default=None).alias("iso3"),
        pl.col("country").replace_strict(names, default=pl.col("country")).alias("name"),
        pl.when(pl.col("is_eea")).then(pl.lit("EU/EEA")).otherwise(pl.lit("outside EU/EEA")).alias("region"),
    )
    fig = px.choropleth(frame, locations="iso3", color="records", hover_name="name",
                        hover_data={"iso3": False, "transfers": True, "records": True, "region": True,
                                    "with_findings": True},
                        color_continuous_scale="Blues", labels={"records": "Records", "with_findings": "With findings"},
                        title="Where personal data went: records per destination country")
    fig.update_geos(showframe=False, showcoastlines=False, showland=True, landcolor="#eeeeee", showcountries=True,
                    countrycolor="#ffffff", projection_type="natural earth")
    fig.update_layout(margin={"l": 0, "r": 0, "t": 50, "b": 0})
    return fig


# Plotly fetches map outlines from a CDN by default; the app serves its own copy (dashboard/static/topojson).
MAP_CONFIG = {"topojsonURL": "app/static/topojson/"}


def blocked_records(blocked: pl.DataFrame):
    fig = px.bar(blocked, x="records", y="legal_basis", color="data_category", orientation="h",
                 labels={"records": "Blocked records", "legal_basis": "Legal basis", "data_category": "Category"},
                 title="Records blocked from erasure, by the law that keeps them")
    fig.update_layout(barmode="stack")
    return fig


def releases_due(due: pl.DataFrame):
    fig = px.bar(due, x="month", y="records", color="legal_basis",
                 labels={"month": "Month the obligation ends", "records": "Records to release",
                         "legal_basis": "Legal basis"},
                 hover_data=["holds"], title="When blocked records are due for deletion")
    fig.update_layout(barmode="stack")
    return fig


RATE_LABELS = {"interaction_rate": "Interaction", "analytics_rate": "Analytics opt-in",
               "functional_rate": "Functional opt-in", "accept_all_rate": "Accept all", "reject_all_rate": "Reject all"}


def consent_trend(trend: pl.DataFrame, grain: str, changes: pl.DataFrame):
    """Consent rates over time, with a dashed line where a new banner version was first shown."""
    rates = [c for c in ("interaction_rate", "analytics_rate", "functional_rate", "reject_all_rate") if c in trend.columns]
    long = trend.unpivot(index="period_start", on=rates, variable_name="rate", value_name="value").with_columns(
        pl.col("rate").replace_strict(RATE_LABELS))
    fig = px.line(long, x="period_start", y="value", color="rate",
                  labels={"period_start": grain.capitalize(), "value": "Rate", "rate": ""},
                  title=f"Consent rates per {grain}, with banner changes marked")
    fig.update_yaxes(tickformat=".0%", range=[0, 1])
    for row in changes.iter_rows(named=True):
        fig.add_vline(x=row["first_day"], line_dash="dash", line_color="#6c757d")
        fig.add_annotation(x=row["first_day"], y=1, yref="y", text=html.escape(str(row["banner_version"])),
                           showarrow=False, xanchor="left", font={"size": 10})
    return fig


def consent_breakdown(breakdown: pl.DataFrame, dimension: str):
    long = plain(breakdown).unpivot(index="value", on=["analytics_rate", "functional_rate", "reject_all_rate"],
                             variable_name="rate", value_name="share").with_columns(
        pl.col("rate").replace_strict(RATE_LABELS))
    fig = px.bar(long, x="value", y="share", color="rate", barmode="group",
                 labels={"value": dimension.replace("_", " ").capitalize(), "share": "Share of decisions", "rate": ""},
                 title=f"Opt-in and reject-all by {dimension.replace('_', ' ')}")
    fig.update_yaxes(tickformat=".0%")
    return fig


def change_effect(effect: pl.DataFrame):
    long = effect.unpivot(index="side", on=list(RATE_LABELS), variable_name="rate", value_name="value").with_columns(
        pl.col("rate").replace_strict(RATE_LABELS))
    fig = px.bar(long, x="rate", y="value", color="side", barmode="group",
                 category_orders={"side": ["before", "after"]},
                 labels={"rate": "", "value": "Rate", "side": ""}, title="Before and after the banner change")
    fig.update_yaxes(tickformat=".0%")
    return fig


def access_events(daily: pl.DataFrame):
    fig = px.bar(daily, x="occurred_day", y="events", color="event",
                 labels={"occurred_day": "Day", "events": "Entries", "event": "Event"},
                 title="Who used the dashboard: access-log entries per day")
    fig.update_layout(barmode="stack", legend_title_text="")
    fig.update_xaxes(tickformat="%Y-%m-%d", dtick=86_400_000 if daily["occurred_day"].n_unique() < 15 else None)
    return fig
