"""The data contract: the logs the store accepts, their columns and the rules a row must meet.

This module is the single description of the contract. Ingest builds its validation from it, the store's
tables are created from it, and docs/data-contract.md documents it (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds. Each maps to a store type and a validation in dashboard.ingest.
TIMESTAMP = "timestamp"  # ISO 8601 with a UTC offset
DATE = "date"  # YYYY-MM-DD
TEXT = "text"
COUNT = "count"  # integer from 1 to MAX_COUNT
BOOLEAN = "boolean"  # true | false
ENUM = "enum"
ENUM_LIST = "enum_list"  # semicolon-separated values from an enum
COUNTRY = "country"  # ISO 3166-1 alpha-2, upper case
PSEUDONYM = "pseudonym"  # text that must not hold a personal identifier (docs/security.md)
ID = "id"  # text, unique within the log

# Bounds of plausible values (docs/data-contract.md). A count above MAX_COUNT is a typo or an attack, and with it
# no sum of a log can overflow a 64-bit integer (that would take over nine billion rows).
MAX_COUNT = 1_000_000_000
EARLIEST_YEAR = 1990  # events and dates before it are not plausible for these logs
MAX_UTC_OFFSET_MINUTES = 14 * 60  # UTC-12:00 .. UTC+14:00 are the offsets in use; beyond +-14:00 none exists

STORE_TYPES = {
    TIMESTAMP: "timestamptz",
    DATE: "date",
    TEXT: "varchar",
    COUNT: "bigint",
    BOOLEAN: "boolean",
    ENUM: "varchar",
    ENUM_LIST: "varchar",
    COUNTRY: "varchar",
    PSEUDONYM: "varchar",
    ID: "varchar",
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = True
    values: tuple[str, ...] = ()
    # Required only when another column has one of these values: (column, (values...)).
    required_when: tuple[str, tuple[str, ...]] | None = None
    # Required unless another column has one of these values.
    required_unless: tuple[str, tuple[str, ...]] | None = None
    doc: str = ""
    # Free text keeps its row when it holds a personal identifier: the identifier is replaced by a marker such as
    # [personnummer]. Every other text column (ids, names, pseudonyms) rejects such a row (docs/security.md).
    free_text: bool = False


@dataclass(frozen=True)
class Log:
    name: str
    id_column: str
    time_column: str
    columns: tuple[Column, ...]
    doc: str = ""
    # Cross-column rules, each (sql condition that is true for a bad row, column, reason). The SQL uses only
    # column names of this log and literals from this module; values of the rows are never formatted in.
    row_rules: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


REQUEST_TYPES = ("access", "rectification", "erasure", "objection", "restriction", "portability")
DSR_EVENTS = ("received", "identity_requested", "identity_verified", "extended", "completed", "rejected", "withdrawn")
CHANNELS = ("email", "web", "letter", "phone")
HOLD_EVENTS = ("placed", "released")
HOLD_CATEGORIES = ("bookkeeping", "payment", "credit", "contract", "aml_kyc", "other")
HOLD_BASES = ("bookkeeping_act", "tax_procedure_act", "aml_act", "consumer_law", "other")
RECIPIENT_TYPES = ("processor", "sub_processor", "authority", "acquirer", "controller")
# safe_harbour and privacy_shield: what older exports say for US transfers; judged by the date (docs/transfers.md).
MECHANISMS = ("eea", "adequacy", "scc", "bcr", "derogation", "none", "safe_harbour", "privacy_shield")
HISTORIC_SCHEMES = ("safe_harbour", "privacy_shield")
TRANSFER_BASES = ("contract", "legal_obligation", "consent", "legitimate_interest")
PURPOSES = (
    "service_delivery", "credit_check", "invoicing", "payment", "support", "hosting", "analytics", "marketing",
    "law_enforcement", "tax", "aml_report", "divestiture", "sale", "other",
)
DATA_CATEGORIES = (
    "contact", "identity", "payment", "financial", "goods_services", "interaction", "device", "location",
)
CONSENT_ACTIONS = ("shown", "accept_all", "reject_all", "custom", "withdraw")
DEVICES = ("desktop", "mobile", "tablet")

DSR = Log(
    name="dsr_events",
    id_column="event_id",
    time_column="occurred_at",
    doc="Data subject requests: one row per event in a request's life.",
    columns=(
        Column("event_id", ID, doc="Unique id of the event."),
        Column("request_id", TEXT, doc="The request the event belongs to."),
        Column("occurred_at", TIMESTAMP, doc="When it happened."),
        Column("event", ENUM, values=DSR_EVENTS, doc="What happened."),
        Column("request_type", ENUM, required=False, values=REQUEST_TYPES, required_when=("event", ("received",)),
               doc="The right exercised."),
        Column("channel", ENUM, required=False, values=CHANNELS, doc="How the request came in."),
        Column("subject_ref", PSEUDONYM, required=False, required_when=("event", ("received",)),
               doc="Pseudonym of the data subject (never a personal number or e-mail address)."),
        Column("note", TEXT, required=False, free_text=True, doc="Free text."),
    ),
)

HOLDS = Log(
    name="hold_events",
    id_column="event_id",
    time_column="occurred_at",
    doc="Records blocked from erasure by a legal obligation (legal holds).",
    columns=(
        Column("event_id", ID, doc="Unique id of the event."),
        Column("hold_id", TEXT, doc="The hold the event belongs to."),
        Column("occurred_at", TIMESTAMP, doc="When it happened."),
        Column("event", ENUM, values=HOLD_EVENTS, doc="placed or released."),
        Column("request_id", TEXT, required=False, doc="The erasure request that was blocked, if any."),
        Column("subject_ref", PSEUDONYM, required=False, required_when=("event", ("placed",)),
               doc="Pseudonym of the data subject."),
        Column("data_category", ENUM, required=False, values=HOLD_CATEGORIES, required_when=("event", ("placed",)),
               doc="What kind of records are kept."),
        Column("legal_basis", ENUM, required=False, values=HOLD_BASES, required_when=("event", ("placed",)),
               doc="The law that forces us to keep them."),
        Column("record_count", COUNT, required=False, required_when=("event", ("placed",)),
               doc="How many records are blocked (>= 1)."),
        Column("retain_until", DATE, required=False, required_when=("event", ("placed",)),
               doc="The day the obligation ends (on or after placement, within a century)."),
    ),
    row_rules=(
        ("try_cast(retain_until as date) < cast(try_cast(occurred_at as timestamptz) as date)",
         "retain_until", "is before the hold was placed"),
        # date against date: a date past the timestamps' range (year 300000) compared with a timestamp stopped the
        # whole check with a conversion error instead of rejecting its row
        ("try_cast(retain_until as date) > try(cast(cast(try_cast(occurred_at as timestamptz) as date) "
         "+ interval 100 years as date))", "retain_until", "is more than a century after the hold was placed"),
    ),
)

TRANSFERS = Log(
    name="transfers",
    id_column="transfer_id",
    time_column="occurred_at",
    doc="Every disclosure of personal data to another party.",
    columns=(
        Column("transfer_id", ID, doc="Unique id of the transfer."),
        Column("occurred_at", TIMESTAMP, doc="When the data was disclosed."),
        Column("recipient", TEXT, doc="Who received it."),
        Column("recipient_type", ENUM, values=RECIPIENT_TYPES, doc="The recipient's role."),
        Column("country", COUNTRY, doc="Where the data is processed (ISO 3166-1 alpha-2, upper case)."),
        Column("mechanism", ENUM, values=MECHANISMS, doc="The Chapter V GDPR safeguard relied on."),
        Column("legal_basis", ENUM, values=TRANSFER_BASES, doc="The legal basis of the disclosure."),
        Column("purpose", ENUM, values=PURPOSES, doc="Why."),
        Column("data_categories", ENUM_LIST, values=DATA_CATEGORIES, doc="Semicolon-separated categories."),
        Column("record_count", COUNT, doc="How many records (>= 1)."),
        Column("reference", TEXT, required=False, free_text=True,
               doc="Case or contract reference (e.g. an authority's case number)."),
    ),
)

CONSENT = Log(
    name="consent_events",
    id_column="event_id",
    time_column="occurred_at",
    doc="The cookie banner: impressions and decisions.",
    columns=(
        Column("event_id", ID, doc="Unique id of the event."),
        Column("occurred_at", TIMESTAMP, doc="When it happened."),
        Column("visitor_ref", PSEUDONYM, doc="Pseudonym of the visitor (e.g. a hashed consent id)."),
        Column("action", ENUM, values=CONSENT_ACTIONS, doc="What the visitor did."),
        Column("functional", BOOLEAN, required=False, required_unless=("action", ("shown",)),
               doc="Functional cookies allowed after this event."),
        Column("analytics", BOOLEAN, required=False, required_unless=("action", ("shown",)),
               doc="Analytics cookies allowed after this event."),
        Column("banner_version", TEXT, doc="Version of the banner shown."),
        Column("device", ENUM, required=False, values=DEVICES,
               doc="Device class, if known (tools' exports rarely have it)."),
        Column("browser", TEXT, required=False, doc="Browser family, if known."),
        Column("country", COUNTRY, required=False, doc="Visitor's country, if known."),
    ),
    row_rules=(
        ("action = 'accept_all' and (functional is distinct from 'true' or analytics is distinct from 'true')",
         "action", "accept_all needs functional and analytics both true"),
        ("action = 'reject_all' and (functional is distinct from 'false' or analytics is distinct from 'false')",
         "action", "reject_all needs functional and analytics both false"),
    ),
)

COOKIES = Log(
    name="cookie_observations",
    id_column="event_id",
    time_column="observed_at",
    doc="Cookies seen set in a visitor's browser, as a site scanner or tag manager reports them.",
    columns=(
        Column("event_id", ID, doc="Unique id of the observation."),
        Column("observed_at", TIMESTAMP, doc="When the cookie was seen set."),
        Column("visitor_ref", PSEUDONYM, doc="Pseudonym of the visitor (the same as in consent_events)."),
        Column("cookie_name", TEXT, doc="The cookie's name as set (e.g. _ga, has_js, SESS3f9a...)."),
        Column("page", TEXT, required=False, free_text=True, doc="The page it was seen on."),
    ),
)

LOGS: dict[str, Log] = {log.name: log for log in (DSR, HOLDS, TRANSFERS, CONSENT, COOKIES)}


def log_for_file(path: str) -> Log | None:
    """The log a file belongs to by its name's prefix, in any case (transfers_2026-01.csv, Transfers_2026.csv)."""
    import os

    base = os.path.basename(path).lower()
    # Longest name first, so a future log named like a prefix of another still matches correctly.
    for name in sorted(LOGS, key=len, reverse=True):
        if base.startswith(name):
            return LOGS[name]
    return None
