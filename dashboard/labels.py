"""Words and colours for the codes of the logs: one word per code and one fixed colour per category on every page,
chart, table and report. No streamlit here.

Colours: category colours come from Paul Tol's colour-blind-safe "muted" and "bright" schemes without their reds
and oranges, which are kept for problems only (red: a rule broken; orange: needs attention), so a colour never
says "problem" by accident. https://personal.sron.nl/~pault/
"""

from __future__ import annotations

from dashboard.i18n import N_, _

# Problems only.
RED = "#B2182B"
ORANGE = "#D9822B"
# Categories (Tol muted/bright, reds and oranges left out), in the order categories take them.
CATEGORY = ("#332288", "#44AA99", "#88CCEE", "#117733", "#AA4499", "#999933", "#4477AA", "#DDCC77", "#777777")
GREY = "#777777"

WORDS = {
    # request types (the Swedish words are the GDPR's and the policy's: registerutdrag, rättelse, radering, ...)
    "access": N_("access"), "rectification": N_("rectification"), "erasure": N_("erasure"),
    "objection": N_("objection"),
    "restriction": N_("restriction"), "portability": N_("portability"),
    # request events and channels
    "received": N_("received"), "identity_requested": N_("identity requested"),
    "identity_verified": N_("identity verified"),
    "extended": N_("extended"), "completed": N_("completed"), "rejected": N_("rejected"),
    "withdrawn": N_("withdrawn"),
    "email": N_("e-mail"), "web": N_("web"), "letter": N_("letter"), "phone": N_("phone"),
    # request states
    "at_risk": N_("at risk"), "on_time": N_("on time"), "awaiting_identity": N_("awaiting identity"),
    "pending": N_("pending"),
    "outside_sla": N_("withdrawn"),
    "open": N_("open"), "overdue": N_("overdue"), "late": N_("late"), "closed": N_("closed"),
    # recipients, bases, mechanisms
    "processor": N_("processor"), "sub_processor": N_("sub-processor"), "authority": N_("authority"),
    "acquirer": N_("acquirer"),
    "controller": N_("controller"), "contract": N_("contract"), "consent": N_("consent"),
    "legal_obligation": N_("legal obligation"),
    "legitimate_interest": N_("legitimate interest"), "eea": N_("EU/EEA"), "adequacy": N_("adequacy decision"),
    "scc": N_("standard contractual clauses"), "bcr": N_("binding corporate rules"),
    "derogation": N_("derogation (Art. 49)"),
    "none": N_("no safeguard"), "safe_harbour": N_("Safe Harbour (invalid)"),
    "privacy_shield": N_("Privacy Shield (invalid)"),
    # holds
    "placed": N_("placed"), "released": N_("released"),
    "bookkeeping_act": N_("Bookkeeping Act"), "tax_procedure_act": N_("Tax Procedure Act"), "aml_act": N_("AML Act"),
    "consumer_law": N_("consumer law"), "aml_kyc": N_("AML/KYC"), "bookkeeping": N_("bookkeeping"),
    "credit": N_("credit"),
    "other": N_("other"),
    # purposes and categories
    "service_delivery": N_("service delivery"), "credit_check": N_("credit check"),
    "law_enforcement": N_("law enforcement"),
    "aml_report": N_("AML report"), "goods_services": N_("goods and services"), "invoicing": N_("invoicing"),
    "payment": N_("payment"), "support": N_("support"), "hosting": N_("hosting"), "analytics": N_("analytics"),
    "marketing": N_("marketing"), "tax": N_("tax"), "divestiture": N_("divestiture"), "sale": N_("sale"),
    "contact": N_("contact"),
    "identity": N_("identity"), "financial": N_("financial"), "interaction": N_("interaction"),
    "device": N_("device"),
    "location": N_("location"),
    # consent and cookies
    "shown": N_("banner shown"), "accept_all": N_("accept all"), "reject_all": N_("reject all"),
    "custom": N_("custom"), "no_decision": N_("no decision yet"),
    "withdraw": N_("withdraw"), "desktop": N_("desktop"), "mobile": N_("mobile"), "tablet": N_("tablet"),
    "necessary": N_("necessary"), "functional": N_("functional"), "unknown": N_("unknown"),
    # how the cookie inventory matches a name (its match column)
    "exact": N_("exact name"), "prefix": N_("name prefix"),
    # statuses of an area, decisions of the review journal, severities
    "off track": N_("off track"), "needs attention": N_("needs attention"), "no data": N_("no data"),
    "data ends": N_("data ends"),
    "on track": N_("on track"), "in progress": N_("in progress"), "resolved": N_("resolved"),
    "accepted risk": N_("accepted risk"),
    "not an issue": N_("not an issue"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
    # roles
    "dpo": N_("DPO"), "management": N_("management"), "staff": N_("staff"),
    # access log
    "sign_in": N_("sign-in"), "sign_out": N_("sign-out"), "page_view": N_("page view"), "denied": N_("refused"),
    "export": N_("export"), "decision": N_("decision"),
    # why an event is an orphan (dq_orphan_events.problem)
    "request has no received event": N_("request has no received event"),
    "hold was never placed": N_("hold was never placed"),
    # the outcome of an ingest run
    "loaded": N_("loaded"), "refused": N_("refused (nothing stored)"), "unloaded": N_("unloaded"),
    # why a verdict is doubtful (rpt_requests_doubtful.why)
    "holiday reading": N_("holiday reading"), "identification asked late": N_("identification asked late"),
    "holiday reading; identification asked late": N_("holiday reading; identification asked late"),
    # the derived tables, each kept by its refresh job (docs/refresh.md)
    "cookie_consent": N_("cookies with the consent in force"), "request_rollup": N_("requests, one row each"),
    "hold_rollup": N_("legal holds, one row each"),
    "consent_daily": N_("banner counts per day"), "cookie_daily": N_("cookies per day"),
    "log_days": N_("events per log and day"), "transfer_daily": N_("transfers per day"),
}

# Columns whose name alone would name their concept in two ways: one header on every page and in the report.
HEADERS = {
    # days after the deadline day: of a request closed late and of one still open past it ("late" and "overdue")
    "days_late": N_("Days past deadline"),
}


def column(name: str, own: dict[str, str] | None = None) -> str:
    """A column's header in the current language: the page's own label (own), else the one name of its concept
    (HEADERS), else the column's name as words ("received_day" is "Received day", "is_eea" is "Eea"; every such
    name is in COLUMNS, so in the catalogue)."""
    if own and name in own:
        return _(own[name])
    if name in HEADERS:
        return _(HEADERS[name])
    text = name.replace("_", " ")
    for prefix in ("is ", "has "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return _(text[:1].upper() + text[1:])


# Table headers made from a column's name (labels.column: "received_day" is "Received day"), listed so the
# catalogue holds them; a page's own labels (ui.table's labels) are marked where the page names them.
COLUMNS = (
    N_("Accept all"),
    N_("Accept all rate"),
    N_("Accept all share"),
    N_("Analytics"),
    N_("Analytics rate"),
    N_("Banner version"),
    N_("Before consent"),
    N_("Boxes may be preticked"),
    N_("Browser"),
    N_("Calendar days left"),
    N_("Category"),
    N_("Channel"),
    N_("Closed day"),
    N_("Column name"),
    N_("Consent at"),
    N_("Consent in force"),
    N_("Cookie name"),
    N_("Count"),
    N_("Country"),
    N_("Custom"),
    N_("Custom all granted share"),
    N_("Data categories"),
    N_("Data category"),
    N_("Days overdue"),
    N_("Days since previous"),
    N_("Days too long"),
    N_("Deadline"),
    N_("Decision"),
    N_("Decisions"),
    N_("Detail"),
    N_("Device"),
    N_("Event"),
    N_("Event id"),
    N_("Extended"),
    N_("Extended day"),
    N_("File"),
    N_("Findings"),
    N_("Finished at"),
    N_("First day"),
    N_("Format"),
    N_("Functional"),
    N_("Functional rate"),
    N_("Hold id"),
    N_("Holds"),
    N_("Holds released"),
    N_("How"),
    N_("Interaction"),
    N_("Interaction rate"),
    N_("Invalid extension"),
    N_("Kind"),
    N_("Last day"),
    N_("Last note"),
    N_("Last release"),
    N_("Last withdrawal"),
    N_("Latest allowed"),
    N_("Legal basis"),
    N_("Lifetime"),
    N_("Log name"),
    N_("Match"),
    N_("Mechanism"),
    N_("Mode"),
    N_("Name"),
    N_("Non eea"),
    N_("Note"),
    N_("Observations"),
    N_("Observed at"),
    N_("Occurred at"),
    N_("Opened"),
    N_("Out of order"),
    N_("Outcome"),
    N_("Page"),
    N_("Placed day"),
    N_("Policy category"),
    N_("Previous day"),
    N_("Previous request id"),
    N_("Problem"),
    N_("Provider"),
    N_("Purpose"),
    N_("Reason"),
    N_("Received day"),
    N_("Recipient"),
    N_("Recipient type"),
    N_("Record count"),
    N_("Records"),
    N_("Records still blocked"),
    N_("Ref id"),
    N_("Reference"),
    N_("Reject all"),
    N_("Reject all rate"),
    N_("Reject all share"),
    N_("Reject may be hidden"),
    N_("Request id"),
    N_("Request type"),
    N_("Requests"),
    N_("Retain until"),
    N_("Role"),
    N_("Row count"),
    N_("Row number"),
    N_("Rows accepted"),
    N_("Rows duplicate"),
    N_("Rows read"),
    N_("Rows rejected"),
    N_("Rule"),
    N_("Run id"),
    N_("Seconds"),
    N_("Shown"),
    N_("Side"),
    N_("Sla status"),
    N_("Source"),
    N_("Started at"),
    N_("Status"),
    N_("Subject ref"),
    N_("Transfer id"),
    N_("Transfers"),
    N_("User email"),
    N_("Value"),
    N_("Visitor ref"),
    N_("Visitor days"),
    N_("Window from"),
    N_("Withdrawal case"),
    N_("Withdrawal may be hard"),
    N_("Withdrawals"),
    N_("Withdrawn"),
    N_("Working days left"),
)

# The logs, named for people (the contract's names are the tables').
LOGS = {"dsr_events": N_("data subject requests"), "hold_events": N_("legal holds"), "transfers": N_("transfers"),
        "consent_events": N_("consent events"), "cookie_observations": N_("cookie observations")}


def log_name(log: str) -> str:
    return _(LOGS[log]) if log in LOGS else log.replace("_", " ")


# The columns whose values are codes (shown as words on screen; exports keep the codes, which are stable).
CODE_COLUMNS = frozenset({
    "sla_status", "request_type", "channel", "recipient_type", "legal_basis", "mechanism", "purpose",
    "data_category", "category", "event", "action", "outcome", "state", "device", "policy_category", "why",
    "consent_in_force", "problem", "log_name", "match", "role",
})
# The columns whose values are lists of codes, separated by ';' (each code shown as its word, the list by commas).
CODE_LIST_COLUMNS = frozenset({"data_categories"})


def word(code) -> str:
    """The word for a code in the current language (a log's name for a log; the code itself when it has none);
    None stays empty."""
    if code is None:
        return ""
    if code in WORDS:
        return _(WORDS[code])
    return _(LOGS[code]) if code in LOGS else str(code).replace("_", " ")


def glossary_markdown() -> str:
    """docs/glossary.md: every code the logs use, with its word in English and in Swedish (the GDPR's and the
    policy's Swedish terms), as the pages, the report and the exports show them. `make i18n-update` rewrites it; a
    test checks it is current."""
    from dashboard import i18n

    rows = []
    for code in WORDS:
        with i18n.use("sv"):
            sv = word(code)
        with i18n.use("en"):
            en = word(code)
        rows.append(f"| `{code}` | {en} | {sv} |")
    return ("# Glossary: the logs' codes in English and Swedish\n\n"
            "Written by `make i18n-update` from `dashboard/labels.py` (the codes and their English words) and the "
            "Swedish catalogue `dashboard/locale/sv/LC_MESSAGES/messages.po`. The Swedish terms follow the Swedish "
            "text of the GDPR and of the privacy policy (registerutdrag, rättelse, radering, invändning, "
            "begränsning, dataportabilitet, personuppgiftsbiträde, tredjeland, lämplig skyddsåtgärd, "
            "standardavtalsklausuler, samtycke). docs/i18n.md says how the languages work.\n\n"
            "| code | English | Svenska |\n|---|---|---|\n" + "\n".join(rows) + "\n")


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
        "received": (N_("Received"), N_("Requests whose received event falls in the period. Count of requests.")),
        "closed": (N_("Closed"), N_("Requests received in the period that were completed or rejected. Count.")),
        "on_time": (N_("Closed on time"), N_("Closed on or before the deadline day. Count.")),
        "late": (N_("Closed late"), N_("Closed after the deadline day. Count.")),
        "open": (N_("Open"), N_("Neither closed nor withdrawn on the as-of date, whatever the receipt day. Count.")),
        "overdue": (N_("Overdue"), N_("Open and past the statutory deadline on the as-of date, whatever the receipt day. "
                               "Count.")),
        "at_risk": (N_("At risk"), N_("Open with few working days left (AUDIT_AT_RISK_DAYS) on the as-of date. Count.")),
        "awaiting_identity": (N_("Awaiting identity"), N_("Open, identification asked in time and not yet answered: the "
                                                   "clock is suspended. Count.")),
        "withdrawn": (N_("Withdrawn"), N_("Withdrawn by the subject (outside the deadline rules). Count.")),
        "extended": (N_("Validly extended"), N_("Extended on or before the one-month deadline. Count.")),
        "invalid_extensions": (N_("Invalid extensions"), N_("Extended after the one-month deadline. Count.")),
        "on_time_rate": (N_("On-time rate"), N_("Closed on time / closed. Closed requests only: read it beside Missed "
                                         "deadline. Percent.")),
        "missed_deadline_rate": (N_("Missed deadline"), N_("Late or overdue / requests whose deadline has passed by the "
                                                    "as-of date. Percent.")),
        "internal_target_rate": (N_("Met internal target"), N_("Closed on or before the internal due date / closed "
                                                        "requests with a target. Percent.")),
        "depends_on_calendar": (N_("On time only if the eves count as holidays"),
                                N_("On time only if midsummer, Christmas and New Year's eves count as holidays (or "
                                "the reverse): listed under Doubtful verdicts. Count.")),
        "identification_asked_late": (N_("Identification asked late"),
                                      N_("Identification asked more than AUDIT_ASK_ID_WITHIN_DAYS working days after "
                                      "receipt: nothing is suspended. Count.")),
        "doubtful": (N_("Doubtful verdicts"), N_("On time only if the eves count as holidays (or the reverse), or "
                                                 "identification asked late, or both: the requests Doubtful verdicts "
                                                 "lists. Count.")),
        "median_days_to_close": (N_("Median days to close"), N_("Median calendar days from receipt to closing, of closed "
                                                         "requests. Days.")),
        "p90_days_to_close": (N_("90th percentile days to close"), N_("Nine in ten closed requests were closed within this "
                                                               "many calendar days. Days.")),
        "rejected_rows": (N_("Rows rejected at ingest"), N_("Rows of the area's logs refused at ingest, counted nowhere "
                                                     "else. Count of rows.")),
        "out_of_order": (N_("Events before receipt"), N_("Requests with an event dated before their receipt (data "
                                                  "errors). Count.")),
    },
    "holds": {
        "active": (N_("Active holds"), N_("Placed and not released on the as-of date. Count of holds.")),
        "blocked_records": (N_("Blocked records"), N_("Records under the active holds, blocked from every other use. "
                                               "Count of records.")),
        "overdue": (N_("Overdue for release"), N_("Active holds whose retain-until date has passed: the records should "
                                           "have been deleted. Count of holds.")),
        "release_due_90d": (N_("Due for release within 90 days"), N_("Active holds whose retain-until date falls in the "
                                                              "next 90 days. Count of holds.")),
        "kept_too_long": (N_("Kept too long"), N_("Active holds set to last longer than their legal basis allows. Count.")),
        "rejected_rows": (N_("Rows rejected at ingest"), N_("Rows of the hold log refused at ingest. Count of rows.")),
        "out_of_order": (N_("Released before placed"), N_("Holds released before they were placed (data errors). Count.")),
    },
    "transfers": {
        "total": (N_("Transfers"), N_("Disclosures to another party in the period. Count of transfers.")),
        "records": (N_("Records"), N_("Records disclosed by those transfers. Count of records.")),
        "non_eea": (N_("Outside EU/EEA"), N_("Transfers to a country outside the EU/EEA. Count of transfers.")),
        "non_eea_without_valid_mechanism": (
            N_("Outside EU/EEA without a valid safeguard"),
            N_("Outside the EU/EEA with no safeguard, or one not valid that day (an adequacy decision not in force, "
            "Privacy Shield, Safe Harbour, 'eea' claimed for a third country). Count of transfers.")),
        "sale_without_consent": (N_("Sales without consent"), N_("Purpose 'sale' with a legal basis other than consent. "
                                                          "Count of transfers.")),
        "with_findings": (N_("Transfers with findings"), N_("Transfers that break at least one rule. Count.")),
        "rejected_rows": (N_("Rows rejected at ingest"), N_("Rows of the transfer log refused at ingest. Count of rows.")),
    },
    "consent": {
        "shown": (N_("Banner shown"), N_("Banner impressions in the period. Count.")),
        "decisions": (N_("Decisions"), N_("Accept all, reject all and custom decisions. Count.")),
        "interaction_rate": (N_("Interaction"), N_("Visits with the banner shown and a decision / visits with the "
                                            "banner shown (a visit: one visitor on one day). Percent.")),
        "analytics_rate": (N_("Analytics opt-in"), N_("Decisions granting analytics / decisions. Percent.")),
        "functional_rate": (N_("Functional opt-in"), N_("Decisions granting functional cookies / decisions. Percent.")),
        "accept_all_rate": (N_("Accept all"), N_("Accept-all decisions / decisions. Percent.")),
        "reject_all_rate": (N_("Reject all"), N_("Reject-all decisions / decisions. Percent.")),
        "withdrawals": (N_("Withdrawals"), N_("Consent withdrawn. Count of events.")),
        "cookies_before_consent": (N_("Cookies before consent"), N_("Observations of an analytics or functional cookie "
                                                             "when the visitor's latest decision did not allow it. "
                                                             "Count of observations.")),
        "unknown_cookies": (N_("Cookies the policy does not name"), N_("Distinct cookies seen in the period that neither "
                                                                "the policy nor the inventory names. Count.")),
        "reject_may_be_hidden": (N_("Banner versions where reject may be hidden"), N_("Count of banner versions.")),
        "boxes_may_be_preticked": (N_("Banner versions with boxes that may be pre-ticked"), N_("Count of banner versions.")),
        "withdrawal_may_be_hard": (N_("Withdrawal may be hard to find"), N_("1 = yes, 0 = no.")),
        "necessary_not_in_policy": (N_("Necessary cookies the policy does not call necessary"), N_("Count of cookies.")),
        "rejected_rows": (N_("Rows rejected at ingest"), N_("Rows of the consent logs refused at ingest. Count of rows.")),
        "decisions_without_shown": (N_("Decisions with no banner shown"), N_("Decisions in visits with no banner shown "
                                                                      "(data errors). Count.")),
    },
}


def name(area: str, key: str) -> str:
    return _(FIGURES[area][key][0])


def definition(area: str, key: str) -> str:
    return _(FIGURES[area][key][1])
