-- ClickHouse's version of queries/job_request_rollup.sql (docs/scale.md): one row per request whose first event
-- falls on the local days {day_from}..{day_to}, with the first event of each kind (ties broken by event id) and its
-- local day.
with firsts as (
    select request_id
    from dsr_events
    group by request_id
    having min(occurred_at) >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
        and min(occurred_at) < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
)

select
    request_id,
    minIfOrNull(occurred_at, event = 'received') as received_at,
    argMinIfOrNull(request_type, (occurred_at, event_id), event = 'received') as request_type,
    argMinIfOrNull(channel, (occurred_at, event_id), event = 'received') as channel,
    argMinIfOrNull(subject_ref, (occurred_at, event_id), event = 'received') as subject_ref,
    minIfOrNull(occurred_at, event = 'identity_verified') as verified_at,
    minIfOrNull(occurred_at, event = 'extended') as extended_at,
    minIfOrNull(occurred_at, event in ('completed', 'rejected', 'withdrawn')) as closed_at,
    argMinIfOrNull(event, (occurred_at, event_id), event in ('completed', 'rejected', 'withdrawn')) as outcome,
    minIfOrNull(occurred_at, event = 'identity_requested') as requested_at,
    min(occurred_at) as first_at,
    toDate32(received_at, {tz:String}) as received_day,
    toDate32(requested_at, {tz:String}) as requested_day,
    toDate32(verified_at, {tz:String}) as verified_day,
    toDate32(extended_at, {tz:String}) as extended_day,
    toDate32(closed_at, {tz:String}) as closed_day
from dsr_events
where request_id in (select request_id from firsts)
group by request_id
