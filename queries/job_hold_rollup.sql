-- Refresh job (docs/refresh.md): one row per legal hold whose first event (of any kind) falls on the local days
-- $day_from..$day_to: its first placement with what it blocks, its first release at or after that placement, and
-- whether a release came before it (a data error). A hold's state as of any day follows from it (stg_hold_states).
-- Of two placements at the same instant, the one with the lower event id counts (so every engine picks the same).
-- The local day ($tz) of the placement and of the release is kept with them, so that a page compares days and
-- converts no instant (the table's time zone is recorded in refresh_state: a change of AUDIT_TZ rebuilds it).
with firsts as (
    select hold_id
    from hold_events
    group by hold_id
    having min(occurred_at) >= timezone($tz, cast($day_from as timestamp))
        and min(occurred_at) < timezone($tz, cast($day_to as timestamp) + interval 1 day)
),

events as (
    select
        *,
        min(occurred_at) filter (where event = 'placed') over (partition by hold_id) as first_placed_at,
    from hold_events
    where hold_id in (select hold_id from firsts)
)

select
    hold_id,
    min(occurred_at) filter (where event = 'placed') as placed_at,
    arg_min(request_id, (occurred_at, event_id)) filter (where event = 'placed') as request_id,
    arg_min(subject_ref, (occurred_at, event_id)) filter (where event = 'placed') as subject_ref,
    arg_min(data_category, (occurred_at, event_id)) filter (where event = 'placed') as data_category,
    arg_min(legal_basis, (occurred_at, event_id)) filter (where event = 'placed') as legal_basis,
    arg_min(record_count, (occurred_at, event_id)) filter (where event = 'placed') as record_count,
    arg_min(retain_until, (occurred_at, event_id)) filter (where event = 'placed') as retain_until,
    min(occurred_at) filter (where event = 'released' and occurred_at >= first_placed_at) as released_at,
    min(occurred_at) filter (where event = 'released') as first_release_at,
    min(occurred_at) as first_at,
    cast(timezone($tz, placed_at) as date) as placed_day,
    cast(timezone($tz, released_at) as date) as released_day,
from events
group by hold_id
order by placed_at
