"""Every rule the dashboard checks, across the logs: its severity, what it means, where its rows are shown, and
how many times it is broken in a metrics result. Also each area's status for management."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.i18n import N_, _
from dashboard.transfers import RULES as TRANSFER_RULES

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    area: str
    title: str
    page: str  # app_pages/... that shows the rows
    link: dict  # query parameters of that page's filter


REQUEST_RULES = (
    Finding("request_overdue", "high", "requests", N_("Open requests past their statutory deadline"),
            "app_pages/requests.py", {"state": "overdue"}),
    Finding("request_late", "high", "requests", N_("Requests answered after their deadline"),
            "app_pages/requests.py", {}),
    Finding("invalid_extension", "medium", "requests", N_("Extensions told after the first month (invalid)"),
            "app_pages/requests.py", {}),
    Finding("request_at_risk", "low", "requests", N_("Open requests with 5 or fewer working days left"),
            "app_pages/requests.py", {"state": "at_risk"}),
    Finding("depends_on_calendar", "medium", "requests", N_("On time only if the eves count as holidays"),
            "app_pages/requests.py", {"doubt": "calendar"}),
    Finding("identification_asked_late", "medium", "requests",
            N_("Identification asked late (no suspension of the deadline)"), "app_pages/requests.py",
            {"doubt": "identification"}),
)
HOLD_RULES = (
    Finding("hold_overdue", "high", "holds", N_("Holds past retain-until never released"), "app_pages/holds.py", {}),
    Finding("hold_kept_too_long", "medium", "holds", N_("Holds set to last longer than the law allows"),
            "app_pages/holds.py", {}),
)
CONSENT_RULES = (
    Finding("cookie_before_consent", "high", "consent", N_("Cookies set before consent"), "app_pages/consent.py", {}),
    # Banner checks (docs/consent.md): what PTS and the EDPB's taskforce name, as a consent log can show it.
    Finding("reject_may_be_hidden", "medium", "consent", N_("Reject may be missing or hidden on the first layer"),
            "app_pages/consent.py", {}),
    Finding("boxes_may_be_preticked", "medium", "consent", N_("Boxes may be pre-ticked"), "app_pages/consent.py", {}),
    Finding("withdrawal_may_be_hard", "medium", "consent", N_("Withdrawal may be hard to find"),
            "app_pages/consent.py", {}),
    Finding("unknown_cookie", "medium", "consent", N_("Cookies the policy does not name (e.g. _fbp)"),
            "app_pages/consent.py", {}),
    Finding("necessary_not_in_policy", "low", "consent",
            N_("Cookies classed necessary that the policy does not call necessary (review)"), "app_pages/consent.py",
            {}),
)
# The logs of each area. Rows of them rejected at ingest are counted nowhere else: a rule of their own, so a
# rejected row can never make an area look better than it is.
AREA_LOGS = {"requests": ("dsr_events",), "holds": ("hold_events",), "transfers": ("transfers",),
             "consent": ("consent_events", "cookie_observations")}
REJECTED_RULES = tuple(
    Finding(f"{area}_rows_rejected", "medium", area, N_("Rows rejected at ingest, counted nowhere else"),
            "app_pages/data_quality.py", {"dq_log": logs[0]})
    for area, logs in AREA_LOGS.items()
)
# Events out of order are data errors: never counted as compliant, always shown (docs/sla.md, docs/holds.md).
ORDER_RULES = (
    Finding("requests_out_of_order", "medium", "requests", N_("Requests with events before their receipt (data error)"),
            "app_pages/requests.py", {}),
    Finding("holds_out_of_order", "medium", "holds", N_("Holds released before they were placed (data error)"),
            "app_pages/holds.py", {}),
    Finding("decisions_without_shown", "low", "consent", N_("Consent decisions with no banner shown (data error)"),
            "app_pages/consent.py", {}),
)
RULES: tuple[Finding, ...] = (
    *REQUEST_RULES,
    *HOLD_RULES,
    *(Finding(r.rule_id, r.severity, "transfers", r.title, "app_pages/transfers.py", {"rule": r.rule_id})
      for r in TRANSFER_RULES.values()),
    *CONSENT_RULES,
    *REJECTED_RULES,
    *ORDER_RULES,
)
BY_RULE = {f.rule: f for f in RULES}


def title(rule: str) -> str:
    """A finding's title in the current language."""
    return _(BY_RULE[rule].title)
# The pages that show a finding's own rows first when the link names it (?finding=<rule>, ui.finding_rows).
ROWS_PAGES = frozenset({"app_pages/requests.py", "app_pages/holds.py", "app_pages/consent.py",
                        "app_pages/transfers.py", "app_pages/data_quality.py"})


def counts(metrics: dict, transfer_findings: dict[str, int], hold_kept_too_long: int) -> dict[str, int]:
    """How often each rule is broken, from a metrics result, the period's transfer findings per rule, and the holds
    kept too long (not a figure of the metrics JSON, so passed apart)."""
    r, h, c = metrics["requests"], metrics["holds"], metrics["consent"]
    out = {
        "request_overdue": r["overdue"], "request_late": r["late"], "invalid_extension": r["invalid_extensions"],
        "request_at_risk": r["at_risk"], "hold_overdue": h["overdue"], "hold_kept_too_long": hold_kept_too_long,
        "cookie_before_consent": c["cookies_before_consent"],
        "depends_on_calendar": r["depends_on_calendar"],
        "identification_asked_late": r["identification_asked_late"],
    }
    for rule in ("reject_may_be_hidden", "boxes_may_be_preticked", "withdrawal_may_be_hard",
                 "necessary_not_in_policy"):
        out[rule] = c[rule]
    out["unknown_cookie"] = c["unknown_cookies"]
    for rule in TRANSFER_RULES:
        out[rule] = transfer_findings.get(rule, 0)
    for area in AREA_LOGS:
        out[f"{area}_rows_rejected"] = metrics[area]["rejected_rows"]
    out["requests_out_of_order"] = r["out_of_order"]
    out["holds_out_of_order"] = h["out_of_order"]
    out["decisions_without_shown"] = c["decisions_without_shown"]
    return out


def listing(rule_counts: dict[str, int]) -> list[dict]:
    """[{rule, severity, count}] for every rule, most severe and most frequent first."""
    rows = [{"rule": f.rule, "severity": f.severity, "count": int(rule_counts.get(f.rule, 0))} for f in RULES]
    return sorted(rows, key=lambda x: (SEVERITY_ORDER[x["severity"]], -x["count"], x["rule"]))


# An area's status, most urgent first. Words that cannot be read as a personal data breach (GDPR Art. 33).
STATUSES = ("off track", "needs attention", "no data", "data ends", "on track")


@dataclass(frozen=True)
class AreaStatus:
    status: str  # one of STATUSES
    label: str  # as shown: the status, with the day for "data ends"
    why: str


def freshness_gaps(area: str, freshness: dict, as_of: date, grace_days: int = 0,
                   state: bool | None = None) -> tuple[bool, str | None]:
    """(no data, data ends) for an area from its logs' freshness ({log: {last_day, rows_in_period}}): no data when
    none of its logs has an event in the period (for a state, holds' or the open requests': none up to the as-of
    date); the earliest last day of a log that ends more than grace_days before the as-of date, else None."""
    logs = [freshness[log] for log in AREA_LOGS[area] if log in freshness]
    if not logs:
        return False, None
    if area == "holds" if state is None else state:
        empty = all(f["last_day"] is None for f in logs)
    else:
        empty = all(not f["rows_in_period"] for f in logs)
    ends = [f["last_day"] for f in logs if f["last_day"] is not None
            and date.fromisoformat(str(f["last_day"])) < as_of - timedelta(days=grace_days)]
    return empty, (min(str(d) for d in ends) if ends else None)


def nothing_found(statuses: dict[str, dict], titles: dict[str, str], whole: str) -> tuple[bool, str]:
    """What to say when no rule found anything, and whether it is good news. It is only where every area had data to
    judge (then whole, e.g. "No rule is broken in the period."): with no event in any log nothing was judged, and an
    area with no data, or whose log ends before the as-of date, was not judged, or only up to that day. A green "no
    rule is broken" over an empty period read as compliance."""
    gaps = [area for area, s in statuses.items() if s["status"] in ("no data", "data ends")]
    if not gaps:
        return True, whole
    if all(s["status"] == "no data" for s in statuses.values()):
        return False, _("No log has events in the period: no rule can be judged. Load the logs, or choose another "
                        "period.")
    return False, _("No rule is broken in the data loaded, but not every area can be judged: {areas}.").format(
        areas="; ".join(f"{titles[area]}: {statuses[area]['label']}" for area in gaps))


def area_status(area: str, rule_counts: dict[str, int], freshness: dict | None = None, as_of: date | None = None,
                grace_days: int = 0) -> AreaStatus:
    """An area's status for management: off track when a high-severity rule is broken, needs attention for a
    medium or low one; else no data when its logs have nothing in the period, data ends <day> when a log stops
    before the as-of date; on track only with data and nothing broken. A gap in the data is said in the why of
    every status, so a broken rule never hides it either."""
    broken = [f for f in RULES if f.area == area and rule_counts.get(f.rule, 0) > 0]
    high = [f for f in broken if f.severity == "high"]
    empty, ends = freshness_gaps(area, freshness, as_of, grace_days) if freshness and as_of else (False, None)
    if empty:
        gap = _("; no events in the period")
    elif ends:
        gap = _("; the log ends {ends}, before the as-of date {as_of}").format(ends=ends, as_of=as_of)
    else:
        gap = ""
    if broken:
        status = "off track" if high else "needs attention"
        why = "; ".join(f"{title(f.rule)}: {rule_counts[f.rule]}" for f in (high or broken)) + gap
        return AreaStatus(status, _(status), why)
    if empty:
        return AreaStatus("no data", _("no data"), _("No events in the period: nothing can be judged. Load the "
                                                     "area's logs, or choose another period."))
    if ends:
        return AreaStatus("data ends", _("data ends {day}").format(day=ends),
                          _("No rule is broken up to {ends}, but the log ends there, before the as-of date "
                            "{as_of}: later events are not loaded.").format(ends=ends, as_of=as_of))
    return AreaStatus("on track", _("on track"), _("No rule of this area is broken in the period."))
