-- The banner's rates per day or week ($grain).
select
    cast(date_trunc($grain, local_day) as date) as period_start,
    count(*) filter (where action = 'shown') as shown,
    count(*) filter (where is_decision) as decisions,
    count(*) filter (where is_decision) / nullif(count(*) filter (where action = 'shown'), 0) as interaction_rate,
    count(*) filter (where grants_analytics) / nullif(count(*) filter (where is_decision), 0) as analytics_rate,
    count(*) filter (where grants_functional) / nullif(count(*) filter (where is_decision), 0) as functional_rate,
    count(*) filter (where action = 'reject_all') / nullif(count(*) filter (where is_decision), 0) as reject_all_rate,
from {{ ref('stg_consent_events') }}
group by all
order by period_start
