-- The banner's figures per group, for events from $date_from to $date_to (docs/consent.md defines them).
-- $group_by: all | day | week | banner_version | device | browser | country | side (before or after $change_day).
-- Rates are shares of decisions (accept_all, reject_all, custom), except interaction = decisions / shown.
with grouped as (
    select
        *,
        case $group_by
            when 'all' then 'all'
            when 'day' then strftime(local_day, '%Y-%m-%d')
            when 'week' then strftime(date_trunc('week', local_day), '%Y-%m-%d')
            when 'banner_version' then banner_version
            when 'device' then device
            when 'browser' then browser
            when 'country' then coalesce(country, '(unknown)')
            when 'side' then case when local_day < $change_day then 'before' else 'after' end
        end as group_key,
    from {{ ref('stg_consent_events') }}
)

select
    group_key,
    count(*) filter (where action = 'shown') as shown,
    count(*) filter (where is_decision) as decisions,
    count(*) filter (where is_decision) / nullif(count(*) filter (where action = 'shown'), 0) as interaction_rate,
    count(*) filter (where grants_analytics) / nullif(count(*) filter (where is_decision), 0) as analytics_rate,
    count(*) filter (where grants_functional) / nullif(count(*) filter (where is_decision), 0) as functional_rate,
    count(*) filter (where action = 'accept_all') / nullif(count(*) filter (where is_decision), 0) as accept_all_rate,
    count(*) filter (where action = 'reject_all') / nullif(count(*) filter (where is_decision), 0) as reject_all_rate,
    count(*) filter (where action = 'custom') / nullif(count(*) filter (where is_decision), 0) as custom_rate,
    count(*) filter (where action = 'withdraw') as withdrawals,
from grouped
group by group_key
order by group_key
