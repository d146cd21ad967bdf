-- How many observations in the period the cookie-before-consent rule flags, how many cookies seen are classed
-- necessary without the policy calling them so, and how many cookies seen no one names (unknown): the figures the
-- Overview and the metrics need. From the daily counts (stg_cookie_days).
select
    cast(coalesce(sum(observations) filter (where is_before_consent), 0) as bigint) as before_consent,
    count(distinct cookie_name) filter (where category = 'necessary' and coalesce(policy_category, '') <> 'necessary')
        as necessary_not_in_policy,
    -- cookies neither the policy nor the inventory names (e.g. _fbp): visitors were never told of them
    count(distinct cookie_name) filter (where category = 'unknown') as unknown_cookies,
from {{ ref('stg_cookie_days') }}
