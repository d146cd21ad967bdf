-- ClickHouse's version of queries/job_hold_rollup.sql (docs/scale.md): one row per legal hold whose first event
-- falls on the local days {day_from}..{day_to}: its first placement with what it blocks (ties broken by event
-- id), its first release at or after that placement, and its first release of all; the local days of the placement
-- and of the release.
with firsts as (
    select hold_id
    from hold_events
    group by hold_id
    having min(occurred_at) >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
        and min(occurred_at) < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
),

events as (
    select
        *,
        minIfOrNull(occurred_at, event = 'placed') over (partition by hold_id) as first_placed_at
    from hold_events
    where hold_id in (select hold_id from firsts)
)

select
    hold_id,
    minIfOrNull(occurred_at, event = 'placed') as placed_at,
    argMinIfOrNull(request_id, (occurred_at, event_id), event = 'placed') as request_id,
    argMinIfOrNull(subject_ref, (occurred_at, event_id), event = 'placed') as subject_ref,
    argMinIfOrNull(data_category, (occurred_at, event_id), event = 'placed') as data_category,
    argMinIfOrNull(legal_basis, (occurred_at, event_id), event = 'placed') as legal_basis,
    argMinIfOrNull(record_count, (occurred_at, event_id), event = 'placed') as record_count,
    argMinIfOrNull(retain_until, (occurred_at, event_id), event = 'placed') as retain_until,
    minIfOrNull(occurred_at, event = 'released' and occurred_at >= first_placed_at) as released_at,
    minIfOrNull(occurred_at, event = 'released') as first_release_at,
    min(occurred_at) as first_at,
    toDate32(placed_at, {tz:String}) as placed_day,
    toDate32(released_at, {tz:String}) as released_day
from events
group by hold_id
