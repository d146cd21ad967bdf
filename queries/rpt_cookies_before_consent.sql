-- Observations of analytics or functional cookies without consent for their category, newest first (a page).
-- The rule runs on the narrow columns; the text columns are read only for the rows of the page (by row id).
-- consent.before_consent_page() calls it from the first day the page needs (rpt_cookies_before_consent_start);
-- how many rows there are is rpt_cookie_before_consent_count's figure.
with flagged as (
    select
        consent_row,
        observed_at,
        category,
    from {{ ref('stg_cookie_checks') }}
    where is_before_consent
    order by observed_at desc, consent_row
    limit $limit offset $offset
)

select
    c.event_id,
    timezone($tz, c.observed_at) as observed_at,
    c.visitor_ref,
    c.cookie_name,
    f.category,
    c.page,
    coalesce(c.consent_action, 'no_decision') as consent_in_force,
    timezone($tz, c.consent_at) as consent_at,
from flagged as f
inner join cookie_consent as c on c.rowid = f.consent_row
order by f.observed_at desc, f.consent_row
