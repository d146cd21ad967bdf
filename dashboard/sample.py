"""Deterministic sample logs for a Swedish mid-sized online retailer, with known problems planted.

Two years of logs up to `until`. Volumes multiply by `scale`. The same seed, scale and until give the same bytes.
Known problems are listed in manifest.json with the as-of date they hold for, so tests (and a curious reader) can
check that the dashboard finds them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from dashboard.config import STATUTE_READING
from dashboard.deadlines import WorkingCalendar, add_months

DEFAULT_UNTIL = "2026-11-24"
TZ = ZoneInfo("Europe/Stockholm")
FILES = {
    "dsr_events": "dsr_events.csv",
    "hold_events": "hold_events.jsonl",
    "transfers": "transfers.csv.gz",
    "consent_events": "consent_events.parquet",
    "cookie_observations": "cookie_observations.parquet",
}

# Requests per day at scale 1, and the month-of-year shape (January peaks after the holidays, July is quiet).
REQUESTS_PER_DAY = 3.2
MONTH_SHAPE = [1.35, 1.15, 1.05, 1.0, 0.95, 0.9, 0.6, 0.85, 1.1, 1.05, 1.1, 0.9]
REQUEST_TYPES = {"access": 0.38, "erasure": 0.31, "rectification": 0.13, "objection": 0.08,
                 "portability": 0.06, "restriction": 0.04}
CHANNELS = {"email": 0.48, "web": 0.37, "letter": 0.1, "phone": 0.05}

# Recipients: name, type, country, mechanism, legal basis, purposes, data categories, transfers/day, records.
RECIPIENTS = [
    ("Molnhus Hosting AB", "processor", "SE", "eea", "contract", ["hosting"],
     ["contact;identity;goods_services;interaction"], 4.0, 400),
    ("Datavalv GmbH", "sub_processor", "DE", "eea", "contract", ["hosting"],
     ["contact;identity;goods_services"], 1.0, 900),
    ("Nordbetal AB", "processor", "SE", "eea", "contract", ["payment"], ["contact;payment"], 3.0, 60),
    ("Kreditkollen AB", "controller", "SE", "eea", "legitimate_interest", ["credit_check"],
     ["identity;financial"], 1.5, 3),
    ("Fakturapartner Oy", "processor", "FI", "eea", "contract", ["invoicing"],
     ["contact;payment;goods_services"], 1.5, 120),
    ("Skyline Analytics Inc.", "processor", "US", "adequacy", "consent", ["analytics"],
     ["device;interaction;location"], 2.0, 2500),
    ("Helpdesk Partners Pvt Ltd", "sub_processor", "IN", "scc", "contract", ["support"],
     ["contact;goods_services"], 1.2, 40),
    ("Postrocket Ltd", "processor", "GB", "adequacy", "consent", ["marketing"], ["contact"], 0.6, 1500),
    ("Fraktbolaget Norden AS", "processor", "NO", "eea", "contract", ["service_delivery"],
     ["contact;goods_services"], 2.0, 80),
    ("Polismyndigheten", "authority", "SE", "eea", "legal_obligation", ["law_enforcement"],
     ["identity;contact;goods_services"], 0.05, 2),
    ("Skatteverket", "authority", "SE", "eea", "legal_obligation", ["tax"], ["identity;financial"], 0.04, 25),
    ("Finanspolisen", "authority", "SE", "eea", "legal_obligation", ["aml_report"],
     ["identity;financial;payment"], 0.03, 1),
]

BANNERS = [  # version, first day offset (fraction of the period), interaction, accept_all, reject_all (rest custom)
    ("v1-2024", 0.0, 0.58, 0.78, 0.04),
    ("v2-2025-reject-button", 0.42, 0.71, 0.55, 0.31),
    ("v3-2026-two-layer", 0.8, 0.76, 0.52, 0.27),
]
# Banner versions tried on a share of visitors in the last weeks (issue #13's banner checks): one without a reject
# button on its first layer, one whose custom settings came pre-ticked. version: decisions by kind (accept all,
# reject all, custom granting every category, custom granting some), what the checks should find.
AB_TESTS = {
    "v3-ab-no-reject": ((187, 1, 24, 28), "reject_may_be_hidden"),
    "v3-ab-preticked": ((120, 48, 67, 5), "boxes_may_be_preticked"),
}
WITHDRAW_LINK_GONE_DAYS = 95
VISITS_PER_DAY = 100
DEVICES = {"desktop": 0.46, "mobile": 0.47, "tablet": 0.07}
BROWSERS = {"Chrome": 0.52, "Safari": 0.27, "Edge": 0.1, "Firefox": 0.08, "Samsung Internet": 0.03}
VISITOR_COUNTRIES = {"SE": 0.86, "NO": 0.04, "FI": 0.04, "DK": 0.03, "DE": 0.02, "US": 0.01}


def _iso(local: datetime) -> str:
    """Local Stockholm wall time written as ISO 8601 with its UTC offset, as a real system would log it."""
    return local.replace(tzinfo=TZ).isoformat(timespec="seconds")


def _pick(rng: np.random.Generator, weights: dict[str, float], n: int | None = None):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return rng.choice(keys, size=n, p=p / p.sum())


def _pseudonym(prefix: str, n: int) -> str:
    """A stable pseudonym; never one whose digits read as a personal number (yymmddnnnn with a valid date and check
    digit), which ingest's privacy guard would rightly refuse."""
    from dashboard.privacy import identifier_kind

    digest = hashlib.sha256(f"{prefix}{n}".encode()).hexdigest()[:12]
    while re.search(r"\d{10}", digest) and identifier_kind(prefix + digest):
        digest = hashlib.sha256(digest.encode()).hexdigest()[:12]
    return prefix + digest


def _at(day: date, rng: np.random.Generator, start_hour: int = 8, end_hour: int = 17) -> datetime:
    seconds = int(rng.integers(start_hour * 3600, end_hour * 3600))
    return datetime.combine(day, time()) + timedelta(seconds=seconds)


class _Requests:
    """Builds dsr_events row by row, keeping the planted cases aside for the manifest."""

    def __init__(self, rng, until: date):
        self.rng, self.until = rng, until
        self.rows: list[dict] = []
        self.n = 0

    def event(self, request_id: str, when: datetime, event: str, **extra) -> None:
        self.n += 1
        self.rows.append({
            "event_id": f"dsr-{self.n:07d}", "request_id": request_id, "occurred_at": _iso(when), "event": event,
            "request_type": extra.get("request_type"), "channel": extra.get("channel"),
            "subject_ref": extra.get("subject_ref"), "note": extra.get("note"),
        })

    def request(self, rid: str, received: datetime, rtype: str, channel: str, subject: str,
                close_day: date | None, outcome: str = "completed", verify_after: int | None = None,
                extend_on: date | None = None, note: str | None = None, asked_on: date | None = None,
                verify_on: date | None = None) -> None:
        self.event(rid, received, "received", request_type=rtype, channel=channel, subject_ref=subject, note=note)
        if asked_on is not None:
            self.event(rid, _at(asked_on, self.rng), "identity_requested", note="asked for proof of identity")
        if verify_on is not None:
            self.event(rid, _at(verify_on, self.rng), "identity_verified")
        if verify_after is not None and (received + timedelta(days=verify_after)).date() <= self.until:
            self.event(rid, received + timedelta(days=verify_after, hours=1), "identity_verified")
        if extend_on is not None:
            self.event(rid, _at(extend_on, self.rng), "extended", note="complex request: several systems")
        if close_day is not None:
            self.event(rid, _at(close_day, self.rng), outcome)


def _requests(rng, cal: WorkingCalendar, start: date, until: date, scale: float):
    reqs = _Requests(rng, until)
    subjects = max(50, int(2600 * scale))
    days = (until - start).days + 1
    rid = 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        lam = REQUESTS_PER_DAY * scale * MONTH_SHAPE[day.month - 1] * (0.35 if day.weekday() >= 5 else 1.15)
        for _ in range(int(rng.poisson(lam))):
            rid += 1
            received = _at(day, rng, 6, 23)
            rtype = str(_pick(rng, REQUEST_TYPES))
            channel = str(_pick(rng, CHANNELS))
            subject = _pseudonym("S-", int(rng.integers(0, subjects)))
            deadline = cal.deadline(day)
            roll = rng.random()
            verify_after = int(rng.integers(1, 5)) if rng.random() < 0.35 else None
            extend_on = close = None
            outcome = "completed"
            if roll < 0.05:  # extended in time, closed within three months
                extend_on = day + timedelta(days=int(rng.integers(14, 26)))
                close = day + timedelta(days=int(rng.integers(35, 80)))
            else:
                # Most close within weeks; never after the deadline (planted cases do that on purpose).
                days_taken = min(int(rng.lognormal(2.1, 0.6)) + 1, (deadline - day).days)
                close = day + timedelta(days=days_taken)
                if roll > 0.975:
                    outcome = "withdrawn"
                elif roll > 0.94:
                    outcome = "rejected"
            if extend_on and extend_on > until:
                extend_on = None
            if close > until:
                close = None
            reqs.request(f"REQ-{rid:06d}", received, rtype, channel, subject, close, outcome, verify_after, extend_on)
    return reqs, rid


def _plant_requests(reqs: _Requests, rng, cal: WorkingCalendar, until: date, next_id: int) -> dict:
    planted: dict[str, list] = {"overdue": [], "late": [], "valid_extension": [], "invalid_extension": [],
                                "at_risk": [], "repeat_access_subjects": [], "orphan_events": []}
    ids = iter(range(next_id + 1, next_id + 1000))

    def new_id() -> str:
        return f"REQ-{next(ids):06d}"

    # Open requests past their one-month deadline.
    for back in (48, 63, 95):
        rid, day = new_id(), until - timedelta(days=back)
        reqs.request(rid, _at(day, rng), "erasure" if back != 63 else "access", "email",
                     _pseudonym("S-planted-", back), None)
        planted["overdue"].append({"request_id": rid, "received": day.isoformat(),
                                   "deadline": cal.deadline(day).isoformat()})
    # Completed after the deadline.
    for back, late_by in ((150, 3), (220, 12), (400, 1)):
        rid, day = new_id(), until - timedelta(days=back)
        deadline = cal.deadline(day)
        done = cal.next_working_day(deadline + timedelta(days=late_by))
        reqs.request(rid, _at(day, rng), "access", "web", _pseudonym("S-late-", back), done)
        planted["late"].append({"request_id": rid, "received": day.isoformat(), "deadline": deadline.isoformat(),
                                "completed": done.isoformat()})
    # A valid extension (told within the first month) and an invalid one (told after it).
    day = until - timedelta(days=200)
    rid = new_id()
    one_month = cal.deadline(day)
    reqs.request(rid, _at(day, rng), "portability", "email", _pseudonym("S-ext-", 1),
                 day + timedelta(days=70), extend_on=one_month - timedelta(days=3))
    planted["valid_extension"].append({"request_id": rid, "received": day.isoformat(),
                                       "deadline": cal.deadline(day, 3).isoformat(), "state": "on_time"})
    day = until - timedelta(days=300)
    rid = new_id()
    one_month = cal.deadline(day)
    reqs.request(rid, _at(day, rng), "access", "letter", _pseudonym("S-ext-", 2),
                 day + timedelta(days=55), extend_on=one_month + timedelta(days=4))
    planted["invalid_extension"].append({"request_id": rid, "received": day.isoformat(),
                                         "deadline": one_month.isoformat(), "state": "late"})
    # Open and close to its deadline (at risk: 5 or fewer working days left as of `until`).
    day = until - timedelta(days=28)
    rid = new_id()
    reqs.request(rid, _at(day, rng), "rectification", "phone", _pseudonym("S-risk-", 1), None)
    planted["at_risk"].append({"request_id": rid, "received": day.isoformat(),
                               "deadline": cal.deadline(day).isoformat()})
    # Repeat access requests within a year (the policy gives one free copy a year).
    for n, gaps in ((1, (0, 120)), (2, (0, 200, 330))):
        subject = _pseudonym("S-repeat-", n)
        first = until - timedelta(days=380)
        for gap in gaps:
            day = first + timedelta(days=gap)
            reqs.request(new_id(), _at(day, rng), "access", "web", subject, day + timedelta(days=6))
        planted["repeat_access_subjects"].append({"subject_ref": subject, "access_requests": len(gaps)})
    # Issue #13's rules. Verdicts that depend on the holiday reading: the latest receipts (at least 40 days back) whose
    # one-month deadline is an eve under the strict reading, closed on the Swedish-statute deadline: late by default,
    # on time under the statute reading, a finding of their own either way.
    statute = WorkingCalendar(categories=STATUTE_READING)
    planted["depends_on_calendar"] = []
    day = until - timedelta(days=40)
    while len(planted["depends_on_calendar"]) < 2:
        if cal.deadline(day) != statute.deadline(day):
            rid = new_id()
            reqs.request(rid, _at(day, rng), "access", "email", _pseudonym("S-eve-", day.toordinal()),
                         statute.deadline(day))
            planted["depends_on_calendar"].append({
                "request_id": rid, "received": day.isoformat(), "strict_deadline": cal.deadline(day).isoformat(),
                "statute_deadline": statute.deadline(day).isoformat(), "completed": statute.deadline(day).isoformat(),
                "state": {"strict": "late", "swedish_statute": "on_time"}})
        day -= timedelta(days=1)
    # Identification (EDPB Guidelines 01/2022 para. 159): asked in time and answered 14 days later, closed after the
    # one-month deadline counted from receipt but within the suspended one; asked in time and never answered; asked
    # six working days after receipt (late: suspends nothing), closed in time.
    planted["identification"] = []
    day = cal.next_working_day(until - timedelta(days=80))
    asked, answered = cal.add_working_days(day, 1), cal.add_working_days(day, 1) + timedelta(days=14)
    closed = cal.next_working_day(cal.deadline(day) + timedelta(days=5))
    assert cal.deadline(day) < closed <= cal.deadline(day, 1, 14)
    rid = new_id()
    reqs.request(rid, _at(day, rng), "erasure", "letter", _pseudonym("S-id-", 1), closed, asked_on=asked,
                 verify_on=answered)
    planted["identification"].append({
        "request_id": rid, "case": "suspended", "received": day.isoformat(), "identity_requested": asked.isoformat(),
        "identity_verified": answered.isoformat(), "completed": closed.isoformat(), "suspended_days": 14,
        "deadline": {"received": cal.deadline(day).isoformat(), "suspended": cal.deadline(day, 1, 14).isoformat()},
        "state": {"received": "late", "suspended": "on_time"}})
    day = cal.next_working_day(until - timedelta(days=20))
    asked = cal.add_working_days(day, 1)
    rid = new_id()
    reqs.request(rid, _at(day, rng), "access", "email", _pseudonym("S-id-", 2), None, asked_on=asked)
    planted["identification"].append({
        "request_id": rid, "case": "awaiting_identity", "received": day.isoformat(),
        "identity_requested": asked.isoformat(), "suspended_days": (until - asked).days,
        "state": {"received": "pending", "suspended": "awaiting_identity"}})
    day = cal.next_working_day(until - timedelta(days=90))
    asked = cal.add_working_days(day, 6)
    rid = new_id()
    reqs.request(rid, _at(day, rng), "access", "web", _pseudonym("S-id-", 3), day + timedelta(days=20),
                 asked_on=asked, verify_on=asked + timedelta(days=2))
    planted["identification"].append({
        "request_id": rid, "case": "asked_late", "received": day.isoformat(), "identity_requested": asked.isoformat(),
        "suspended_days": 0, "state": {"received": "on_time", "suspended": "on_time"}})
    # An internal target (AUDIT_INTERNAL_TARGET_DAYS=10): answered in time by law, after 15 working days.
    day = cal.next_working_day(until - timedelta(days=50))
    rid = new_id()
    reqs.request(rid, _at(day, rng), "rectification", "web", _pseudonym("S-target-", 1), cal.add_working_days(day, 15))
    planted["missed_internal_target"] = [{"request_id": rid, "received": day.isoformat(), "target_days": 10,
                                          "internal_due": cal.add_working_days(day, 10).isoformat(),
                                          "completed": cal.add_working_days(day, 15).isoformat()}]
    # An orphan: a completed event for a request that was never received (a gap in the source system's log).
    orphan = "REQ-ORPHAN-1"
    reqs.event(orphan, _at(until - timedelta(days=40), rng), "completed")
    planted["orphan_events"].append({"request_id": orphan, "event": "completed"})
    return planted


HOLD_RULES = {  # category -> (legal basis, years after the records' year, counted from year end?)
    "bookkeeping": ("bookkeeping_act", 7, True),
    "payment": ("aml_act", 5, False),
    "aml_kyc": ("aml_act", 5, False),
    "contract": ("consumer_law", 3, False),
    "credit": ("other", 3, False),
}


def _holds(reqs: _Requests, rng, until: date, scale: float) -> tuple[list[dict], dict]:
    """Holds placed when erasure requests were completed, released when the obligation ended."""
    rows: list[dict] = []
    received = {r["request_id"]: r for r in reqs.rows if r["event"] == "received"}
    completed = [r for r in reqs.rows if r["event"] == "completed" and r["request_id"] in received
                 and received[r["request_id"]]["request_type"] == "erasure"]
    n_event = n_hold = 0
    planted: dict[str, list] = {"overdue_holds": [], "kept_too_long": []}

    def add(hold_id, when: datetime, event, **extra):
        nonlocal n_event
        n_event += 1
        row = {"event_id": f"hold-ev-{n_event:07d}", "hold_id": hold_id, "occurred_at": _iso(when), "event": event}
        row.update({k: v for k, v in extra.items() if v is not None})
        rows.append(row)

    categories = list(HOLD_RULES)
    for ev in completed:
        if rng.random() > 0.45:
            continue
        done = datetime.fromisoformat(ev["occurred_at"]).replace(tzinfo=None)
        subject = received[ev["request_id"]]["subject_ref"]
        for category in rng.choice(categories, size=int(rng.integers(1, 3)), replace=False):
            category = str(category)
            basis, years, from_year_end = HOLD_RULES[category]
            # The records date from some time before the request was completed (never after it).
            record_day = done.date() - timedelta(days=int(rng.integers(0, 365 * (years + 1))))
            retain = date(record_day.year + years, 12, 31) if from_year_end else add_months(record_day, 12 * years)
            if retain < done.date():
                continue  # the obligation had already ended: the records were erased, not held
            n_hold += 1
            hold_id = f"HOLD-{n_hold:06d}"
            add(hold_id, done + timedelta(minutes=5), "placed", request_id=ev["request_id"], subject_ref=subject,
                data_category=category, legal_basis=basis, record_count=int(rng.integers(1, 40)),
                retain_until=retain.isoformat())
            release = retain + timedelta(days=int(rng.integers(1, 20)))
            if retain < until < release:
                release = until  # background holds are released in time; the planted ones below are not
            if release <= until:
                add(hold_id, _at(release, rng), "released", request_id=ev["request_id"])
    # Planted: obligations that ended but whose records were never released.
    for back, category in ((400, "contract"), (120, "credit"), (35, "payment")):
        basis, years, _ = HOLD_RULES[category]
        n_hold += 1
        hold_id = f"HOLD-{n_hold:06d}"
        retain = until - timedelta(days=back)
        placed = retain - timedelta(days=300)
        add(hold_id, _at(placed, rng), "placed", subject_ref=_pseudonym("S-hold-", back), data_category=category,
            legal_basis=basis, record_count=7, retain_until=retain.isoformat())
        planted["overdue_holds"].append({"hold_id": hold_id, "retain_until": retain.isoformat()})
    # Planted: a consumer-law hold set to last ten years (the basis allows three).
    n_hold += 1
    hold_id = f"HOLD-{n_hold:06d}"
    placed = until - timedelta(days=90)
    add(hold_id, _at(placed, rng), "placed", subject_ref=_pseudonym("S-hold-", 10), data_category="contract",
        legal_basis="consumer_law", record_count=3, retain_until=placed.replace(year=placed.year + 10).isoformat())
    planted["kept_too_long"].append({"hold_id": hold_id, "legal_basis": "consumer_law"})
    rows.sort(key=lambda r: r["occurred_at"])
    return rows, planted


def _transfers(rng, start: date, until: date, scale: float) -> tuple[pl.DataFrame, dict]:
    days = (until - start).days + 1
    frames = []
    for (name, rtype, country, mechanism, basis, purposes, cats, per_day, records) in RECIPIENTS:
        counts = rng.poisson(per_day * scale, size=days)
        day_index = np.repeat(np.arange(days), counts)
        n = len(day_index)
        seconds = rng.integers(7 * 3600, 22 * 3600, size=n)
        frames.append(pl.DataFrame({
            "_day": day_index, "_sec": seconds,
            "recipient": [name] * n, "recipient_type": [rtype] * n, "country": [country] * n,
            "mechanism": [mechanism] * n, "legal_basis": [basis] * n,
            "purpose": rng.choice(purposes, size=n), "data_categories": rng.choice(cats, size=n),
            "record_count": np.maximum(1, rng.poisson(records, size=n)).astype(np.int64),
            "reference": (None if rtype != "authority" else
                          [f"{name[:3].upper()}-{start.year + d // 365}-{i:05d}" for i, d in enumerate(day_index)]),
        }, schema_overrides={"reference": pl.String}))
    planted_rows = []
    planted: dict[str, list] = {"non_eea_mechanism_none": [], "adequacy_without_decision": [],
                                "sale_without_consent": [], "eea_mechanism_outside_eea": [], "derogation": [],
                                "divestiture": []}

    def plant(kind, back, **row):
        planted_rows.append({"_kind": kind, "_day": days - 1 - back, "_sec": 11 * 3600, "reference": None, **row})

    for back in (300, 290, 280):  # support desk used before its SCCs were signed
        plant("non_eea_mechanism_none", back, recipient="Helpdesk Partners Pvt Ltd", recipient_type="sub_processor",
              country="IN", mechanism="none", legal_basis="contract", purpose="support",
              data_categories="contact;goods_services", record_count=35)
    plant("adequacy_without_decision", 150, recipient="Snabbfrakt Asia Pte Ltd", recipient_type="processor",
          country="SG", mechanism="adequacy", legal_basis="contract", purpose="service_delivery",
          data_categories="contact;goods_services", record_count=210)
    for back in (75, 74):
        plant("sale_without_consent", back, recipient="Leadmakarna AB", recipient_type="controller", country="SE",
              mechanism="eea", legal_basis="legitimate_interest", purpose="sale", data_categories="contact;interaction",
              record_count=5000)
    plant("eea_mechanism_outside_eea", 60, recipient="Cloudberry Backup LLC", recipient_type="sub_processor",
          country="US", mechanism="eea", legal_basis="contract", purpose="hosting", data_categories="contact;identity",
          record_count=800)
    plant("derogation", 45, recipient="Advokatbyrån Mercer Singapore", recipient_type="controller", country="SG",
          mechanism="derogation", legal_basis="legitimate_interest", purpose="other", data_categories="identity",
          record_count=1, reference="legal claim, Art. 49(1)(e)")
    plant("divestiture", 240, recipient="Nordlager Holding AB", recipient_type="acquirer", country="SE",
          mechanism="eea", legal_basis="legitimate_interest", purpose="divestiture",
          data_categories="contact;identity;goods_services", record_count=int(18000 * max(scale, 1 / 18)),
          reference="asset purchase agreement 2026-03")
    background = pl.concat(frames, how="diagonal_relaxed").with_columns(pl.lit(None, pl.String).alias("_kind"))
    df = pl.concat([background, pl.DataFrame(planted_rows)], how="diagonal_relaxed")
    df = df.sort(["_day", "_sec", "recipient"]).with_row_index("_n", offset=1)
    df = df.with_columns(pl.format("TR-{}", pl.col("_n").cast(pl.String).str.zfill(8)).alias("transfer_id"))
    for row in df.filter(pl.col("_kind").is_not_null()).select("_kind", "transfer_id", "_day").iter_rows():
        planted[row[0]].append({"transfer_id": row[1], "date": (start + timedelta(days=row[2])).isoformat()})
    df = df.with_columns(_local_iso(start, pl.col("_day"), pl.col("_sec")).alias("occurred_at"))
    cols = ["transfer_id", "occurred_at", "recipient", "recipient_type", "country", "mechanism", "legal_basis",
            "purpose", "data_categories", "record_count", "reference"]
    return df.select(cols), planted


def _local_time(start: date, day: pl.Expr, sec: pl.Expr) -> pl.Expr:
    """Local midnight `day` days after start in Stockholm, plus `sec` elapsed seconds (vectorised).

    Counting elapsed seconds from midnight keeps events in order across the daylight-saving changes.
    """
    midnight = (pl.lit(datetime.combine(start, time())) + pl.duration(days=day)).dt.replace_time_zone(
        "Europe/Stockholm")
    return midnight + pl.duration(seconds=sec)


def _local_iso(start: date, day: pl.Expr, sec: pl.Expr) -> pl.Expr:
    """Stockholm local time as ISO 8601 text with its offset, as a real system would log it."""
    return _local_time(start, day, sec).dt.strftime("%Y-%m-%dT%H:%M:%S%:z")


def _consent(rng, start: date, until: date, scale: float) -> tuple[pl.DataFrame, dict]:
    days = (until - start).days + 1
    weekday = np.array([(start + timedelta(days=d)).weekday() for d in range(days)])
    month = np.array([(start + timedelta(days=d)).month for d in range(days)])
    lam = VISITS_PER_DAY * scale * np.where(weekday >= 5, 1.2, 1.0) * np.where(np.isin(month, [11, 12]), 1.4, 1.0)
    visits_per_day = rng.poisson(lam)
    day = np.repeat(np.arange(days), visits_per_day)
    n = len(day)
    sec = rng.integers(0, 86400 - 120, size=n)
    # Some visitors come back; most are new.
    visitor = np.where(rng.random(n) < 0.15, rng.integers(0, max(1, n // 4), size=n), np.arange(n) + n)
    banner_idx = np.zeros(n, dtype=np.int64)
    for i, (_, frac, *_rest) in enumerate(BANNERS):
        banner_idx[day >= int(frac * days)] = i
    interact_p = np.array([b[2] for b in BANNERS])[banner_idx]
    device = _pick(rng, DEVICES, n)
    interact_p = interact_p - np.where(device == "mobile", 0.05, 0.0)
    decided = rng.random(n) < interact_p
    u = rng.random(n)
    accept_p = np.array([b[3] for b in BANNERS])[banner_idx]
    reject_p = np.array([b[4] for b in BANNERS])[banner_idx]
    action = np.where(u < accept_p, "accept_all", np.where(u < accept_p + reject_p, "reject_all", "custom"))
    functional_custom = rng.random(n) < 0.8
    analytics_custom = rng.random(n) < 0.35
    browser = _pick(rng, BROWSERS, n)
    country = _pick(rng, VISITOR_COUNTRIES, n)
    banner_names = np.array([b[0] for b in BANNERS])[banner_idx]
    visitor_ref = np.char.add("V-", np.char.zfill(visitor.astype(str), 9))
    shown = pl.DataFrame({"_day": day, "_sec": sec, "visitor_ref": visitor_ref, "action": "shown",
                          "functional": None, "analytics": None, "banner_version": banner_names, "device": device,
                          "browser": browser, "country": country},
                         schema_overrides={"functional": pl.Boolean, "analytics": pl.Boolean})
    d = np.flatnonzero(decided)
    act = action[d]
    decisions = pl.DataFrame({
        "_day": day[d], "_sec": sec[d] + rng.integers(2, 60, size=len(d)), "visitor_ref": visitor_ref[d],
        "action": act,
        "functional": np.where(act == "accept_all", True, np.where(act == "reject_all", False, functional_custom[d])),
        "analytics": np.where(act == "accept_all", True, np.where(act == "reject_all", False, analytics_custom[d])),
        "banner_version": banner_names[d], "device": device[d], "browser": browser[d], "country": country[d],
    })
    # A few who granted analytics withdraw later (it must be as easy to withdraw as to give).
    granted = d[(act == "accept_all") | ((act == "custom") & analytics_custom[d])]
    w = granted[rng.random(len(granted)) < 0.03]
    later = day[w] + rng.integers(1, 60, size=len(w))
    # Planted (issue #13): the latest banner's redesign dropped the withdraw link, so nobody withdrew in the last 95
    # days although thousands decided: "withdrawal may be hard to find".
    keep = later < days - WITHDRAW_LINK_GONE_DAYS
    w, later = w[keep], later[keep]
    withdrawals = pl.DataFrame({
        "_day": later, "_sec": rng.integers(0, 86400 - 120, size=len(w)), "visitor_ref": visitor_ref[w],
        "action": "withdraw", "functional": False, "analytics": False,
        "banner_version": np.array([b[0] for b in BANNERS])[
            np.searchsorted([int(b[1] * days) for b in BANNERS], later, side="right") - 1],
        "device": device[w], "browser": browser[w], "country": country[w],
    })
    planted_events, planted_obs, planted = _plant_consent(days, BANNERS[-1][0])
    ab_events, planted["banner_checks"] = _plant_banner_tests(rng, days)
    planted["withdrawal_may_be_hard"] = [{
        "no_withdrawal_from": (start + timedelta(days=days - WITHDRAW_LINK_GONE_DAYS)).isoformat(), "window_days": 90}]
    planted["necessary_not_in_policy"] = [{"cookie_name": "SSESS4f1c0e9a2b7d"}, {"cookie_name": "SESS9b2e71d0"}]
    planted_events = pl.concat([planted_events, ab_events], how="diagonal_relaxed")
    df = pl.concat([shown, decisions, withdrawals, planted_events.select(shown.columns)], how="vertical_relaxed")
    df = df.sort(["_day", "_sec", "visitor_ref", "action"])
    df = df.with_row_index("_n", offset=1).with_columns(
        pl.format("CE-{}", pl.col("_n").cast(pl.String).str.zfill(10)).alias("event_id"),
        _local_time(start, pl.col("_day"), pl.col("_sec")).alias("occurred_at"),
    ).filter(pl.col("occurred_at").dt.date() < start + timedelta(days=days))
    manifest = {"banner_versions": [{"version": b[0], "from": (start + timedelta(days=int(b[1] * days))).isoformat()}
                                    for b in BANNERS],
                "planted": planted}
    cols = ["event_id", "occurred_at", "visitor_ref", "action", "functional", "analytics", "banner_version",
            "device", "browser", "country"]

    # Cookies the site set after each decision, as the consent allowed (the scanner sees them 5-600 s later).
    fn, an = decisions["functional"].to_numpy(), decisions["analytics"].to_numpy()
    d_day, d_sec, d_ref = decisions["_day"].to_numpy(), decisions["_sec"].to_numpy(), decisions["visitor_ref"]
    obs = []
    for name, mask in (("_ga", an), ("_gid", an), ("_gat", an & (rng.random(len(an)) < 0.3)),
                       ("has_js", fn & (rng.random(len(fn)) < 0.7)),
                       ("Drupal.toolbar.collapsed", fn & (rng.random(len(fn)) < 0.04))):
        idx = np.flatnonzero(mask)
        obs.append(pl.DataFrame({"_day": d_day[idx], "_sec": d_sec[idx] + rng.integers(5, 600, size=len(idx)),
                                 "visitor_ref": d_ref.gather(idx), "cookie_name": name}))
    signed_in = np.flatnonzero(rng.random(len(d_day)) < 0.05)
    obs.append(pl.DataFrame({"_day": d_day[signed_in], "_sec": d_sec[signed_in] + 30,
                             "visitor_ref": d_ref.gather(signed_in), "cookie_name": "SSESS4f1c0e9a2b7d"}))
    observations = pl.concat(obs + [planted_obs.select(obs[0].columns)], how="vertical_relaxed")
    pages = ["/", "/produkter", "/kassa", "/mina-sidor", "/kontakt"]
    observations = observations.sort(["_day", "_sec", "visitor_ref", "cookie_name"]).with_row_index("_n", offset=1)
    observations = observations.with_columns(
        pl.format("CO-{}", pl.col("_n").cast(pl.String).str.zfill(10)).alias("event_id"),
        _local_time(start, pl.col("_day"), pl.col("_sec")).alias("observed_at"),
        pl.lit(pages[0]).alias("page") if observations.height == 0 else
        pl.Series("page", np.array(pages)[rng.integers(0, len(pages), size=observations.height)]),
    ).filter(pl.col("observed_at").dt.date() < start + timedelta(days=days))
    return (df.select(cols), observations.select("event_id", "observed_at", "visitor_ref", "cookie_name", "page"),
            manifest)


def _plant_banner_tests(rng, days: int) -> tuple[pl.DataFrame, list]:
    """The A/B-tested banner versions of AB_TESTS over the last 60 days: one shown event and one decision per visitor."""
    events, planted = [], []
    for version, (counts, rule) in AB_TESTS.items():
        kinds = (["accept_all"] * counts[0] + ["reject_all"] * counts[1] + ["custom_all"] * counts[2]
                 + ["custom_some"] * counts[3])
        for n, kind in enumerate(rng.permutation(kinds)):
            ref, day, sec = f"V-{version}-{n:04d}", days - 60 + n % 60, int(rng.integers(30000, 70000))
            base = {"visitor_ref": ref, "banner_version": version, "device": "desktop", "browser": "Chrome",
                    "country": "SE", "_day": day}
            action = "custom" if kind.startswith("custom") else str(kind)
            grants = {"accept_all": (True, True), "reject_all": (False, False), "custom_all": (True, True),
                      "custom_some": (True, False)}[kind]
            events.append({**base, "_sec": sec, "action": "shown", "functional": None, "analytics": None})
            events.append({**base, "_sec": sec + 20, "action": action, "functional": grants[0],
                           "analytics": grants[1]})
        planted.append({"banner_version": version, "rule": rule, "decisions": sum(counts),
                        "accept_all": counts[0], "reject_all": counts[1], "custom": counts[2] + counts[3],
                        "custom_all_granted": counts[2]})
    return pl.DataFrame(events, schema_overrides={"functional": pl.Boolean, "analytics": pl.Boolean}), planted


def _plant_consent(days: int, banner: str) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """Visitors whose cookies broke (or, for the edges, did not break) the cookie-before-consent rule."""
    events, observations = [], []
    planted: dict[str, list] = {"cookie_before_consent": [], "not_a_finding": [], "unknown_cookies": []}

    def visit(ref, day, decision=None, decision_sec=None, functional=None, analytics=None):
        base = {"visitor_ref": ref, "banner_version": banner, "device": "desktop", "browser": "Chrome",
                "country": "SE", "_day": day}
        events.append({**base, "_sec": 36000, "action": "shown", "functional": None, "analytics": None})
        if decision:
            events.append({**base, "_sec": decision_sec, "action": decision, "functional": functional,
                           "analytics": analytics})

    def seen(ref, day, sec, cookie, finding, why):
        observations.append({"_day": day, "_sec": sec, "visitor_ref": ref, "cookie_name": cookie})
        group = "cookie_before_consent" if finding else "not_a_finding"
        planted[group].append({"visitor_ref": ref, "cookie_name": cookie, "why": why})

    d = days - 30
    # The withdrawal case lies before the withdraw link disappeared (WITHDRAW_LINK_GONE_DAYS).
    w = days - WITHDRAW_LINK_GONE_DAYS - 20
    visit("V-planted-early", d, "accept_all", 36060, True, True)
    seen("V-planted-early", d, 36001, "_ga", True, "analytics cookie set before the visitor decided")
    visit("V-planted-never", d + 1)
    seen("V-planted-never", d + 1, 36002, "_gid", True, "analytics cookie for a visitor who never decided")
    visit("V-planted-reject", d + 2, "reject_all", 36010, False, False)
    seen("V-planted-reject", d + 2, 36100, "_ga", True, "analytics cookie after reject all")
    visit("V-planted-withdrawn", w, "accept_all", 36010, True, True)
    events.append({"visitor_ref": "V-planted-withdrawn", "banner_version": banner, "device": "desktop",
                   "browser": "Chrome", "country": "SE", "_day": w + 2, "_sec": 40000, "action": "withdraw",
                   "functional": False, "analytics": False})
    seen("V-planted-withdrawn", w, 36200, "_ga", False, "analytics cookie while consent was in force")
    seen("V-planted-withdrawn", w + 3, 40000, "_ga", True, "analytics cookie after the visitor withdrew consent")
    visit("V-planted-custom", d + 4, "custom", 36010, False, True)
    seen("V-planted-custom", d + 4, 36300, "has_js", True, "functional cookie the visitor refused")
    seen("V-planted-custom", d + 4, 36301, "_gid", False, "analytics cookie the visitor allowed")
    visit("V-planted-same-second", d + 5, "accept_all", 36010, True, True)
    seen("V-planted-same-second", d + 5, 36010, "_ga", False, "cookie in the same second as the consent")
    visit("V-planted-session", d + 6)
    seen("V-planted-session", d + 6, 36005, "SESS9b2e71d0", False, "strictly necessary session cookie")
    visit("V-planted-unknown", d + 7, "accept_all", 36010, True, True)
    observations.append({"_day": d + 7, "_sec": 36020, "visitor_ref": "V-planted-unknown", "cookie_name": "_fbp"})
    planted["unknown_cookies"].append({"visitor_ref": "V-planted-unknown", "cookie_name": "_fbp"})
    schema = {"functional": pl.Boolean, "analytics": pl.Boolean}
    return (pl.DataFrame(events, schema_overrides=schema), pl.DataFrame(observations), planted)


def _write_csv(df: pl.DataFrame, path: str, gz: bool = False) -> None:
    data = df.write_csv().encode()
    if gz:
        buf = io.BytesIO()
        with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as fh:
            fh.write(data)
        data = buf.getvalue()
    with open(path, "wb") as fh:
        fh.write(data)


def generate(out: str, seed: int = 7, scale: float = 1.0, until: str | None = None,
             volumes: dict[str, float] | None = None) -> dict:
    """Write the logs and manifest.json into `out`; return the manifest.

    volumes overrides the scale per group ("requests": requests and holds, "transfers", "consent": banner events
    and cookie observations), so the benchmark can reach each log's target volume."""
    volumes = {"requests": scale, "transfers": scale, "consent": scale, **(volumes or {})}
    until_day = date.fromisoformat(until or DEFAULT_UNTIL)
    start = until_day - timedelta(days=729)
    cal = WorkingCalendar()
    os.makedirs(out, exist_ok=True)

    reqs, last_id = _requests(np.random.default_rng([seed, 1]), cal, start, until_day, volumes["requests"])
    planted_requests = _plant_requests(reqs, np.random.default_rng([seed, 2]), cal, until_day, last_id)
    reqs.rows.sort(key=lambda r: (r["occurred_at"], r["event_id"]))
    dsr = pl.DataFrame(reqs.rows, schema={k: pl.String for k in reqs.rows[0]})
    holds, planted_holds = _holds(reqs, np.random.default_rng([seed, 3]), until_day, volumes["requests"])
    transfers, planted_transfers = _transfers(np.random.default_rng([seed, 4]), start, until_day, volumes["transfers"])
    consent, cookies, consent_manifest = _consent(np.random.default_rng([seed, 5]), start, until_day,
                                                  volumes["consent"])

    _write_csv(dsr, os.path.join(out, FILES["dsr_events"]))
    with open(os.path.join(out, FILES["hold_events"]), "w", encoding="utf-8") as fh:
        for row in holds:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    _write_csv(transfers, os.path.join(out, FILES["transfers"]), gz=True)
    consent.write_parquet(os.path.join(out, FILES["consent_events"]), compression="zstd", statistics=True)
    cookies.write_parquet(os.path.join(out, FILES["cookie_observations"]), compression="zstd", statistics=True)

    cookie_plants = consent_manifest.pop("planted")
    consent_plants = {k: cookie_plants.pop(k)
                      for k in ("banner_checks", "withdrawal_may_be_hard", "necessary_not_in_policy")}
    manifest = {
        "generator": "python -m dashboard sample",
        "seed": seed, "scale": scale, **({"volumes": volumes} if set(volumes.values()) != {scale} else {}),
        "from": start.isoformat(), "until": until_day.isoformat(),
        "as_of": until_day.isoformat(),
        "note": "Planted problems hold as of as_of. Background data is clean by construction.",
        "files": FILES,
        "rows": {"dsr_events": dsr.height, "hold_events": len(holds), "transfers": transfers.height,
                 "consent_events": consent.height, "cookie_observations": cookies.height},
        "planted": {"requests": planted_requests, "holds": planted_holds, "transfers": planted_transfers,
                    "cookies": cookie_plants, "consent": consent_plants},
        "consent": consent_manifest,
    }
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, indent=2, ensure_ascii=False)
        fh.write("\n")
    return manifest
