-- The banner's figures per group, for events from $date_from to $date_to (docs/consent.md defines them).
-- $group_by: all | day | week | banner_version | device | browser | country | side (before or after $change_day).
-- Rates are shares of decisions (accept_all, reject_all, custom), except interaction = decisions / shown.
with grouped as (
    -- Days and weeks are grouped as dates and written as text only after counting (formatting every row costs).
    select
        *,
        case $group_by
            when 'day' then local_day
            when 'week' then date_trunc('week', local_day)
        end as group_day,
        case $group_by
            when 'all' then 'all'
            when 'banner_version' then banner_version
            when 'device' then device
            when 'browser' then browser
            when 'country' then coalesce(country, '(unknown)')
            when 'side' then case when local_day < $change_day then 'before' else 'after' end
        end as group_text,
    from {{ ref('stg_consent_events') }}
),

counted as (
    select
        group_day,
        group_text,
        count(*) filter (where action = 'shown') as shown,
        count(*) filter (where is_decision) as decisions,
        count(*) filter (where grants_analytics) as analytics,
        count(*) filter (where grants_functional) as functional,
        count(*) filter (where action = 'accept_all') as accept_all,
        count(*) filter (where action = 'reject_all') as reject_all,
        count(*) filter (where action = 'custom') as custom,
        count(*) filter (where action = 'withdraw') as withdrawals,
    from grouped
    group by group_day, group_text
)

select
    coalesce(strftime(group_day, '%Y-%m-%d'), group_text) as group_key,
    shown,
    decisions,
    decisions / nullif(shown, 0) as interaction_rate,
    analytics / nullif(decisions, 0) as analytics_rate,
    functional / nullif(decisions, 0) as functional_rate,
    accept_all / nullif(decisions, 0) as accept_all_rate,
    reject_all / nullif(decisions, 0) as reject_all_rate,
    custom / nullif(decisions, 0) as custom_rate,
    withdrawals,
from counted
order by group_key
