-- The local dates the store's logs cover (for default periods).
with bounds as (
    select min(occurred_at) as first_at, max(occurred_at) as last_at from dsr_events
    union all
    select min(occurred_at), max(occurred_at) from transfers
    union all
    select min(occurred_at), max(occurred_at) from consent_events
    union all
    select min(occurred_at), max(occurred_at) from hold_events
    union all
    select min(observed_at), max(observed_at) from cookie_observations
)

select
    cast(timezone($tz, min(first_at)) as date) as first_day,
    cast(timezone($tz, max(last_at)) as date) as last_day,
from bounds
