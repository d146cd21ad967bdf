-- ClickHouse's version of queries/job_cookie_daily.sql (docs/scale.md): cookie observations per local day
-- ({day_from}..{day_to}), cookie and the consent in force, from cookie_consent; visitors once per day and cookie.
with seen as (
    select
        toDate32(observed_at, {tz:String}) as day,
        cookie_name,
        coalesce(analytics, false) as analytics_granted,
        coalesce(functional, false) as functional_granted,
        row_number() over (
            partition by toDate32(observed_at, {tz:String}), cookie_name, visitor_ref
            order by observed_at, event_id
        ) = 1 as first_of_visitor
    from cookie_consent
    where observed_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
        and observed_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
)

select
    day,
    cookie_name,
    analytics_granted,
    functional_granted,
    count() as observations,
    countIf(first_of_visitor) as visitors
from seen
group by day, cookie_name, analytics_granted, functional_granted
