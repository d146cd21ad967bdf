-- The banner's figures for the period (docs/consent.md): rates over decisions, except interaction over shown.
select
    count(*) filter (where action = 'shown') as shown,
    count(*) filter (where is_decision) as decisions,
    count(*) filter (where is_decision) / nullif(count(*) filter (where action = 'shown'), 0) as interaction_rate,
    count(*) filter (where grants_analytics) / nullif(count(*) filter (where is_decision), 0) as analytics_rate,
    count(*) filter (where grants_functional) / nullif(count(*) filter (where is_decision), 0) as functional_rate,
    count(*) filter (where action = 'accept_all') / nullif(count(*) filter (where is_decision), 0) as accept_all_rate,
    count(*) filter (where action = 'reject_all') / nullif(count(*) filter (where is_decision), 0) as reject_all_rate,
    count(*) filter (where action = 'custom') / nullif(count(*) filter (where is_decision), 0) as custom_rate,
    count(*) filter (where action = 'withdraw') as withdrawals,
from {{ ref('stg_consent_events') }}
