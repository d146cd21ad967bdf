-- Cookie observations in the period by cookie: category, how often seen, on how many visits (a visitor counted once
-- per day: docs/consent.md), and how often without consent. From the daily counts (stg_cookie_days).
select
    cookie_name,
    any_value(category) as category,
    any_value(policy_category) as policy_category,
    cast(sum(observations) as bigint) as observations,
    cast(sum(visitors) as bigint) as visitor_days,
    cast(coalesce(sum(observations) filter (where is_before_consent), 0) as bigint) as before_consent,
from {{ ref('stg_cookie_days') }}
group by cookie_name
order by before_consent desc, observations desc, cookie_name
