"""One metrics interface: the figures of every area for a period, as the pages, the CLI and the report show them.

`compute` takes a runner (name, **params) -> polars frame, so the pages pass their cached, read-only runner and the
CLI passes a plain store connection: the numbers come from the same queries either way. docs/metrics.md defines
each figure.
"""

from __future__ import annotations

from datetime import date
from typing import Callable

import polars as pl

from dashboard import consent, findings, holds, reviews, transfers
from dashboard.config import settings
from dashboard.contract import RECIPIENT_TYPES, REQUEST_TYPES
from dashboard.deadlines import period_params

Runner = Callable[..., pl.DataFrame]


def _row(frame: pl.DataFrame) -> dict:
    return frame.row(0, named=True)


def _rate(value):
    return None if value is None else round(float(value), 6)


def review_params(date_from: date, date_to: date, as_of: date) -> dict[str, dict]:
    """Each area's query parameters for the finding rows the review journal is joined to (reviews.standing)."""
    tz = settings().timezone
    return {"requests": period_params(as_of, date_from, date_to), "holds": holds.params(as_of, tz),
            "transfers": transfers.base_params(date_from, date_to, tz),
            "consent": consent.params(date_from, date_to, tz),
            "rejected": {"date_from": date_from, "date_to": date_to, "tz": tz}}


def compute(run: Runner, date_from: date, date_to: date, as_of: date, decisions: bool = True) -> dict:
    s = settings()
    tz = s.timezone
    r = _row(run("rpt_request_kpis", **period_params(as_of, date_from, date_to)))
    h = _row(run("rpt_hold_summary", **holds.params(as_of, tz)))
    tparams = {**transfers.base_params(date_from, date_to, tz), **transfers.TransferFilter().params()}
    t = _row(run("rpt_transfer_summary", **tparams))
    cparams = consent.params(date_from, date_to, tz)
    c = _row(run("rpt_consent_kpis", **cparams))
    cookie = consent.cookie_counts(run, cparams)
    transfer_findings = dict(run("rpt_transfer_findings", **tparams).select("rule_id", "transfers").iter_rows())
    rejected = dict(run("rpt_rejected_rows_by_log", date_from=date_from, date_to=date_to, tz=tz)
                    .select("log_name", "rejected_rows").iter_rows())
    result = {
        "from": date_from.isoformat(), "to": date_to.isoformat(), "as_of": as_of.isoformat(),
        "requests": {
            "received": r["received"],
            "received_by_type": {k: r[f"received_{k}"] for k in REQUEST_TYPES},
            "closed": r["closed"], "on_time": r["on_time"], "late": r["late"], "open": r["open"],
            "open_from_before": r["open_from_before"],
            "overdue": r["overdue"], "at_risk": r["at_risk"], "withdrawn": r["withdrawn"],
            "extended": r["extended"], "invalid_extensions": r["invalid_extensions"],
            "out_of_order": r["out_of_order"],
            "on_time_rate": _rate(r["on_time_rate"]),
            "due": r["due"], "missed_deadline_rate": _rate(r["missed_deadline_rate"]),
            "median_days_to_close": _rate(r["median_days_to_close"]),
            "depends_on_calendar": r["depends_on_calendar"],
            "identification_asked_late": r["identification_asked_late"],
            "doubtful": r["doubtful"],
            "awaiting_identity": r["awaiting_identity"],
            "with_internal_target": r["with_internal_target"], "met_internal_target": r["met_internal_target"],
            "internal_target_rate": _rate(r["internal_target_rate"]),
            "holiday_reading": "swedish_statute" if "de_facto" in s.holiday_categories else "strict",
            "clock_start": s.clock_start,
        },
        "holds": {"active": h["active"], "blocked_records": h["blocked_records"], "overdue": h["overdue"],
                  "release_due_90d": h["release_due_90d"], "out_of_order": h["out_of_order"]},
        "transfers": {
            "total": t["transfers"], "records": t["records"], "non_eea": t["non_eea"],
            "non_eea_without_valid_mechanism": t["non_eea_without_valid_mechanism"],
            "sale_without_consent": t["sale_without_consent"],
            "by_recipient_type": {k: t[f"to_{k}"] for k in RECIPIENT_TYPES},
        },
        "consent": {
            "shown": c["shown"], "decisions": c["decisions"], "interaction_rate": _rate(c["interaction_rate"]),
            "analytics_rate": _rate(c["analytics_rate"]), "functional_rate": _rate(c["functional_rate"]),
            "accept_all_rate": _rate(c["accept_all_rate"]), "reject_all_rate": _rate(c["reject_all_rate"]),
            "withdrawals": c["withdrawals"], "cookies_before_consent": cookie.pop("cookies_before_consent"),
            "decisions_without_shown": c["decisions_without_shown"],
            **cookie,
        },
    }
    for area, logs in findings.AREA_LOGS.items():
        result[area]["rejected_rows"] = sum(rejected.get(log, 0) for log in logs)
    rule_counts = findings.counts(result, transfer_findings, hold_kept_too_long=h["kept_too_long"])
    result["findings"] = findings.listing(rule_counts)
    fresh = run("rpt_log_freshness", date_from=date_from, date_to=date_to, as_of=as_of, tz=tz)
    result["freshness"] = {
        row["log_name"]: {"last_day": row["last_day"].isoformat() if row["last_day"] else None,
                          "rows_in_period": row["rows_in_period"]}
        for row in fresh.iter_rows(named=True)}
    # Derived tables whose refresh is still owed (docs/refresh.md): their figures may not match the logs yet.
    result["refresh_pending"] = [
        {"table": r["job"], "day_from": r["day_from"].isoformat() if r["day_from"] else None,
         "day_to": r["day_to"].isoformat() if r["day_to"] else None, "rebuild": r["rebuild"]}
        for r in run("store_refresh_pending", tz=tz).iter_rows(named=True)]
    # The review journal (docs/reviews.md): how the period's finding instances stand (without a decision, by
    # the status of the decision in force, due dates passed). Not for a comparison period (decisions=False).
    if decisions:
        result["decisions"] = reviews.standing(run, review_params(date_from, date_to, as_of), as_of, rule_counts)
    result["status"] = {
        area: vars(findings.area_status(area, rule_counts, result["freshness"], as_of, s.data_grace_days))
        for area in findings.AREA_LOGS}
    return result


def rule_counts(result: dict) -> dict[str, int]:
    return {f["rule"]: f["count"] for f in result["findings"]}
