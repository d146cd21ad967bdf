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
