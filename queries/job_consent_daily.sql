-- Refresh job (docs/refresh.md): the banner's counts per local day ($day_from..$day_to), banner version, device,
-- browser and country. The unit of the visitor figures is a visit: one visitor's day, or in a breakdown one
-- visitor's day in one such group (docs/consent.md). Every banner figure sums from these rows exactly.
with events as (
    select
        cast(timezone($tz, occurred_at) as date) as day,
        banner_version,
        device,
        browser,
        country,
        visitor_ref,
        occurred_at,
        action,
        action in ('accept_all', 'reject_all', 'custom') as is_decision,
        analytics,
        functional,
    from consent_events
    where occurred_at >= timezone($tz, cast($day_from as timestamp))
        and occurred_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
),

visits as (
    -- one visitor's events of one day in one group (banner version, device, browser, country)
    select
        day, banner_version, device, browser, country, visitor_ref,
        count(*) as events,
        count(*) filter (where action = 'shown') as shown,
        count(*) filter (where is_decision) as decisions,
        count(*) filter (where is_decision and analytics) as analytics,
        count(*) filter (where is_decision and functional) as functional,
        count(*) filter (where action = 'accept_all') as accept_all,
        count(*) filter (where action = 'reject_all') as reject_all,
        count(*) filter (where action = 'custom') as custom,
        count(*) filter (where action = 'custom' and analytics and functional) as custom_all_granted,
        count(*) filter (where action = 'withdraw') as withdrawals,
        min(occurred_at) filter (where action = 'shown') as first_shown_at,
    from events
    group by day, banner_version, device, browser, country, visitor_ref
),

shared_days as (
    -- the visitor's days that span several groups (few): the whole day's shown and decided. A day in one group
    -- (nearly all) is its visit's own; joining every visit to its day cost a third more (10.25 M events in one
    -- run: 13.5 -> 10.2 s, BENCHMARKS.md)
    select
        day, visitor_ref,
        bool_or(shown > 0) as day_shown,
        bool_or(decisions > 0) as day_decided,
    from visits
    group by day, visitor_ref
    having count(*) > 1
),

holders as (
    -- such a day is counted once, in the group of its first banner shown
    select day, visitor_ref, banner_version, device, browser, country
    from visits
    semi join shared_days as m on m.day = visits.day and m.visitor_ref is not distinct from visits.visitor_ref
    qualify row_number() over (
        partition by day, visitor_ref order by first_shown_at nulls last, banner_version, device, browser, country
    ) = 1
),

visit_days as (
    select
        v.*,
        coalesce(m.day_shown, v.shown > 0) as day_shown,
        coalesce(m.day_decided, v.decisions > 0) as day_decided,
        m.day is null or h.day is not null as holds_the_day,
    from visits as v
    left join shared_days as m on m.day = v.day and m.visitor_ref is not distinct from v.visitor_ref
    left join holders as h
        on h.day = v.day and h.visitor_ref is not distinct from v.visitor_ref
        and h.banner_version is not distinct from v.banner_version and h.device is not distinct from v.device
        and h.browser is not distinct from v.browser and h.country is not distinct from v.country
)

select
    day, banner_version, device, browser, country,
    cast(sum(events) as bigint) as events,
    cast(sum(shown) as bigint) as shown,
    cast(sum(decisions) as bigint) as decisions,
    cast(sum(analytics) as bigint) as analytics,
    cast(sum(functional) as bigint) as functional,
    cast(sum(accept_all) as bigint) as accept_all,
    cast(sum(reject_all) as bigint) as reject_all,
    cast(sum(custom) as bigint) as custom,
    cast(sum(custom_all_granted) as bigint) as custom_all_granted,
    cast(sum(withdrawals) as bigint) as withdrawals,
    -- a visit as one visitor's day (the period's, a day's, a week's figures)
    count(*) filter (where holds_the_day and day_shown) as visits_shown,
    count(*) filter (where holds_the_day and day_shown and day_decided) as visits_decided,
    cast(coalesce(sum(decisions) filter (where not day_shown), 0) as bigint) as decisions_without_shown,
    -- a visit as one visitor's day in this group (the figures per banner version, device, browser, country)
    count(*) filter (where shown > 0) as group_visits_shown,
    count(*) filter (where shown > 0 and decisions > 0) as group_visits_decided,
    cast(coalesce(sum(decisions) filter (where shown = 0), 0) as bigint) as group_decisions_without_shown,
from visit_days
group by day, banner_version, device, browser, country
order by day
