-- Refresh job (docs/refresh.md): each cookie observation of the local days $day_from..$day_to with the consent in
-- force at that moment, the visitor's latest decision or withdrawal at or before it (an ASOF join: a decision in
-- the same second counts). Reads the logs only; the runner replaces the table's rows of those days with these.
-- (decided is read twice and "not materialized": held as one table it outgrew 600 MB at 20x; read twice, it streams)
with observed as (
    select event_id, observed_at, visitor_ref, cookie_name, page
    from cookie_observations
    where observed_at >= timezone($tz, cast($day_from as timestamp))
        and observed_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
),

decided as not materialized (
    -- the decisions and withdrawals of the visitors observed on these days, up to the end of the last of them
    select event_id, visitor_ref, occurred_at, action, functional, analytics
    from consent_events
    where action in ('accept_all', 'reject_all', 'custom', 'withdraw')
        and occurred_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
        and visitor_ref in (select visitor_ref from observed)
),

in_force_before as (
    -- the instant of each visitor's last choice before the first day: of the years before, only that one matters,
    -- so memory follows the visitors of these days, not their whole history
    select visitor_ref, max(occurred_at) as occurred_at
    from decided
    where occurred_at < timezone($tz, cast($day_from as timestamp))
    group by visitor_ref
),

candidates as (
    select * from decided where occurred_at >= timezone($tz, cast($day_from as timestamp))
    union all
    select d.* from decided as d inner join in_force_before as b using (visitor_ref, occurred_at)
),

choices as (
    -- of several choices at the same instant, the one granting least (their order is unknown: in doubt, no consent)
    select visitor_ref, occurred_at, action, functional, analytics
    from candidates
    qualify row_number() over (
        partition by visitor_ref, occurred_at order by analytics, functional, action, event_id
    ) = 1
)

select
    o.event_id,
    o.observed_at,
    o.visitor_ref,
    o.cookie_name,
    o.page,
    c.action as consent_action,
    c.occurred_at as consent_at,
    c.functional,
    c.analytics,
from observed as o
asof left join choices as c
    on o.visitor_ref = c.visitor_ref and o.observed_at >= c.occurred_at
order by o.observed_at
