-- ClickHouse's version of queries/job_log_days.sql (docs/scale.md): each log's events per local day
-- ({day_from}..{day_to}), with the first and last instant of the day.
select
    log_name,
    toDate32(happened_at, {tz:String}) as day,
    count() as events,
    min(happened_at) as first_at,
    max(happened_at) as last_at
from (
    select 'dsr_events' as log_name, occurred_at as happened_at from dsr_events
    union all
    select 'hold_events', occurred_at from hold_events
    union all
    select 'transfers', occurred_at from transfers
    union all
    select 'consent_events', occurred_at from consent_events
    union all
    select 'cookie_observations', observed_at from cookie_observations
)
where happened_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
    and happened_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
group by log_name, day
