"""Words and colours for the codes of the logs: one word per code and one fixed colour per category on every page,
chart, table and report. No streamlit here.

Colours: category colours come from Paul Tol's colour-blind-safe "muted" and "bright" schemes without their reds
and oranges, which are kept for problems only (red: a rule broken; orange: needs attention), so a colour never
says "problem" by accident. https://personal.sron.nl/~pault/
"""

from __future__ import annotations

# Problems only.
RED = "#B2182B"
ORANGE = "#D9822B"
# Categories (Tol muted/bright, reds and oranges left out), in the order categories take them.
CATEGORY = ("#332288", "#44AA99", "#88CCEE", "#117733", "#AA4499", "#999933", "#4477AA", "#DDCC77", "#777777")
GREY = "#777777"

WORDS = {
    # request states
    "at_risk": "at risk", "on_time": "on time", "awaiting_identity": "awaiting identity", "outside_sla": "withdrawn",
    # recipients, bases, mechanisms
    "sub_processor": "sub-processor", "legal_obligation": "legal obligation",
    "legitimate_interest": "legitimate interest", "eea": "EU/EEA", "adequacy": "adequacy decision",
    "scc": "standard contractual clauses", "bcr": "binding corporate rules", "derogation": "derogation (Art. 49)",
    "none": "no safeguard", "safe_harbour": "Safe Harbour (invalid)", "privacy_shield": "Privacy Shield (invalid)",
    # holds
    "bookkeeping_act": "Bookkeeping Act", "tax_procedure_act": "Tax Procedure Act", "aml_act": "AML Act",
    "consumer_law": "consumer law", "aml_kyc": "AML/KYC",
    # purposes and categories
    "service_delivery": "service delivery", "credit_check": "credit check", "law_enforcement": "law enforcement",
    "aml_report": "AML report", "goods_services": "goods and services",
    # consent
    "accept_all": "accept all", "reject_all": "reject all",
    # access log
    "sign_in": "sign-in", "sign_out": "sign-out", "page_view": "page view", "denied": "refused",
}

# The columns whose values are codes (shown as words on screen; exports keep the codes, which are stable).
CODE_COLUMNS = frozenset({
    "sla_status", "request_type", "channel", "recipient_type", "legal_basis", "mechanism", "purpose",
    "data_category", "category", "event", "action", "outcome", "state", "device", "policy_category",
})


def word(code) -> str:
    """The word for a code (the code itself when it has none); None stays empty."""
    if code is None:
        return ""
    return WORDS.get(code, str(code).replace("_", " "))


# One fixed colour per category value, by dimension: the same request type has the same colour on every chart.
_ORDER = {
    "request_type": ("access", "rectification", "erasure", "objection", "restriction", "portability"),
    "legal_basis": ("bookkeeping_act", "tax_procedure_act", "aml_act", "consumer_law", "other",
                    "contract", "legal_obligation", "consent", "legitimate_interest"),
    "data_category": ("bookkeeping", "payment", "credit", "contract", "aml_kyc", "other"),
    "rate": ("interaction_rate", "analytics_rate", "functional_rate", "accept_all_rate", "reject_all_rate"),
    "event": ("page_view", "sign_in", "sign_out", "export"),
    "side": ("before", "after"),
}
_FIXED = {
    # mechanisms: valid safeguards in calm colours; none and the invalidated schemes are problems
    "mechanism": {"eea": CATEGORY[3], "adequacy": CATEGORY[1], "scc": CATEGORY[0], "bcr": CATEGORY[4],
                  "derogation": CATEGORY[5], "none": RED, "safe_harbour": ORANGE, "privacy_shield": ORANGE},
    "event": {"denied": RED},
}


def colour(dimension: str, code: str) -> str:
    fixed = _FIXED.get(dimension, {})
    if code in fixed:
        return fixed[code]
    order = _ORDER.get(dimension, ())
    if code in order:
        return CATEGORY[order.index(code) % len(CATEGORY)]
    return GREY


def colour_map(dimension: str, codes) -> dict[str, str]:
    """{word: colour} for the codes of a dimension, as plotly's color_discrete_map wants once words are shown."""
    return {word(c): colour(dimension, c) for c in codes}


# One name and one definition (with its unit) per figure, on every page, in the report and beside the JSON keys of
# `metrics --json` (docs/metrics.md holds the same definitions). (name, definition)
FIGURES = {
    "requests": {
        "received": ("Received", "Requests whose received event falls in the period. Count of requests."),
        "closed": ("Closed", "Requests received in the period that were completed or rejected. Count."),
        "on_time": ("Closed on time", "Closed on or before the deadline day. Count."),
        "late": ("Closed late", "Closed after the deadline day. Count."),
        "open": ("Open", "Neither closed nor withdrawn on the as-of date, whatever the receipt day. Count."),
        "overdue": ("Overdue", "Open and past the statutory deadline on the as-of date, whatever the receipt day. "
                               "Count."),
        "at_risk": ("At risk", "Open with few working days left (AUDIT_AT_RISK_DAYS) on the as-of date. Count."),
        "awaiting_identity": ("Awaiting identity", "Open, identification asked in time and not yet answered: the "
                                                   "clock is suspended. Count."),
        "withdrawn": ("Withdrawn", "Withdrawn by the subject (outside the deadline rules). Count."),
        "extended": ("Validly extended", "Extended on or before the one-month deadline. Count."),
        "invalid_extensions": ("Invalid extensions", "Extended after the one-month deadline. Count."),
        "on_time_rate": ("On-time rate", "Closed on time / closed. Closed requests only: read it beside Missed "
                                         "deadline. Percent."),
        "missed_deadline_rate": ("Missed deadline", "Late or overdue / requests whose deadline has passed by the "
                                                    "as-of date. Percent."),
        "internal_target_rate": ("Met internal target", "Closed on or before the internal due date / closed "
                                                        "requests with a target. Percent."),
        "depends_on_calendar": ("On time only if the eves count as holidays",
                                "On time only if midsummer, Christmas and New Year's eves count as holidays (or "
                                "the reverse): listed under Doubtful verdicts. Count."),
        "identification_asked_late": ("Identification asked late",
                                      "Identification asked more than AUDIT_ASK_ID_WITHIN_DAYS working days after "
                                      "receipt: nothing is suspended. Count."),
        "median_days_to_close": ("Median days to close", "Median calendar days from receipt to closing, of closed "
                                                         "requests. Days."),
        "p90_days_to_close": ("90th percentile days to close", "Nine in ten closed requests were closed within this "
                                                               "many calendar days. Days."),
        "rejected_rows": ("Rows rejected at ingest", "Rows of the area's logs refused at ingest, counted nowhere "
                                                     "else. Count of rows."),
        "out_of_order": ("Events before receipt", "Requests with an event dated before their receipt (data "
                                                  "errors). Count."),
    },
    "holds": {
        "active": ("Active holds", "Placed and not released on the as-of date. Count of holds."),
        "blocked_records": ("Blocked records", "Records under the active holds, blocked from every other use. "
                                               "Count of records."),
        "overdue": ("Overdue for release", "Active holds whose retain-until date has passed: the records should "
                                           "have been deleted. Count of holds."),
        "release_due_90d": ("Due for release within 90 days", "Active holds whose retain-until date falls in the "
                                                              "next 90 days. Count of holds."),
        "kept_too_long": ("Kept too long", "Active holds set to last longer than their legal basis allows. Count."),
        "rejected_rows": ("Rows rejected at ingest", "Rows of the hold log refused at ingest. Count of rows."),
        "out_of_order": ("Released before placed", "Holds released before they were placed (data errors). Count."),
    },
    "transfers": {
        "total": ("Transfers", "Disclosures to another party in the period. Count of transfers."),
        "records": ("Records", "Records disclosed by those transfers. Count of records."),
        "non_eea": ("Outside EU/EEA", "Transfers to a country outside the EU/EEA. Count of transfers."),
        "non_eea_without_valid_mechanism": (
            "Outside EU/EEA without a valid safeguard",
            "Outside the EU/EEA with no safeguard, or one not valid that day (an adequacy decision not in force, "
            "Privacy Shield, Safe Harbour, 'eea' claimed for a third country). Count of transfers."),
        "sale_without_consent": ("Sales without consent", "Purpose 'sale' with a legal basis other than consent. "
                                                          "Count of transfers."),
        "with_findings": ("Transfers with findings", "Transfers that break at least one rule. Count."),
        "rejected_rows": ("Rows rejected at ingest", "Rows of the transfer log refused at ingest. Count of rows."),
    },
    "consent": {
        "shown": ("Banner shown", "Banner impressions in the period. Count."),
        "decisions": ("Decisions", "Accept all, reject all and custom decisions. Count."),
        "interaction_rate": ("Interaction", "Visitors shown the banner who decided / visitors shown the banner. "
                                            "Percent."),
        "analytics_rate": ("Analytics opt-in", "Decisions granting analytics / decisions. Percent."),
        "functional_rate": ("Functional opt-in", "Decisions granting functional cookies / decisions. Percent."),
        "accept_all_rate": ("Accept all", "Accept-all decisions / decisions. Percent."),
        "reject_all_rate": ("Reject all", "Reject-all decisions / decisions. Percent."),
        "withdrawals": ("Withdrawals", "Consent withdrawn. Count of events."),
        "cookies_before_consent": ("Cookies before consent", "Observations of an analytics or functional cookie "
                                                             "when the visitor's latest decision did not allow it. "
                                                             "Count of observations."),
        "unknown_cookies": ("Cookies the policy does not name", "Distinct cookies seen in the period that neither "
                                                                "the policy nor the inventory names. Count."),
        "reject_may_be_hidden": ("Banner versions where reject may be hidden", "Count of banner versions."),
        "boxes_may_be_preticked": ("Banner versions with boxes that may be pre-ticked", "Count of banner versions."),
        "withdrawal_may_be_hard": ("Withdrawal may be hard to find", "1 = yes, 0 = no."),
        "necessary_not_in_policy": ("Necessary cookies the policy does not call necessary", "Count of cookies."),
        "rejected_rows": ("Rows rejected at ingest", "Rows of the consent logs refused at ingest. Count of rows."),
        "decisions_without_shown": ("Decisions with no banner shown", "Decisions by visitors with no banner shown "
                                                                      "in the period (data errors). Count."),
    },
}


def name(area: str, key: str) -> str:
    return FIGURES[area][key][0]


def definition(area: str, key: str) -> str:
    return FIGURES[area][key][1]
