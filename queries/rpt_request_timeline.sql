-- One request's events in order, up to $as_of.
select
    timezone($tz, occurred_at) as occurred_at,
    event,
    request_type,
    channel,
    note,
from dsr_events
where request_id = $request_id
    and cast(timezone($tz, occurred_at) as date) <= $as_of
order by occurred_at, event_id
