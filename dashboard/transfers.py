"""Transfer rules (Chapter V GDPR and the policy's promises): the reference lists and the query parameters.

The rules themselves are applied in queries/stg_transfers.sql; this module loads the lists they need from
dashboard/data/ (kept as data with their sources, not in code) and names each rule for people.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dashboard.i18n import N_

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Rule:
    rule_id: str
    severity: str
    title: str
    explanation: str


RULES = {r.rule_id: r for r in (
    Rule("non_eea_without_mechanism", "high", N_("Outside the EU/EEA without a safeguard"),
         N_("Mechanism 'none' for a country outside the EU/EEA (GDPR Art. 44-46).")),
    Rule("adequacy_not_in_force", "high", N_("Adequacy claimed where no decision was in force"),
         N_("Mechanism 'adequacy' but the country had no EU adequacy decision in force on the transfer date "
         "(GDPR Art. 45).")),
    Rule("eea_mechanism_outside_eea", "high", N_("Marked EU/EEA for a country outside it"),
         N_("Mechanism 'eea' but the country is not one of the 27 EU states, Iceland, Liechtenstein or Norway.")),
    Rule("sale_without_consent", "high", N_("Personal data sold without consent"),
         N_("Purpose 'sale' with a legal basis other than consent: the policy promises no sale without consent.")),
    Rule("scheme_not_in_force", "high", N_("Safe Harbour or Privacy Shield relied on outside its validity"),
         N_("Mechanism 'safe_harbour' or 'privacy_shield' for a transfer made when that scheme was not in force for "
         "the country (Safe Harbour ended 2015-10-05, Privacy Shield 2020-07-15: GDPR Art. 45, CJEU C-362/14 and "
         "C-311/18).")),
    Rule("derogation_review", "medium", N_("Derogation: review that it was occasional and justified"),
         N_("Mechanism 'derogation' (GDPR Art. 49) is allowed only for specific, occasional situations.")),
)}


@functools.cache
def eea_countries() -> tuple[str, ...]:
    with open(DATA / "eea_countries.csv", encoding="utf-8") as fh:
        return tuple(row["country"] for row in csv.DictReader(fh))


@functools.cache
def adequacy_decisions() -> tuple[dict, ...]:
    with open(DATA / "adequacy_decisions.csv", encoding="utf-8") as fh:
        return tuple(
            {"country": r["country"], "scheme": r["scheme"], "in_force_from": date.fromisoformat(r["in_force_from"]),
             "in_force_until": date.fromisoformat(r["in_force_until"]) if r["in_force_until"] else None}
            for r in csv.DictReader(fh)
        )


SORTABLE = ("occurred_at", "recipient", "recipient_type", "country", "mechanism", "legal_basis", "purpose",
            "record_count", "transfer_id")


@dataclass(frozen=True)
class TransferFilter:
    """The Transfers page's filters; empty means all."""

    recipient: str = ""
    recipient_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    region: str = ""  # "", "eea" or "non_eea"
    mechanisms: tuple[str, ...] = ()
    legal_bases: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    only_findings: bool = False
    rule: str = ""
    without_safeguard: bool = False  # only transfers outside the EU/EEA without a valid safeguard
    # With a rule: only its rows without a decision ("without") or with one ("decided") in the review journal,
    # decided_ids being the transfers the journal has a decision on for that rule (docs/reviews.md).
    decided: str = ""
    decided_ids: tuple[str, ...] = ()

    def params(self) -> dict:
        return {
            "recipient": self.recipient.strip()[:200], "recipient_types": list(self.recipient_types),
            "countries": list(self.countries), "region": self.region, "mechanisms": list(self.mechanisms),
            "legal_bases": list(self.legal_bases), "purposes": list(self.purposes),
            "categories": list(self.categories), "only_findings": self.only_findings, "rule": self.rule,
            "without_safeguard": self.without_safeguard,
            "decided": self.decided if self.decided in ("without", "decided") else "",
            "decided_ids": list(self.decided_ids),
        }


def every_row(sort_by: str = "occurred_at", descending: bool = False) -> dict:
    """rpt_transfer_log's paging for an export: every filtered row, in the order the page shows them (one sort,
    on the server, for the page and its CSV and Excel files)."""
    return {"sort_by": sort_by, "descending": descending, "limit": None, "offset": 0}


def base_params(date_from: date, date_to: date, tz: str) -> dict:
    """What every transfer query needs besides the filters: the period and the reference lists."""
    return {"date_from": date_from, "date_to": date_to, "tz": tz, "eea": list(eea_countries()),
            "adequacy": [dict(d) for d in adequacy_decisions()]}
