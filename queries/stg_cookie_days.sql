-- Cookie observations per local day and cookie in $date_from..$date_to (cookie_daily, kept by its refresh job:
-- docs/refresh.md), with the category and whether the consent in force allowed it: the same rule as
-- stg_cookie_checks, on counts instead of rows.
with days as (
    select
        d.day as local_day,
        d.cookie_name,
        coalesce(c.category, 'unknown') as category,
        c.policy_category,
        d.observations,
        d.visitors,
        case coalesce(c.category, 'unknown')
            when 'analytics' then d.analytics_granted
            when 'functional' then d.functional_granted
        end as has_consent,
    from cookie_daily as d
    left join {{ ref('stg_cookie_categories') }} as c using (cookie_name)
    where d.day >= $date_from and d.day <= $date_to
)

select
    *,
    category in ('analytics', 'functional') and not has_consent as is_before_consent,
from days
