-- Refresh job (docs/refresh.md): cookie observations per local day ($day_from..$day_to), cookie and the consent in
-- force for each category (from cookie_consent, which its own job keeps). The category comes from the inventory
-- when a page reads these rows (stg_cookie_days), so a change of the inventory needs no refresh. visitors counts
-- each visitor once per day and cookie (on the row of its first observation that day), so they add up over days.
with seen as (
    select
        cast(timezone($tz, observed_at) as date) as day,
        cookie_name,
        coalesce(analytics, false) as analytics_granted,
        coalesce(functional, false) as functional_granted,
        row_number() over (
            partition by cast(timezone($tz, observed_at) as date), cookie_name, visitor_ref
            order by observed_at, event_id
        ) = 1 as first_of_visitor,
    from cookie_consent
    where observed_at >= timezone($tz, cast($day_from as timestamp))
        and observed_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
)

select
    day,
    cookie_name,
    analytics_granted,
    functional_granted,
    count(*) as observations,
    count(*) filter (where first_of_visitor) as visitors,
from seen
group by all
order by day
