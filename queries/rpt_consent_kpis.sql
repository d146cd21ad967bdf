-- The banner's figures for the whole period: one row even when the period has no event (counts 0, rates null).
select
    coalesce(r.shown, 0) as shown,
    coalesce(r.decisions, 0) as decisions,
    r.interaction_rate,
    r.analytics_rate,
    r.functional_rate,
    r.accept_all_rate,
    r.reject_all_rate,
    r.custom_rate,
    coalesce(r.withdrawals, 0) as withdrawals,
    coalesce(r.decisions_without_shown, 0) as decisions_without_shown,
from (select 1) as one
left join {{ ref('rpt_consent_rates') }} as r on true
