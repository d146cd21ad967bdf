-- Which of the cookie observations the review journal has a decision on ($ids, a short list: decisions are made by
-- hand) the cookie_before_consent finding still counts in the period (the rows rpt_cookies_before_consent lists).
select c.event_id
from {{ ref('stg_cookie_checks') }} as k
inner join cookie_consent as c on c.rowid = k.consent_row
where k.is_before_consent and c.event_id in (select unnest($ids))
