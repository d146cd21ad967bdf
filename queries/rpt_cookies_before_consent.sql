-- Observations of analytics or functional cookies without consent for their category, newest first (a page).
-- The rule runs on the narrow columns; the text columns are read only for the rows of the page (by row id).
with flagged as (
    select
        consent_row,
        observed_at,
        category,
        count(*) over () as total_rows,
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
    f.total_rows,
from flagged as f
inner join cookie_consent as c on c.rowid = f.consent_row
order by f.observed_at desc, f.consent_row
