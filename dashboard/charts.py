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
