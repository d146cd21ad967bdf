-- ClickHouse's version of queries/job_consent_daily.sql (docs/scale.md): the banner's counts per local day
-- ({day_from}..{day_to}), banner version, device, browser and country; a visit is one visitor's day (in a
-- breakdown, one visitor's day in one group). Needs prefer_column_name_to_alias = 1 (a sum named as its column).
with events as (
    select
        toDate32(occurred_at, {tz:String}) as day,
        banner_version,
        device,
        browser,
        country,
        visitor_ref,
        occurred_at,
        action,
        action in ('accept_all', 'reject_all', 'custom') as is_decision,
        analytics,
        functional
    from consent_events
    where occurred_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
        and occurred_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
),

visits as (
    select
        day, banner_version, device, browser, country, visitor_ref,
        count() as events,
        countIf(action = 'shown') as shown,
        countIf(is_decision) as decisions,
        countIf(is_decision and analytics) as analytics,
        countIf(is_decision and functional) as functional,
        countIf(action = 'accept_all') as accept_all,
        countIf(action = 'reject_all') as reject_all,
        countIf(action = 'custom') as custom,
        countIf(action = 'custom' and analytics and functional) as custom_all_granted,
        countIf(action = 'withdraw') as withdrawals,
        minIfOrNull(occurred_at, action = 'shown') as first_shown_at
    from events
    group by day, banner_version, device, browser, country, visitor_ref
),

visit_days as (
    select
        *,
        max(shown > 0) over (partition by day, visitor_ref) as day_shown,
        max(decisions > 0) over (partition by day, visitor_ref) as day_decided,
        row_number() over (
            partition by day, visitor_ref
            order by first_shown_at asc nulls last, banner_version asc nulls last, device asc nulls last,
                browser asc nulls last, country asc nulls last
        ) = 1 as holds_the_day
    from visits
)

select
    day, banner_version, device, browser, country,
    sum(events) as events,
    sum(shown) as shown,
    sum(decisions) as decisions,
    sum(analytics) as analytics,
    sum(functional) as functional,
    sum(accept_all) as accept_all,
    sum(reject_all) as reject_all,
    sum(custom) as custom,
    sum(custom_all_granted) as custom_all_granted,
    sum(withdrawals) as withdrawals,
    countIf(holds_the_day and day_shown) as visits_shown,
    countIf(holds_the_day and day_shown and day_decided) as visits_decided,
    sumIf(decisions, not day_shown) as decisions_without_shown,
    countIf(shown > 0) as group_visits_shown,
    countIf(shown > 0 and decisions > 0) as group_visits_decided,
    sumIf(decisions, shown = 0) as group_decisions_without_shown
from visit_days
group by day, banner_version, device, browser, country
