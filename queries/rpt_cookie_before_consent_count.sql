-- How many observations in the period the cookie-before-consent rule flags: the one figure the Overview and the
-- metrics need, without rpt_cookie_summary's per-cookie distinct visitors.
select
    count(*) filter (where is_before_consent) as before_consent,
from {{ ref('stg_cookie_checks') }}
