"""Cookie consent: the cookie inventory (dashboard/data/cookie_inventory.csv) and the consent queries' parameters."""

from __future__ import annotations

import csv
import functools
from datetime import date
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DIMENSIONS = ("banner_version", "device", "browser", "country")


@functools.cache
def inventory() -> tuple[dict, ...]:
    with open(DATA / "cookie_inventory.csv", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


# The inventory's own words (provider, purpose, lifetime, source), written in each language in its file: English in
# the plain columns, Swedish in the columns ending _sv.
WORDED = ("provider", "purpose", "lifetime", "source")


def inventory_in(language: str) -> list[dict]:
    """The inventory as the page shows it in `language`: its own words in that language (English where the file has
    none in it), the codes as they are."""
    from dashboard.i18n import LANGUAGES

    other = {f"{k}_{lang}" for k in WORDED for lang in LANGUAGES}  # (the words in another language go)
    return [{k: ((c.get(f"{k}_{language}") or v) if k in WORDED else v) for k, v in c.items() if k not in other}
            for c in inventory()]


def params(date_from: date, date_to: date, tz: str, group_by: str = "all", change_day: date | None = None) -> dict:
    """Parameters of the consent queries; group_by and change_day choose the grouping of rpt_consent_rates."""
    return {
        "date_from": date_from, "date_to": date_to, "tz": tz, "group_by": group_by, "change_day": change_day,
        "inventory": [{"cookie_name": c["cookie_name"], "match": c["match"], "category": c["category"],
                       "policy_category": c["policy_category"] or None} for c in inventory()],
    }


@functools.cache
def banner_thresholds() -> dict[str, float]:
    """The banner checks' thresholds (dashboard/data/banner_checks.csv) as the queries' parameters."""
    with open(DATA / "banner_checks.csv", encoding="utf-8") as fh:
        rows = {(r["check"], r["parameter"]): float(r["value"]) for r in csv.DictReader(fh)}
    return {
        "max_reject_share": rows["reject_hidden", "max_reject_all_share"],
        "min_accept_share": rows["reject_hidden", "min_accept_all_share"],
        "min_decisions": int(rows["reject_hidden", "min_decisions"]),
        "min_all_granted_share": rows["preticked", "min_all_granted_share"],
        "min_custom": int(rows["preticked", "min_custom_decisions"]),
        "window_days": int(rows["withdrawal_hard", "window_days"]),
        "min_window_decisions": int(rows["withdrawal_hard", "min_decisions"]),
    }


def banner_checks(run, query_params: dict, summary=None) -> dict:
    """The consent-banner checks for the period (docs/consent.md): the versions, the withdrawal window and the
    necessary cookies the policy does not call necessary (from rpt_cookie_summary, run unless given), each as its
    rows and a count."""
    import polars as pl

    p = {**query_params, **banner_thresholds()}
    summary = run("rpt_cookie_summary", **p) if summary is None else summary
    unnamed = summary.filter((pl.col("category") == "necessary")
                             & pl.col("policy_category").fill_null("").ne("necessary"))
    versions, withdrawal = _banner_rows(run, p)
    return {"versions": versions, "withdrawal": withdrawal, "necessary_not_in_policy": unnamed,
            "counts": {**_banner_counts(versions, withdrawal), "necessary_not_in_policy": unnamed.height}}


def _banner_rows(run, p: dict):
    return run("rpt_banner_checks", **p), run("rpt_withdrawal_check", **p).row(0, named=True)


def _banner_counts(versions, withdrawal: dict) -> dict[str, int]:
    return {"reject_may_be_hidden": int(versions["reject_may_be_hidden"].sum()),
            "boxes_may_be_preticked": int(versions["boxes_may_be_preticked"].sum()),
            "withdrawal_may_be_hard": int(bool(withdrawal["withdrawal_may_be_hard"]))}


def before_consent_page(run, query_params: dict, limit: int | None, offset: int = 0):
    """A page of the cookie-before-consent rows, newest first, and how many the period has: (frame, total). The
    daily counts say from which day the page's rows lie, so a page of a year reads only its last days."""
    total = cookies_before_consent(run, query_params)
    first = run("rpt_cookies_before_consent_start", limit=limit, offset=offset, **query_params)["first_day"][0]
    rows = run("rpt_cookies_before_consent", limit=limit, offset=offset,
               **{**query_params, "date_from": max(query_params["date_from"], first)})
    return rows, total


def finding_rows(run, rule: str, query_params: dict, limit: int | None = None):
    """The rows a consent finding counts, from the queries that count them (cookie_counts), and how many there are:
    (frame, total). Only cookie-before-consent rows can be many; limit pages them. The Cookie consent page's "Show
    the rows" and the review journal (reviews.rows_of) read them here."""
    import polars as pl

    if rule == "cookie_before_consent":
        return before_consent_page(run, query_params, limit)
    if rule == "decisions_without_shown":
        rows = run("rpt_decisions_without_shown", **query_params)
    elif rule == "unknown_cookie":
        rows = run("rpt_cookie_summary", **query_params).filter(pl.col("category") == "unknown")
    else:  # the banner checks (run only for their own findings)
        checks = banner_checks(run, query_params)
        if rule == "withdrawal_may_be_hard":
            rows = pl.DataFrame([checks["withdrawal"]]).filter(pl.col(rule))
        elif rule == "necessary_not_in_policy":
            rows = checks["necessary_not_in_policy"]
        else:  # reject_may_be_hidden, boxes_may_be_preticked
            rows = checks["versions"].filter(pl.col(rule))
    return rows, rows.height


def cookie_counts(run, query_params: dict) -> dict[str, int]:
    """The consent figures of the metrics that need no rows: cookies before consent and the banner checks' counts
    (necessary cookies the policy does not call necessary counted with the first, in one pass)."""
    row = run("rpt_cookie_before_consent_count", **query_params).row(0, named=True)
    versions, withdrawal = _banner_rows(run, {**query_params, **banner_thresholds()})
    return {"cookies_before_consent": int(row["before_consent"]), **_banner_counts(versions, withdrawal),
            "necessary_not_in_policy": int(row["necessary_not_in_policy"]),
            "unknown_cookies": int(row["unknown_cookies"])}


def trend_frame(rates):
    """rpt_consent_rates grouped by day or week, with the group as a date column for charts."""
    import polars as pl

    return rates.with_columns(pl.col("group_key").str.to_date().alias("period_start"))


def cookies_before_consent(run, query_params: dict) -> int:
    """How many observations in the period the cookie-before-consent rule flags."""
    return int(run("rpt_cookie_before_consent_count", **query_params)["before_consent"][0])
