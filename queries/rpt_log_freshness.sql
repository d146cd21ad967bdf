-- How fresh each log is: its last event (local day, $tz) on or before $as_of, and its events in the period
-- ($date_from .. $date_to). An area whose logs are empty in the period reads "no data", one whose log ends before
-- $as_of reads "data ends <day>" (docs/metrics.md): missing data is never shown as compliant.
with bounds as (
    select
        timezone($tz, cast($date_from as timestamp)) as period_start,
        timezone($tz, cast($date_to as timestamp) + interval 1 day) as period_end,
        timezone($tz, cast($as_of as timestamp) + interval 1 day) as as_of_end,
),

per_log as (
    select 'dsr_events' as log_name, max(occurred_at) filter (where occurred_at < as_of_end) as last_at,
        count(*) filter (where occurred_at >= period_start and occurred_at < period_end) as rows_in_period,
    from dsr_events, bounds
    union all
    select 'hold_events', max(occurred_at) filter (where occurred_at < as_of_end),
        count(*) filter (where occurred_at >= period_start and occurred_at < period_end)
    from hold_events, bounds
    union all
    select 'transfers', max(occurred_at) filter (where occurred_at < as_of_end),
        count(*) filter (where occurred_at >= period_start and occurred_at < period_end)
    from transfers, bounds
    union all
    select 'consent_events', max(occurred_at) filter (where occurred_at < as_of_end),
        count(*) filter (where occurred_at >= period_start and occurred_at < period_end)
    from consent_events, bounds
    union all
    select 'cookie_observations', max(observed_at) filter (where observed_at < as_of_end),
        count(*) filter (where observed_at >= period_start and observed_at < period_end)
    from cookie_observations, bounds
)

select
    log_name,
    cast(timezone($tz, last_at) as date) as last_day,
    rows_in_period,
from per_log
