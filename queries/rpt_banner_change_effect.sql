-- Rates in the $window_days days before and after $change_day (the first day of a new banner version).
with in_window as (
    select
        *,
        cast(timezone($tz, occurred_at) as date) as local_day,
    from consent_events
    where occurred_at >= timezone($tz, cast($change_day - $window_days as timestamp))
        and occurred_at < timezone($tz, cast($change_day + $window_days as timestamp))
),

windows as (
    select
        *,
        case when local_day < $change_day then 'before' else 'after' end as side,
    from in_window
),

flagged as (
    select
        side,
        action,
        action in ('accept_all', 'reject_all', 'custom') as is_decision,
        action in ('accept_all', 'reject_all', 'custom') and analytics as grants_analytics,
        action in ('accept_all', 'reject_all', 'custom') and functional as grants_functional,
    from windows
)

select
    side,
    count(*) filter (where action = 'shown') as shown,
    count(*) filter (where is_decision) as decisions,
    count(*) filter (where is_decision) / nullif(count(*) filter (where action = 'shown'), 0) as interaction_rate,
    count(*) filter (where grants_analytics) / nullif(count(*) filter (where is_decision), 0) as analytics_rate,
    count(*) filter (where grants_functional) / nullif(count(*) filter (where is_decision), 0) as functional_rate,
    count(*) filter (where action = 'accept_all') / nullif(count(*) filter (where is_decision), 0) as accept_all_rate,
    count(*) filter (where action = 'reject_all') / nullif(count(*) filter (where is_decision), 0) as reject_all_rate,
from flagged
group by side
order by side desc
