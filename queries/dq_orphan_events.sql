-- Events that refer to something the logs never started: requests without a received event,
-- holds released but never placed.
with unreceived as (
    -- request_rollup (kept by its refresh job) has one row per request; received_at is null when none was received
    select request_id from request_rollup where received_at is null
),

orphan_rows as (
    -- found reading the request ids alone; the other columns are read for the rows found only (a few of millions)
    select rowid as row_id from dsr_events semi join unreceived using (request_id)
),

dsr_orphans as (
    select
        'dsr_events' as log_name,
        e.request_id as ref_id,
        e.event,
        e.event_id,
        timezone($tz, e.occurred_at) as occurred_at,
        'request has no received event' as problem,
    from dsr_events as e
    where e.rowid in (select row_id from orphan_rows)
),

placed as (
    select distinct hold_id from hold_events where event = 'placed'
),

hold_orphans as (
    select
        'hold_events',
        h.hold_id,
        h.event,
        h.event_id,
        timezone($tz, h.occurred_at),
        'hold was never placed',
    from hold_events as h
    anti join placed as p using (hold_id)
),

final as (
    select * from dsr_orphans
    union all
    select * from hold_orphans
)

select * from final
where list_contains($logs, log_name)  -- the logs the viewer may see
order by occurred_at desc, log_name, event_id  -- ties in one order (the limit cuts it)
limit $limit
