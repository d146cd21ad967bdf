"""Plotly figure builders: polars frame in, figure out. No streamlit here."""

from __future__ import annotations

import plotly.express as px
import polars as pl


def rejections_by_reason(reasons: pl.DataFrame):
    frame = reasons.with_columns((pl.col("log_name") + "." + pl.col("column_name")).alias("field"))
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
