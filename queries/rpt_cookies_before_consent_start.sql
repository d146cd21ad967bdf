-- The first local day a page of cookie-before-consent rows needs ($offset + $limit rows, newest first), from the
-- daily counts: every row of the page lies on that day or later, so a page of a year's rows reads only the last
-- days' observations (rpt_cookies_before_consent from this day). $limit null (every row): the period's first day.
with per_day as (
    select local_day, sum(observations) filter (where is_before_consent) as flagged
    from {{ ref('stg_cookie_days') }}
    group by local_day
),

running as (
    select
        local_day,
        sum(flagged) over (order by local_day desc rows between unbounded preceding and current row) as reached,
    from per_day
)

select coalesce(max(local_day) filter (where reached >= $offset + $limit), $date_from) as first_day
from running
