-- Cookie observations in the period, each with its category from the inventory ($inventory) and the consent in
-- force at that moment: the visitor's latest decision or withdrawal at or before the observation (an ASOF join,
-- so a decision in the same second counts). An analytics or functional cookie without consent for its category is
-- a finding; a necessary cookie never is; a cookie not in the inventory is "unknown" (docs/consent.md).
with observed as (
    -- cookie_consent is kept by its refresh job: each observation with the visitor's latest decision or withdrawal
    -- at or before it (an ASOF join; docs/refresh.md).
    select
        *,
        rowid as consent_row,  -- lets a page fetch its few rows' text columns last
        cast(timezone($tz, observed_at) as date) as local_day,
    from cookie_consent
    where observed_at >= timezone($tz, cast($date_from as timestamp))
        and observed_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
),

checked as (
    select
        o.event_id,
        o.consent_row,
        o.observed_at,
        o.local_day,
        o.visitor_ref,
        o.cookie_name,
        o.page,
        coalesce(c.category, 'unknown') as category,
        c.policy_category,
        o.consent_action,
        o.consent_at,
        case coalesce(c.category, 'unknown')
            when 'analytics' then coalesce(o.analytics, false)
            when 'functional' then coalesce(o.functional, false)
        end as has_consent,
    from observed as o
    left join {{ ref('stg_cookie_categories') }} as c using (cookie_name)
)

select
    *,
    category in ('analytics', 'functional') and not has_consent as is_before_consent,
from checked
