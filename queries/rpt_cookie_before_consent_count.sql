-- How many observations in the period the cookie-before-consent rule flags, and how many cookies seen are classed
-- necessary without the policy calling them so: the figures the Overview and the metrics need, without
-- rpt_cookie_summary's per-cookie distinct visitors.
select
    count(*) filter (where is_before_consent) as before_consent,
    count(distinct cookie_name) filter (where category = 'necessary' and coalesce(policy_category, '') <> 'necessary')
        as necessary_not_in_policy,
from {{ ref('stg_cookie_checks') }}
