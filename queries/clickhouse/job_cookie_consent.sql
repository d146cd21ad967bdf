-- ClickHouse's version of queries/job_cookie_consent.sql (docs/scale.md): each cookie observation of the local
-- days {day_from}..{day_to} with the visitor's latest decision or withdrawal at or before it (ASOF LEFT JOIN; of
-- several at the same instant, the one granting least). Of the choices before the first day only each visitor's
-- last is read, so memory follows the visitors of these days.
with observed as (
    select event_id, assumeNotNull(observed_at) as observed_at, visitor_ref, cookie_name, page
    from cookie_observations
    where observed_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
        and observed_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
),

decided as (
    select event_id, visitor_ref, assumeNotNull(occurred_at) as occurred_at, action, functional, analytics
    from consent_events
    where action in ('accept_all', 'reject_all', 'custom', 'withdraw')
        and occurred_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
        and visitor_ref in (select visitor_ref from observed)
),

in_force_before as (
    select visitor_ref, max(occurred_at) as last_at
    from decided
    where occurred_at < toDateTime64(toString({day_from:Date32}), 6, {tz:String})
    group by visitor_ref
),

candidates as (
    select event_id, visitor_ref, occurred_at, action, functional, analytics
    from decided
    where occurred_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
    union all
    select d.event_id, d.visitor_ref, d.occurred_at, d.action, d.functional, d.analytics
    from decided as d
    inner join in_force_before as b on d.visitor_ref = b.visitor_ref and d.occurred_at = b.last_at
),

ranked as (
    select
        visitor_ref, occurred_at, action, functional, analytics,
        row_number() over (
            partition by visitor_ref, occurred_at order by analytics, functional, action, event_id
        ) as rank_at_instant
    from candidates
),

choices as (
    select visitor_ref, occurred_at, action, functional, analytics
    from ranked
    where rank_at_instant = 1
)

select
    o.event_id as event_id,
    o.observed_at as observed_at,
    o.visitor_ref as visitor_ref,
    o.cookie_name as cookie_name,
    o.page as page,
    c.action as consent_action,
    c.occurred_at as consent_at,
    c.functional as functional,
    c.analytics as analytics
from observed as o
asof left join choices as c
    on o.visitor_ref = c.visitor_ref and o.observed_at >= c.occurred_at
