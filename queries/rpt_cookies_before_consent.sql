-- Observations of analytics or functional cookies without consent for their category, newest first (a page).
select
    event_id,
    timezone($tz, observed_at) as observed_at,
    visitor_ref,
    cookie_name,
    category,
    page,
    coalesce(consent_action, 'no decision yet') as consent_in_force,
    timezone($tz, consent_at) as consent_at,
    count(*) over () as total_rows,
from {{ ref('stg_cookie_checks') }}
where is_before_consent
order by observed_at desc, event_id
limit $limit offset $offset
