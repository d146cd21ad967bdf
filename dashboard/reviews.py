"""The review journal: the DPO's decision on each finding instance, kept apart from the audit store.

GDPR Art. 5(2) asks the controller to be able to demonstrate compliance; a finding with the decision taken on it,
who took it and when is that evidence. The journal is an SQLite database in WAL mode beside the store
(AUDIT_REVIEW_DB, default data/reviews.sqlite), so the audit store stays read-only for the app.

It is append-only: triggers refuse every UPDATE and DELETE, so a decision is never edited or removed; a later
decision on the same finding instance supersedes it, and the history stays. A finding instance is the finding's rule
and what its row is about (a request id, a transfer id, a hold id, a cookie observation's event id, a banner
version, a cookie name, a rejected row), so a decision survives re-ingest and a change of period; a finding that
occurs again (a new cookie observation) is a new instance with its own history. No streamlit import: the CLI and
the tests use it too. docs/reviews.md.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

DEFAULT_PATH = "data/reviews.sqlite"
STATUSES = ("open", "in progress", "resolved", "accepted risk", "not an issue")
CLOSED = ("resolved", "accepted risk", "not an issue")  # a decision that needs no more work
MAX_NOTE, MAX_OWNER, MAX_INSTANCE = 2000, 100, 200
BUSY_MS = 30_000  # a writer waits this long for another writer's moment

# Each entry migrates the journal one version up (PRAGMA user_version); never edit one, add the next.
MIGRATIONS = (
    """
    create table decisions (
        id integer primary key autoincrement,
        rule text not null,
        instance text not null,
        status text not null check (status in ('open', 'in progress', 'resolved', 'accepted risk', 'not an issue')),
        owner text not null default '',
        note text not null default '',
        due text check (due is null or due glob '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        decided_by text not null,
        decided_at text not null
    );
    create index decisions_instance on decisions (rule, instance, id);
    create trigger decisions_never_edited before update on decisions
        begin select raise(abort, 'the review journal is append-only: record a new decision instead'); end;
    create trigger decisions_never_deleted before delete on decisions
        begin select raise(abort, 'the review journal is append-only: decisions are never deleted'); end;
    """,
)


class ReviewError(ValueError):
    """A decision that cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class Decision:
    id: int
    rule: str
    instance: str
    status: str
    owner: str
    note: str
    due: str | None
    decided_by: str
    decided_at: str

    @property
    def overdue_on(self):
        """The due date, when the decision still needs work (not closed)."""
        return date.fromisoformat(self.due) if self.due and self.status not in CLOSED else None


def path() -> Path:
    return Path(os.environ.get("AUDIT_REVIEW_DB", DEFAULT_PATH))


def connect(where: str | Path | None = None) -> sqlite3.Connection:
    """The journal, created and migrated on first use; WAL so readers never wait for a writer."""
    target = Path(where or path())
    target.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(target, timeout=BUSY_MS / 1000, isolation_level=None)
    con.execute(f"pragma busy_timeout = {BUSY_MS}")
    con.execute("pragma journal_mode = wal")
    con.execute("pragma foreign_keys = on")
    version = con.execute("pragma user_version").fetchone()[0]
    if version < len(MIGRATIONS):
        con.execute("begin immediate")
        try:
            version = con.execute("pragma user_version").fetchone()[0]  # another process may have migrated
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                # statements end at a line's end (a trigger's body keeps its inner ';' on its line)
                for statement in (s.strip() for s in script.split(";\n") if s.strip()):
                    con.execute(statement)
                con.execute(f"pragma user_version = {number}")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
    return con


def _clean(text: str | None, limit: int, what: str, redact: bool = False) -> str:
    """Checked text. Who decided and the owner are staff, named on purpose (accountability); a note may mention a
    data subject, so a personal number, e-mail address or phone number in it is replaced by a marker."""
    from dashboard import privacy

    text = (text or "").strip()
    if len(text) > limit:
        raise ReviewError(f"{what} is longer than {limit} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise ReviewError(f"{what} holds control characters")
    return privacy.redact(text) if redact else text


def record(rule: str, instance: str, status: str, decided_by: str, owner: str = "", note: str = "",
           due: date | str | None = None, where: str | Path | None = None) -> Decision:
    """Append one decision; it supersedes the earlier ones on the same finding instance. Raises ReviewError."""
    from dashboard import config, findings, privacy

    if rule not in findings.BY_RULE:
        raise ReviewError(f"unknown finding rule {rule[:40]!r}")
    if status not in STATUSES:
        raise ReviewError(f"status must be one of {', '.join(STATUSES)}")
    instance = (instance or "").strip()
    if not instance or len(instance) > MAX_INSTANCE:
        raise ReviewError(f"the finding instance must be the row's id (1 to {MAX_INSTANCE} characters)")
    if privacy.identifier_kind(instance):
        raise ReviewError(f"the finding instance holds what looks like a {privacy.identifier_kind(instance)}: "
                          "use the row's id or pseudonym, never a person's identity")
    if due is not None and not isinstance(due, date):
        try:
            due = date.fromisoformat(str(due).strip())
        except ValueError as exc:
            raise ReviewError("the due date must be YYYY-MM-DD") from exc
    if due is not None and not 1990 <= due.year <= config.today().year + 10:
        raise ReviewError("the due date is not plausible")
    row = (rule, instance, status, _clean(owner, MAX_OWNER, "the owner"), _clean(note, MAX_NOTE, "the note", redact=True),
           due.isoformat() if due else None, _clean(decided_by, MAX_OWNER, "who decided") or "local",
           datetime.now(timezone.utc).isoformat(timespec="microseconds"))
    with closing(connect(where)) as con:
        con.execute("begin immediate")
        try:
            cur = con.execute("insert into decisions (rule, instance, status, owner, note, due, decided_by, "
                              "decided_at) values (?, ?, ?, ?, ?, ?, ?, ?)", row)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        return Decision(cur.lastrowid, *row)


def _decisions(sql_text: str, params: tuple = (), where: str | Path | None = None) -> list[Decision]:
    if not Path(where or path()).exists():  # reading never creates the journal
        return []
    with closing(connect(where)) as con:
        return [Decision(*r) for r in con.execute(sql_text, params).fetchall()]


COLUMNS = "id, rule, instance, status, owner, note, due, decided_by, decided_at"


def latest(status: str | None = None, rule: str | None = None, where: str | Path | None = None) -> list[Decision]:
    """The decision in force on each finding instance (the latest), newest first; filtered by status or rule."""
    return _decisions(
        f"select {COLUMNS} from decisions d where id = (select max(id) from decisions e where e.rule = d.rule "
        "and e.instance = d.instance) and (? is null or status = ?) and (? is null or rule = ?) order by id desc",
        (status, status, rule, rule), where)


def every_id(where: str | Path | None = None) -> list[int]:
    if not Path(where or path()).exists():
        return []
    with closing(connect(where)) as con:
        return [r[0] for r in con.execute("select id from decisions order by id").fetchall()]


def history(rule: str, instance: str, where: str | Path | None = None) -> list[Decision]:
    """Every decision on one finding instance, oldest first."""
    return _decisions(f"select {COLUMNS} from decisions where rule = ? and instance = ? order by id",
                      (rule, instance), where)


def export_csv(dialect: str = "standard", where: str | Path | None = None) -> bytes:
    """The whole journal, every decision, oldest first, with the decision that superseded each, for an auditor:
    the dashboard's CSV (formula-like text neutralised; dialect as exports.csv_bytes)."""
    import polars as pl

    from dashboard.exports import csv_bytes

    rows = []
    if Path(where or path()).exists():
        with closing(connect(where)) as con:
            rows = con.execute(
                f"select {COLUMNS}, (select min(id) from decisions e where e.rule = d.rule "
                "and e.instance = d.instance and e.id > d.id) from decisions d order by id").fetchall()
    schema = {c: (pl.Int64 if c in ("id", "superseded_by") else pl.String) for c in [*COLUMNS.split(", "),
                                                                                      "superseded_by"]}
    return csv_bytes(pl.DataFrame(rows, schema=schema, orient="row"), dialect)


# The column of a finding's rows that names its finding instance (docs/reviews.md): by rule, else by area.
_INSTANCE_BY_RULE = {"cookie_before_consent": "event_id", "decisions_without_shown": "event_id",
                     "reject_may_be_hidden": "banner_version", "boxes_may_be_preticked": "banner_version",
                     "withdrawal_may_be_hard": "withdrawal_case", "unknown_cookie": "cookie_name",
                     "necessary_not_in_policy": "cookie_name"}
_INSTANCE_BY_AREA = {"requests": "request_id", "holds": "hold_id", "transfers": "transfer_id"}


def instance_column(rule: str) -> str:
    """The column of the rule's finding rows whose value is the finding instance."""
    from dashboard import findings

    if rule.endswith("_rows_rejected"):
        return "rejected_id"
    return _INSTANCE_BY_RULE.get(rule) or _INSTANCE_BY_AREA[findings.BY_RULE[rule].area]


def many_rows(rule: str) -> bool:
    """Rules whose rows can be many (a cookie observation, a consent decision, a rejected row each): only their
    decided rows are looked up, and the report counts the others instead of listing them."""
    return rule in ("cookie_before_consent", "decisions_without_shown") or rule.endswith("_rows_rejected")


def area_rules() -> dict[str, tuple[str, ...]]:
    """Per area, its findings' rules: every finding has instances a decision can be recorded on."""
    from dashboard import findings

    return {area: tuple(f.rule for f in findings.RULES if f.area == area) for area in findings.AREA_LOGS}


def rows_of(run, rule: str, params: dict[str, dict], ids: list[str] | None = None) -> set[str]:
    """The instances of a rule's finding rows in the period (the rows its count counts), from the queries the pages
    show them with; with ids, only those of them (cookie observations are looked up by id). run(name, **params)
    runs a query; params holds the areas' query parameters (metrics.review_params)."""
    from dashboard import consent, findings, holds, transfers

    found = findings.BY_RULE[rule]
    if rule == "cookie_before_consent" and ids is not None:
        frame = run("rpt_cookie_cases_decided", ids=ids, **params["consent"])
    elif rule.endswith("_rows_rejected"):
        frame = run("dq_rejected_in_period", log_name=found.link["dq_log"],
                    logs=[log for logs in findings.AREA_LOGS.values() for log in logs], **params["rejected"])
    elif found.area == "requests":
        frame = run("rpt_request_finding_rows", rule=rule, **params["requests"])
    elif found.area == "holds":
        frame = run(holds.FINDING_ROWS[rule], **params["holds"])
    elif found.area == "transfers":
        frame = run("rpt_transfer_log", **{**params["transfers"], **transfers.TransferFilter(rule=rule).params(),
                                           **transfers.every_row()})
    else:
        frame = consent.finding_rows(run, rule, params["consent"])[0]
    instances = {str(v) for v in frame[instance_column(rule)]}
    return instances if ids is None else instances & set(ids)


def standing(run, params: dict[str, dict], as_of: date, rule_counts: dict[str, int],
             where: str | Path | None = None) -> dict[str, dict[str, int]]:
    """Per area, the period's finding instances and how they stand in the journal: without a decision, by the
    status of the decision in force, and how many open ones are past their due date.

    The instances are counted by the rules' own counts (rule_counts, as metrics has them); a rule's rows are listed
    only when the journal has decisions on that rule, to see which decided rows the period still counts. So a
    journal with few decisions costs few queries."""
    decided: dict[tuple[str, str], Decision] = {(d.rule, d.instance): d for d in latest(where=where)}
    out = {}
    for area, rules in area_rules().items():
        found = sum(rule_counts.get(r, 0) for r in rules)
        by_status = {s: 0 for s in STATUSES}
        due_passed = 0
        for rule in rules:
            ids = [i for (r, i) in decided if r == rule]
            if not ids:
                continue
            for instance in rows_of(run, rule, params, ids):
                d = decided[(rule, instance)]
                by_status[d.status] += 1
                due_passed += bool(d.overdue_on and d.overdue_on < as_of)
        out[area] = {"findings": found, "without_decision": found - sum(by_status.values()), **by_status,
                     "due_passed": due_passed}
    return out


def present(run, params: dict[str, dict], decided: dict[tuple[str, str], Decision]
            ) -> dict[str, dict[str, set[str]]]:
    """Per area and rule, the instances of the period's finding rows (for the report's list); for the rules whose
    rows can be many (many_rows), only those the journal has a decision on."""
    return {area: {rule: rows_of(run, rule, params, [i for (r, i) in decided if r == rule] if many_rows(rule)
                                 else None) for rule in rules}
            for area, rules in area_rules().items()}


def _present_kind(rule: str) -> str | None:
    """What rpt_review_rows_present looks an instance of the rule up as; None for a case with no row to unload."""
    column = instance_column(rule)
    if column == "event_id":
        return "cookie_event" if rule == "cookie_before_consent" else "consent_event"
    return None if column == "withdrawal_case" else column


PRESENT_KINDS = ("request_id", "hold_id", "transfer_id", "cookie_event", "consent_event", "banner_version",
                 "cookie_name", "rejected_id")


def no_longer_present(run, decisions: list[Decision]) -> set[tuple[str, str]]:
    """The (rule, instance) of decisions whose row is no longer in the store (its file was unloaded): the decision
    stays in the journal, shown as "finding no longer present"."""
    from dashboard import findings

    kind_of = {d: _present_kind(d.rule) if d.rule in findings.BY_RULE else None for d in decisions}
    wanted = {f"{k}s": sorted({d.instance for d in decisions if kind_of[d] == k}) for k in PRESENT_KINDS}
    found = run("rpt_review_rows_present", **wanted)
    here = set(zip(found["kind"], found["row_id"]))
    return {(d.rule, d.instance) for d in decisions if kind_of[d] and (kind_of[d], d.instance) not in here}


def counts_by_area(where: str | Path | None = None) -> dict[str, dict[str, int]]:
    """Per area, the decisions in force by status (a finding instance counts once, by its latest decision)."""
    from dashboard import findings

    out: dict[str, dict[str, int]] = {area: {s: 0 for s in STATUSES} for area in findings.AREA_LOGS}
    for d in latest(where=where):
        area = findings.BY_RULE[d.rule].area if d.rule in findings.BY_RULE else None
        if area in out:
            out[area][d.status] += 1
    return out
