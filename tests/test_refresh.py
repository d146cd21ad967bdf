"""The refresh jobs (docs/refresh.md): every figure read from a derived table equals the same figure computed from
the raw events, on the sample data and on random logs loaded in any order, re-loaded and unloaded; the tables kept
day by day equal a rebuild from scratch, row for row; an interrupted refresh is shown as pending and redone."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime, timedelta, timezone

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dashboard import consent, deadlines, holds, refresh, sql, transfers
from dashboard.ingest import ingest_file, unload
from tests.helpers import run_cli, snapshot, write

TZ = "Europe/Stockholm"
DERIVED = [job.table for job in refresh.JOBS]
GROUPINGS = ("all", "day", "week", "banner_version", "device", "browser", "country", "side")

# ---- the figures computed from the raw events, by the definitions in docs/consent.md -------------------------------

RAW_CONSENT_RATES = """
with e as (
    select *, cast(timezone($tz, occurred_at) as date) as d, action in ('accept_all', 'reject_all', 'custom') as dec
    from consent_events
    where cast(timezone($tz, occurred_at) as date) between $date_from and $date_to
),
k as (
    select *,
        case $group_by
            when 'day' then strftime(d, '%Y-%m-%d')
            when 'week' then strftime(date_trunc('week', d), '%Y-%m-%d')
            when 'all' then 'all'
            when 'banner_version' then banner_version
            when 'device' then coalesce(device, '(unknown)')
            when 'browser' then coalesce(browser, '(unknown)')
            when 'country' then coalesce(country, '(unknown)')
            when 'side' then case when d < $change_day then 'before' else 'after' end
        end as group_key,
        -- a visit: a visitor's day; in a breakdown by a banner or visitor attribute, a visitor's day in one group
        case when $group_by in ('all', 'day', 'week', 'side') then [visitor_ref, cast(d as varchar)]
            else [visitor_ref, cast(d as varchar), banner_version, device, browser, country] end as visit,
    from e
),
visits as (
    select group_key, visit, bool_or(action = 'shown') as was_shown, count(*) filter (where dec) as decided
    from k group by group_key, visit
),
per_group as (
    select group_key,
        count(*) filter (where was_shown) as shown_visits,
        count(*) filter (where was_shown and decided > 0) as decided_visits,
        coalesce(sum(decided) filter (where not was_shown), 0) as without_shown,
    from visits group by group_key
),
counts as (
    select group_key,
        count(*) filter (where action = 'shown') as shown,
        count(*) filter (where dec) as decisions,
        count(*) filter (where dec and analytics) as analytics,
        count(*) filter (where dec and functional) as functional,
        count(*) filter (where action = 'accept_all') as accept_all,
        count(*) filter (where action = 'reject_all') as reject_all,
        count(*) filter (where action = 'custom') as custom,
        count(*) filter (where action = 'withdraw') as withdrawals,
    from k group by group_key
)
select c.group_key, c.shown, c.decisions,
    p.decided_visits / nullif(p.shown_visits, 0) as interaction_rate,
    c.analytics / nullif(c.decisions, 0) as analytics_rate,
    c.functional / nullif(c.decisions, 0) as functional_rate,
    c.accept_all / nullif(c.decisions, 0) as accept_all_rate,
    c.reject_all / nullif(c.decisions, 0) as reject_all_rate,
    c.custom / nullif(c.decisions, 0) as custom_rate,
    c.withdrawals, p.without_shown as decisions_without_shown
from counts c join per_group p using (group_key)
order by group_key
"""

# The consent in force at an observation, without an ASOF join: the latest decision or withdrawal at or before it
# (of several at that instant, the one granting least: analytics refused first, then functional).
RAW_COOKIES = """
with choices as (
    select visitor_ref, occurred_at, analytics, functional from consent_events
    where action in ('accept_all', 'reject_all', 'custom', 'withdraw')
),
o as (
    select o.*, cast(timezone($tz, o.observed_at) as date) as d,
        (select arg_max(c.analytics, (c.occurred_at, not c.analytics, not c.functional)) from choices c
         where c.visitor_ref = o.visitor_ref and c.occurred_at <= o.observed_at) as analytics,
        (select arg_max(c.functional, (c.occurred_at, not c.analytics, not c.functional)) from choices c
         where c.visitor_ref = o.visitor_ref and c.occurred_at <= o.observed_at) as functional,
    from cookie_observations o
    where cast(timezone($tz, o.observed_at) as date) between $date_from and $date_to
),
checked as (
    select o.*, coalesce(c.category, 'unknown') as category,
        coalesce(c.category, 'unknown') in ('analytics', 'functional') and not coalesce(
            case coalesce(c.category, 'unknown') when 'analytics' then o.analytics
                when 'functional' then o.functional end, false) as before
    from o left join categories c using (cookie_name)
)
select cookie_name, any_value(category) as category, count(*) as observations,
    count(distinct (visitor_ref, d)) as visitor_days, count(*) filter (where before) as before_consent
from checked group by cookie_name order by cookie_name
"""

RAW_LOGS = " union all ".join(
    f"""select '{log}' as log_name, count(*) as row_count,
        min(cast(timezone($tz, {column}) as date)) as first_day, max(cast(timezone($tz, {column}) as date)) as last_day,
        max(cast(timezone($tz, {column}) as date)) filter (where cast(timezone($tz, {column}) as date) <= $as_of)
            as fresh_day,
        count(*) filter (where cast(timezone($tz, {column}) as date) between $date_from and $date_to) as in_period
    from {log}""" for log, column in (("dsr_events", "occurred_at"), ("hold_events", "occurred_at"),
                                      ("transfers", "occurred_at"), ("consent_events", "occurred_at"),
                                      ("cookie_observations", "observed_at")))

# A hold as of a day, from its events (as stg_hold_states read them before hold_rollup kept them).
RAW_HOLDS = """
with events as (
    select *, cast(timezone($tz, occurred_at) as date) as local_day,
        min(occurred_at) filter (where event = 'placed' and cast(timezone($tz, occurred_at) as date) <= $as_of)
            over (partition by hold_id) as placed_at
    from hold_events where cast(timezone($tz, occurred_at) as date) <= $as_of
)
select hold_id,
    min(local_day) filter (where event = 'placed') as placed_day,
    arg_min(request_id, (occurred_at, event_id)) filter (where event = 'placed') as request_id,
    arg_min(data_category, (occurred_at, event_id)) filter (where event = 'placed') as data_category,
    arg_min(record_count, (occurred_at, event_id)) filter (where event = 'placed') as record_count,
    arg_min(retain_until, (occurred_at, event_id)) filter (where event = 'placed') as retain_until,
    min(local_day) filter (where event = 'released' and occurred_at >= placed_at) as released_day,
    min(occurred_at) filter (where event = 'released' and occurred_at < placed_at) is not null as released_before_placed
from events group by hold_id having min(local_day) filter (where event = 'placed') is not null
order by hold_id
"""

HOLD_COLUMNS = "hold_id, placed_day, request_id, data_category, record_count, retain_until, released_day, " \
               "released_before_placed"


def assert_holds_agree(con, as_of: date) -> None:
    """Every hold's state as of a day from hold_rollup equals the state from its events."""
    states = con.sql(f"select {HOLD_COLUMNS} from (" + sql.load("stg_hold_states") + ") order by hold_id",
                     params=sql.bind("stg_hold_states", holds.params(as_of, TZ))).fetchall()
    assert states == con.sql(RAW_HOLDS, params={"tz": TZ, "as_of": as_of}).fetchall(), as_of

RAW_BANNER = """
select banner_version,
    count(*) filter (where action in ('accept_all', 'reject_all', 'custom')) as decisions,
    count(*) filter (where action = 'custom') as custom,
    min(cast(timezone($tz, occurred_at) as date)) as first_day,
from consent_events group by banner_version order by banner_version
"""

# A request's row from all its events at once (the job's statement over every day), not file by file.
ALL_REQUESTS = ("select * exclude (first_at) from (" + sql.load("job_request_rollup") + ") order by request_id")
EVERY_DAY = {"tz": TZ, "day_from": date(1900, 1, 1), "day_to": date(2999, 12, 31)}

# A request as of a day from the instants of its first events, each converted to the local day when it is read (as
# stg_request_receipts read them before request_rollup kept the local days): the kept days must give the same rows.
RAW_RECEIPTS = """
with firsts as (""" + sql.load("job_request_rollup") + """),
bounds as (select timezone($tz, cast($as_of as timestamp) + interval 1 day) as before_end_of_as_of),
in_scope as (
    select r.* from firsts as r, bounds as b
    where r.received_at < b.before_end_of_as_of
        and ((($scope_from is null or r.received_at >= timezone($tz, cast($scope_from as timestamp)))
              and ($scope_to is null or r.received_at < timezone($tz, cast($scope_to as timestamp) + interval 1 day)))
             or ($open_too and (r.closed_at is null or r.closed_at >= b.before_end_of_as_of
                                or r.closed_at < r.received_at)))
        and (not $only_open or r.closed_at is null or r.closed_at >= b.before_end_of_as_of
             or r.closed_at < r.received_at)
)
select r.request_id, cast(timezone($tz, r.received_at) as date), r.request_type, r.channel, r.subject_ref,
    case when r.requested_at < b.before_end_of_as_of and r.requested_at >= r.received_at
        then cast(timezone($tz, r.requested_at) as date) end,
    case when r.verified_at < b.before_end_of_as_of and r.verified_at >= r.received_at
        then cast(timezone($tz, r.verified_at) as date) end,
    case when r.extended_at < b.before_end_of_as_of and r.extended_at >= r.received_at
        then cast(timezone($tz, r.extended_at) as date) end,
    case when r.closed_at < b.before_end_of_as_of and r.closed_at >= r.received_at
        then cast(timezone($tz, r.closed_at) as date) end,
    case when r.closed_at < b.before_end_of_as_of and r.closed_at >= r.received_at then r.outcome end,
    nullif(concat_ws(', ',
        case when r.requested_at < r.received_at then 'identity_requested' end,
        case when r.verified_at < r.received_at then 'identity_verified' end,
        case when r.extended_at < r.received_at then 'extended' end,
        case when r.closed_at < r.received_at then r.outcome end), '')
from in_scope as r, bounds as b
order by r.request_id
"""
RECEIPT_SCOPES = ({"scope_from": None, "scope_to": None, "only_open": False, "open_too": False},
                  {"scope_from": None, "scope_to": None, "only_open": True, "open_too": False})


def assert_requests_agree(con, as_of: date, date_from: date, date_to: date) -> None:
    """Every request's state as of a day read from request_rollup's kept days equals the one read from its events
    (whole, in scope of a period with the backlog, or only the open ones), and the requests a period received per
    week add up to its figure."""
    scopes = (*RECEIPT_SCOPES, {"scope_from": date_from, "scope_to": date_to, "only_open": False, "open_too": True})
    for scope in scopes:
        p = {"as_of": as_of, "only_id": None, **scope}
        kept = con.sql("select * from (" + sql.load("stg_request_receipts") + ") order by request_id",
                       params=p).fetchall()
        assert kept == con.sql(RAW_RECEIPTS, params={**EVERY_DAY, **scope, "as_of": as_of}).fetchall(), (as_of, scope)
    p = deadlines.period_params(as_of, date_from, date_to)
    weekly = sql.run(con, "rpt_request_volume", grain="week", **p)
    assert weekly["requests"].sum() == sql.run(con, "rpt_request_kpis", **p)["received"][0], (as_of, date_from)


def _params(date_from: date, date_to: date, group_by: str = "all", change_day: date | None = None) -> dict:
    return consent.params(date_from, date_to, TZ, group_by, change_day or date_from + timedelta(days=1))


def _frame_rows(frame, columns) -> list[tuple]:
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in frame.select(columns).iter_rows()]


def assert_figures_agree(db, date_from: date, date_to: date) -> None:
    """Every banner and cookie figure the pages read, from the derived tables and from the raw events."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        for group_by in GROUPINGS:
            p = _params(date_from, date_to, group_by)
            kept = sql.run(con, "rpt_consent_rates", **p)
            raw = con.sql(RAW_CONSENT_RATES, params={k: p[k] for k in ("tz", "date_from", "date_to", "group_by",
                                                                           "change_day")}).pl()
            assert _frame_rows(kept, raw.columns) == _frame_rows(raw, raw.columns), group_by
        p = _params(date_from, date_to)
        con.execute("create temp table categories as select cookie_name, category from ("
                    + sql.load("stg_cookie_categories") + ")", {"inventory": p["inventory"]})
        raw = con.sql(RAW_COOKIES, params={"tz": TZ, "date_from": date_from, "date_to": date_to}).pl()
        kept = sql.run(con, "rpt_cookie_summary", **p).sort("cookie_name")
        assert _frame_rows(kept, raw.columns) == _frame_rows(raw, raw.columns)
        count = sql.run(con, "rpt_cookie_before_consent_count", **p).row(0, named=True)
        assert count["before_consent"] == raw["before_consent"].sum()
        assert count["unknown_cookies"] == raw.filter(raw["category"] == "unknown").height
        listed = sql.run(con, "rpt_cookies_before_consent", **p, limit=1_000_000, offset=0)
        assert listed.height == raw["before_consent"].sum(), "the rows the finding lists are the rows it counts"
        without = sql.run(con, "rpt_decisions_without_shown", **p)
        assert without.height == sql.run(con, "rpt_consent_kpis", **p)["decisions_without_shown"][0]
        banner = con.sql(RAW_BANNER, params={"tz": TZ}).pl()
        versions = sql.run(con, "rpt_banner_versions", tz=TZ)
        assert dict(versions.select("banner_version", "first_day").iter_rows()) == dict(
            banner.select("banner_version", "first_day").iter_rows())
        as_of = date_to - timedelta(days=1)
        raw_logs = con.sql(RAW_LOGS, params={"tz": TZ, "as_of": as_of, "date_from": date_from, "date_to": date_to}
                           ).fetchall()
        assert sql.run(con, "dq_rows_per_log").rows() == [r[:4] for r in raw_logs]
        fresh = sql.run(con, "rpt_log_freshness", as_of=as_of, date_from=date_from, date_to=date_to)
        assert fresh.rows() == [(r[0], r[4], r[5]) for r in raw_logs]
        span = sql.run(con, "store_span").row(0)
        assert span == (min((r[2] for r in raw_logs if r[2]), default=None),
                        max((r[3] for r in raw_logs if r[3]), default=None))
        kept_requests = con.sql("select * exclude (first_at) from request_rollup order by request_id").fetchall()
        assert kept_requests == con.sql(ALL_REQUESTS, params=EVERY_DAY).fetchall()
        for day in (date_from, as_of, date_to):
            assert_holds_agree(con, day)
            assert_requests_agree(con, day, date_from, date_to)
    finally:
        con.close()


def derived(db) -> dict:
    return {name: digest for name, digest in snapshot(db).items() if name in DERIVED}


def assert_equal_to_a_rebuild(db, tmp_path) -> None:
    """The tables kept day by day, file by file, are the tables a rebuild from the logs makes."""
    copy = tmp_path / "rebuilt.duckdb"
    shutil.copy(db, copy)
    refresh.run_pending(copy, everything=True)
    assert derived(db) == derived(copy)
    assert refresh.pending(duckdb.connect(str(db), read_only=True)) == []


# ---- the sample data -------------------------------------------------------------------------------------------

def test_the_sample_datas_figures_from_the_derived_tables_equal_the_raw_events(sample_store, tmp_path):
    assert_figures_agree(sample_store, date(2026, 8, 27), date(2026, 11, 24))
    assert_figures_agree(sample_store, date(2025, 11, 25), date(2026, 11, 24))
    assert_figures_agree(sample_store, date(2026, 3, 28), date(2026, 3, 30))  # the spring DST change
    assert_equal_to_a_rebuild(sample_store, tmp_path)


@pytest.mark.parametrize("offset, limit", [(0, 50), (50, 50), (0, 1), (7, 13), (4990, 50), (10**6, 50), (0, None)])
def test_a_page_of_cookie_rows_read_from_its_first_day_is_the_same_page(sample_store, offset, limit):
    """consent.before_consent_page reads a page from the day the daily counts say it starts: the same rows as
    the page cut from every row of the period, and the period's count."""
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        p = _params(date(2025, 11, 25), date(2026, 11, 24))
        every = sql.run(con, "rpt_cookies_before_consent", **p, limit=None, offset=0)
        rows, total = consent.before_consent_page(lambda name, **kw: sql.run(con, name, **kw), p, limit, offset)
        assert total == every.height
        assert rows.equals(every.slice(offset, limit))
    finally:
        con.close()


# ---- transfers: every figure from transfer_daily equals the figure from the log, under any filter ------------------

TRANSFER_FIGURES = ("rpt_transfer_summary", "rpt_transfer_trend", "rpt_transfer_breakdown", "rpt_transfer_countries",
                    "rpt_transfer_findings")


def _from_the_log(name: str) -> str:
    """The figure query as it reads the transfer log itself (stg_transfers with counts=false)."""
    text = (sql.QUERY_DIR / f"{name}.sql").read_text(encoding="utf-8")
    assert "counts=true" in text
    return sql._REF.sub(sql._inline, text.replace("counts=true", "counts=false"))


def assert_transfer_figures_agree(con, params: dict) -> None:
    for name in TRANSFER_FIGURES:
        own = sql.bind(name, params)
        kept = con.sql(sql.load(name), params=own).pl()
        raw = con.sql(_from_the_log(name), params=own).pl()
        assert _frame_rows(kept, raw.columns) == _frame_rows(raw, raw.columns), (name, params)


filters = st.builds(
    transfers.TransferFilter,
    recipient=st.sampled_from(["", "ab", "moln", "Bank", "zz-none"]),
    recipient_types=st.lists(st.sampled_from(["processor", "sub_processor", "authority", "acquirer", "controller"]),
                             max_size=2, unique=True).map(tuple),
    countries=st.lists(st.sampled_from(["SE", "US", "SG", "IN", "GB", "DE"]), max_size=2, unique=True).map(tuple),
    region=st.sampled_from(["", "eea", "non_eea"]),
    mechanisms=st.lists(st.sampled_from(["eea", "scc", "adequacy", "none", "derogation"]), max_size=2,
                        unique=True).map(tuple),
    purposes=st.lists(st.sampled_from(["hosting", "payment", "sale", "tax", "support"]), max_size=2,
                      unique=True).map(tuple),
    categories=st.lists(st.sampled_from(["contact", "identity", "financial"]), max_size=2, unique=True).map(tuple),
    only_findings=st.booleans(),
    rule=st.sampled_from(["", *transfers.RULES]),
    without_safeguard=st.booleans(),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=filters, days=st.sampled_from([(date(2026, 8, 27), date(2026, 11, 24)),
                                             (date(2025, 11, 25), date(2026, 11, 24)),
                                             (date(2026, 3, 28), date(2026, 3, 30))]),
       grain=st.sampled_from(["week", "month"]))
def test_transfer_figures_from_the_daily_counts_equal_the_log_under_any_filter(sample_store, chosen, days, grain):
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        assert_transfer_figures_agree(con, {**transfers.base_params(*days, TZ), **chosen.params(), "grain": grain})
    finally:
        con.close()


def test_a_filter_on_single_transfers_reads_the_log(sample_store):
    """decided (the review journal's transfers) cannot be answered from counts: the figures read the log then."""
    con = duckdb.connect(str(sample_store), read_only=True)
    try:
        some = [r[0] for r in con.sql("select transfer_id from transfers where mechanism = 'none' limit 3").fetchall()]
        base = transfers.base_params(date(2024, 11, 25), date(2026, 11, 24), TZ)
        for decided in ("decided", "without"):
            chosen = transfers.TransferFilter(rule="non_eea_without_mechanism", decided=decided, decided_ids=tuple(some))
            summary = sql.run(con, "rpt_transfer_summary", **base, **chosen.params()).row(0, named=True)
            rows = sql.run(con, "rpt_transfer_log", **base, **chosen.params(), **transfers.every_row())
            assert summary["transfers"] == rows.height
            if decided == "decided":
                assert summary["transfers"] == len(some) == 3
    finally:
        con.close()


# ---- random logs, files in any order, a file loaded twice, a file unloaded -----------------------------------------

START = datetime(2026, 3, 27, tzinfo=timezone.utc)  # the days cover the change to summer time (2026-03-29)
VISITORS = [f"V-{i}" for i in range(6)]
COOKIES = ["_ga", "_gid", "_ga_X1", "has_js", "SSESS1a", "_fbp"]


@st.composite
def logs(draw):
    # whole hours, so that a visitor's events often share an instant (ties have a rule: docs/consent.md)
    moments = draw(st.lists(st.tuples(st.sampled_from(VISITORS), st.integers(0, 4 * 24 - 1).map(lambda k: 3600 * k)),
                            min_size=1, max_size=40))
    consent_rows, cookie_rows = [], []
    for n, (visitor, second) in enumerate(moments):
        at = (START + timedelta(seconds=second)).isoformat()
        if draw(st.integers(0, 2)) == 0:
            cookie_rows.append({"event_id": f"o{n}", "observed_at": at, "visitor_ref": visitor,
                                "cookie_name": draw(st.sampled_from(COOKIES)), "page": "/"})
            continue
        action = draw(st.sampled_from(["shown", "shown", "accept_all", "reject_all", "custom", "withdraw"]))
        flags = {"accept_all": ("true", "true"), "reject_all": ("false", "false"), "withdraw": ("false", "false"),
                 "shown": ("", "")}.get(action) or (draw(st.sampled_from(["true", "false"])),
                                                   draw(st.sampled_from(["true", "false"])))
        consent_rows.append({"event_id": f"c{n}", "occurred_at": at, "visitor_ref": visitor, "action": action,
                             "functional": flags[0], "analytics": flags[1],
                             "banner_version": draw(st.sampled_from(["v1", "v2"])),
                             "device": draw(st.sampled_from(["desktop", "mobile", ""])),
                             "browser": draw(st.sampled_from(["Firefox", "Chrome"])), "country": "SE"})
    return consent_rows, cookie_rows, draw(st.randoms(use_true_random=False))


def _files(tmp_path, log: str, data: list[dict], rnd: random.Random) -> list:
    """The rows cut into one to three files, each sorted by time (as exports are) but spanning any days."""
    if not data:
        return []
    cuts = sorted(rnd.sample(range(1, len(data)), min(rnd.randint(0, 2), len(data) - 1))) if len(data) > 1 else []
    shuffled = rnd.sample(data, len(data))
    parts = [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(shuffled)])]
    return [write(tmp_path / f"{log}_{i}.csv", sorted(part, key=lambda r: r.get("occurred_at") or r["observed_at"]))
            for i, part in enumerate(parts)]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=logs())
def test_random_logs_in_any_order_give_the_raw_figures(tmp_path_factory, data):
    consent_rows, cookie_rows, rnd = data
    tmp_path = tmp_path_factory.mktemp("refresh")
    db = tmp_path / "audit.duckdb"
    files = _files(tmp_path, "consent_events", consent_rows, rnd) + _files(tmp_path, "cookie_observations",
                                                                            cookie_rows, rnd)
    rnd.shuffle(files)
    runs = [ingest_file(str(f), db) for f in files]
    assert all(r.exit_code == 0 and not r.refresh_problem for r in runs), [r.rejections for r in runs]
    if rnd.random() < 0.5:  # the same file again: nothing new, nothing changes
        before = derived(db)
        assert ingest_file(str(rnd.choice(files)), db).accepted == 0
        assert derived(db) == before
    if rnd.random() < 0.5:  # one file taken back out
        unload(rnd.choice(runs).run_id, db)
    first, last = START.date(), (START + timedelta(days=4)).date()
    assert_figures_agree(db, first, last)
    assert_figures_agree(db, first + timedelta(days=1), first + timedelta(days=2))
    assert_equal_to_a_rebuild(db, tmp_path)


@st.composite
def request_logs(draw):
    rows = []
    # seconds of a UTC day: any, or on either side of local midnight in winter and summer (23:00 and 22:00 UTC); and
    # often an instant an earlier event has, so that events of a request share an instant or a local day's end
    seconds = st.one_of(st.integers(0, 86399), st.sampled_from([0, 79199, 79200, 82799, 82800, 86399]))
    for n in range(draw(st.integers(1, 14))):
        event = draw(st.sampled_from(["received", "received", "identity_requested", "identity_verified", "extended",
                                      "completed", "rejected", "withdrawn"]))
        request = draw(st.sampled_from(["r1", "r2", "r3"]))
        at = START + timedelta(days=draw(st.integers(0, 70)), seconds=draw(seconds))
        same = [r["occurred_at"] for r in rows if r["request_id"] == request]
        if same and draw(st.booleans()):
            at = datetime.fromisoformat(draw(st.sampled_from(same)))
        rows.append({"event_id": f"e{n}", "request_id": request,
                     "occurred_at": at.isoformat(), "event": event, "request_type": "access", "channel": "email",
                     "subject_ref": draw(st.sampled_from(["S-1", "S-2"])), "note": ""})
    sent = []
    for n in range(draw(st.integers(0, 10))):
        at = START + timedelta(days=draw(st.integers(0, 70)), seconds=draw(st.integers(0, 86399)))
        sent.append({"transfer_id": f"t{n}", "occurred_at": at.isoformat(),
                     "recipient": draw(st.sampled_from(["Molnhus AB", "Datacorp Inc"])),
                     "recipient_type": draw(st.sampled_from(["processor", "authority"])),
                     "country": draw(st.sampled_from(["SE", "US"])),
                     "mechanism": draw(st.sampled_from(["eea", "scc", "none"])), "legal_basis": "contract",
                     "purpose": draw(st.sampled_from(["hosting", "sale"])),
                     "data_categories": draw(st.sampled_from(["contact", "contact;identity"])),
                     "record_count": str(draw(st.integers(1, 50))), "reference": ""})
    held = []
    for n in range(draw(st.integers(0, 8))):  # (the holds' kept days: around local midnight too)
        at = START + timedelta(days=draw(st.integers(0, 70)), seconds=draw(seconds))
        held.append({"event_id": f"h{n}", "hold_id": draw(st.sampled_from(["H1", "H2", "H3"])),
                     "occurred_at": at.isoformat(), "event": draw(st.sampled_from(["placed", "placed", "released"])),
                     "request_id": draw(st.sampled_from(["r1", "r2"])), "subject_ref": "S-1",
                     "data_category": draw(st.sampled_from(["bookkeeping", "credit"])),
                     "legal_basis": "bookkeeping_act", "record_count": str(draw(st.integers(1, 9))),
                     "retain_until": draw(st.sampled_from(["2026-07-01", "2033-12-31"]))})
    return rows, sent, held, draw(st.randoms(use_true_random=False))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=request_logs())
def test_requests_holds_and_transfers_follow_any_order_of_files_and_unloads(tmp_path_factory, data):
    rows, sent, held, rnd = data
    tmp_path = tmp_path_factory.mktemp("requests")
    db = tmp_path / "audit.duckdb"
    files = (_files(tmp_path, "dsr_events", rows, rnd) + _files(tmp_path, "transfers", sent, rnd)
             + _files(tmp_path, "hold_events", held, rnd))
    rnd.shuffle(files)
    runs = [ingest_file(str(f), db) for f in files]
    assert all(r.exit_code == 0 for r in runs), [r.rejections for r in runs]
    if len(runs) > 1 and rnd.random() < 0.7:  # a request's first event may go, moving its row to a later day
        unload(rnd.choice(runs).run_id, db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        kept = con.sql("select * exclude (first_at) from request_rollup order by request_id").fetchall()
        assert kept == con.sql(ALL_REQUESTS, params=EVERY_DAY).fetchall()
        assert_transfer_figures_agree(con, {**transfers.base_params(START.date(), date(2026, 6, 30), TZ),
                                            **transfers.TransferFilter().params(), "grain": "week"})
        for day in (START.date() + timedelta(days=d) for d in (0, 20, 40, 100)):
            assert_holds_agree(con, day)
            assert_requests_agree(con, day, START.date() + timedelta(days=10), START.date() + timedelta(days=40))
    finally:
        con.close()
    assert_equal_to_a_rebuild(db, tmp_path)


# ---- pending days: shown while they last, redone by the next run ---------------------------------------------------

def test_an_interrupted_refresh_is_shown_as_pending_and_redone(copy_store, tmp_path, monkeypatch):
    good = derived(copy_store)
    monkeypatch.setattr(refresh, "_chunks",
                        lambda con, job, lo, hi, tz: iter([(lo, lo), (lo + timedelta(days=1), hi)]))
    real = refresh._run_range
    calls = []

    def dies_on_the_second_month(con, job, lo, hi, tz):
        calls.append(job.table)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a killed process would stop
        real(con, job, lo, hi, tz)

    monkeypatch.setattr(refresh, "_run_range", dies_on_the_second_month)
    with pytest.raises(KeyboardInterrupt):
        refresh.run_pending(copy_store, everything=True)
    monkeypatch.undo()
    con = duckdb.connect(str(copy_store), read_only=True)
    try:
        shown = sql.run(con, "store_refresh_pending", tz=TZ)
        assert set(shown["job"]) == set(DERIVED), "every job's days are pending, the one cut short included"
        assert shown.filter(shown["job"] == "cookie_consent")["day_from"][0] is not None, "its first month is done"
    finally:
        con.close()
    assert derived(copy_store) != good
    done = refresh.run_pending(copy_store)
    assert {d.table for d in done} == set(DERIVED)
    assert derived(copy_store) == good
    con = duckdb.connect(str(copy_store), read_only=True)
    try:
        assert sql.run(con, "store_refresh_pending", tz=TZ).is_empty()
    finally:
        con.close()


def test_a_change_of_time_zone_rebuilds_the_days(copy_store, monkeypatch):
    monkeypatch.setenv("AUDIT_TZ", "UTC")
    con = duckdb.connect(str(copy_store), read_only=True)
    try:
        assert set(sql.run(con, "store_refresh_pending", tz="UTC")["job"]) == set(DERIVED)
    finally:
        con.close()
    refresh.run_pending(copy_store)
    con = duckdb.connect(str(copy_store), read_only=True)
    try:
        assert sql.run(con, "store_refresh_pending", tz="UTC").is_empty()
        days = con.sql("select sum(events) from consent_daily where day = date '2026-06-01'").fetchall()[0][0]
        raw = con.sql("select count(*) from consent_events where cast(timezone('UTC', occurred_at) as date) "
                      "= date '2026-06-01'").fetchall()[0][0]
        assert days == raw
    finally:
        con.close()


def test_the_refresh_command_says_what_it_did(copy_store):
    def cli(*args):
        return run_cli("refresh", "--db", str(copy_store), *args, env={"AUDIT_LANG": "en"})

    nothing = cli()
    assert nothing.returncode == 0 and "Nothing was pending" in nothing.stdout
    some = cli("--from", "2026-06-01", "--to", "2026-06-30", "--quiet")
    assert some.returncode == 0 and "consent_daily: 2026-06-01 – 2026-06-30 refreshed" in some.stdout
    backwards = cli("--from", "2026-06-30", "--to", "2026-06-01")
    assert backwards.returncode == 2 and "--from is after --to" in backwards.stderr


def test_a_page_says_a_refresh_is_pending_until_it_is_done(copy_store, monkeypatch):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.test_consent import APP

    con = duckdb.connect(str(copy_store))
    try:
        refresh.queue(con, "consent_daily", date(2026, 6, 1), date(2026, 6, 30), alias="main")
    finally:
        con.close()
    monkeypatch.setenv("AUDIT_DB", str(copy_store))
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    pending = [w.value for w in at.warning if "refresh of the derived tables is pending" in w.value]
    assert pending and "banner counts per day: 2026-06-01 – 2026-06-30" in pending[0]
    report = run_cli("report", "--month", "2026-06", "--lang", "en", "--db", str(copy_store), "--out",
                     str(copy_store.parent / "report.html"))
    assert report.returncode == 0, report.stderr
    assert ("a refresh of the derived tables was pending (banner counts per day: 2026-06-01 – 2026-06-30)"
            in (copy_store.parent / "report.html").read_text(encoding="utf-8"))
    refresh.run_pending(copy_store)
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not [w for w in at.warning if "refresh" in w.value]


def test_days_joined_into_runs_of_bounded_rows_give_the_same_tables(copy_store, monkeypatch):
    """A refresh joins whole days into one transaction while they hold at most CHUNK_ROWS rows of the job's logs (a
    day holding more is read alone), across months or within one; the runs cover every day of the range; the tables
    are the same however the days are cut."""
    runs = []
    real = refresh._run_range

    def recording(con, job, lo, hi, tz):
        runs.append((job, lo, hi))
        real(con, job, lo, hi, tz)

    monkeypatch.setattr(refresh, "_run_range", recording)
    con = duckdb.connect(str(copy_store), read_only=True)
    busiest_month, busiest_day = con.execute(
        "select max(n) filter (where grain = 'month'), max(n) filter (where grain = 'day') from ("
        "select 'month' as grain, count(*) as n from consent_events group by date_trunc('month', timezone($tz, occurred_at)) "
        "union all select 'day', count(*) from consent_events group by cast(timezone($tz, occurred_at) as date))",
        {"tz": TZ}).fetchall()[0]
    con.close()

    def check(bound: int) -> list:
        runs.clear()
        monkeypatch.setattr(refresh, "CHUNK_ROWS", bound)
        refresh.run_pending(copy_store, everything=True)
        con = duckdb.connect(str(copy_store), read_only=True)
        try:
            for job, lo, hi in runs:
                rows = sum(con.execute(f"select count(*) from {t} where {c} >= timezone($tz, cast($lo as timestamp)) "
                                       f"and {c} < timezone($tz, cast($hi as timestamp) + interval 1 day)",
                                       {"tz": TZ, "lo": lo, "hi": hi}).fetchall()[0][0]
                           for t, c in (s.split(".") for s in job.sources))
                assert rows <= bound or lo == hi, (job.table, lo, hi, rows)
        finally:
            con.close()
        consent = [(lo, hi) for job, lo, hi in runs if job.table == "consent_daily"]
        assert all(b[0] == a[1] + timedelta(days=1) for a, b in zip(consent, consent[1:])), "every day, once"
        return consent

    joined = check(2 * busiest_month)  # two to a few months a run
    assert any((lo.year, lo.month) != (hi.year, hi.month) for lo, hi in joined), "months are joined"
    tables = derived(copy_store)
    cut = check(4 * busiest_day)  # a few days a run: a month is cut
    assert any((lo.year, lo.month) == (hi.year, hi.month) and (hi - lo).days < 27 for lo, hi in cut)
    assert len(cut) > len(joined)
    assert derived(copy_store) == tables
