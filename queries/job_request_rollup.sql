-- Refresh job (docs/refresh.md): one row per request whose first event (of any kind) falls on the local days
-- $day_from..$day_to, with the first event of each kind. A state as of any day follows from it: the first event
-- of a kind on or before that day is the first event of that kind, if it is on or before it. Of two events of a
-- kind at the same instant, the one with the lower event id counts (so every engine picks the same). The local day
-- ($tz) of each first event is kept with it, so that a page compares days and converts no instant (the table's time
-- zone is recorded in refresh_state: a change of AUDIT_TZ rebuilds it).
with firsts as (
    select request_id
    from dsr_events
    group by request_id
    having min(occurred_at) >= timezone($tz, cast($day_from as timestamp))
        and min(occurred_at) < timezone($tz, cast($day_to as timestamp) + interval 1 day)
)

select
    request_id,
    min(occurred_at) filter (where event = 'received') as received_at,
    arg_min(request_type, (occurred_at, event_id)) filter (where event = 'received') as request_type,
    arg_min(channel, (occurred_at, event_id)) filter (where event = 'received') as channel,
    arg_min(subject_ref, (occurred_at, event_id)) filter (where event = 'received') as subject_ref,
    min(occurred_at) filter (where event = 'identity_verified') as verified_at,
    min(occurred_at) filter (where event = 'extended') as extended_at,
    min(occurred_at) filter (where event in ('completed', 'rejected', 'withdrawn')) as closed_at,
    arg_min(event, (occurred_at, event_id)) filter (where event in ('completed', 'rejected', 'withdrawn')) as outcome,
    min(occurred_at) filter (where event = 'identity_requested') as requested_at,
    min(occurred_at) as first_at,
    cast(timezone($tz, received_at) as date) as received_day,
    cast(timezone($tz, requested_at) as date) as requested_day,
    cast(timezone($tz, verified_at) as date) as verified_day,
    cast(timezone($tz, extended_at) as date) as extended_day,
    cast(timezone($tz, closed_at) as date) as closed_day,
from dsr_events
where request_id in (select request_id from firsts)
group by request_id
order by received_at
