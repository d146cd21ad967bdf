-- Rows per log and the local dates they cover.
with per_log as (
    select 'dsr_events' as log_name, count(*) as row_count, min(occurred_at) as first_at, max(occurred_at) as last_at
    from dsr_events
    union all
    select 'hold_events', count(*), min(occurred_at), max(occurred_at) from hold_events
    union all
    select 'transfers', count(*), min(occurred_at), max(occurred_at) from transfers
    union all
    select 'consent_events', count(*), min(occurred_at), max(occurred_at) from consent_events
    union all
    select 'cookie_observations', count(*), min(observed_at), max(observed_at) from cookie_observations
),

final as (
    select
        log_name,
        row_count,
        cast(timezone($tz, first_at) as date) as first_day,
        cast(timezone($tz, last_at) as date) as last_day,
    from per_log
)

select * from final
