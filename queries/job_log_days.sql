-- Refresh job (docs/refresh.md): each log's events per local day ($day_from..$day_to), with the first and last
-- instant of the day. The store's span, the rows per log and each log's freshness add up from these rows, so
-- every page's sidebar does not scan every log.
with events as (
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

select
    log_name,
    cast(timezone($tz, happened_at) as date) as day,
    count(*) as events,
    min(happened_at) as first_at,
    max(happened_at) as last_at,
from events
where happened_at >= timezone($tz, cast($day_from as timestamp))
    and happened_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
group by all
order by day
