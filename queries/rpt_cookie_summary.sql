-- Cookie observations in the period by cookie: category, how often seen, and how often without consent.
select
    cookie_name,
    category,
    policy_category,
    count(*) as observations,
    count(distinct visitor_ref) as visitors,
    count(*) filter (where is_before_consent) as before_consent,
from {{ ref('stg_cookie_checks') }}
group by all
order by before_consent desc, observations desc
