-- Events out of order (data errors, docs/sla.md and docs/holds.md): a request verified, extended or closed before it
-- was received, a hold released before it was placed. Such an event is ignored for the state (the request stays
-- open, the hold active), and listed here. Only the logs the viewer may see ($logs).
with requests as (
    select
        'dsr_events' as log_name,
        request_id as ref_id,
        timezone($tz, received_at) as started_at,
        concat_ws(', ',
            case when requested_at < received_at then 'identity_requested ' || strftime(timezone($tz, requested_at), '%Y-%m-%d %H:%M') end,
            case when verified_at < received_at then 'identity_verified ' || strftime(timezone($tz, verified_at), '%Y-%m-%d %H:%M') end,
            case when extended_at < received_at then 'extended ' || strftime(timezone($tz, extended_at), '%Y-%m-%d %H:%M') end,
            case when closed_at < received_at then outcome || ' ' || strftime(timezone($tz, closed_at), '%Y-%m-%d %H:%M') end
        ) as problem,
    from request_rollup
    where requested_at < received_at or verified_at < received_at or extended_at < received_at or closed_at < received_at
),

holds as (
    select
        'hold_events',
        hold_id,
        timezone($tz, placed_at),
        'released ' || strftime(timezone($tz, first_release_at), '%Y-%m-%d %H:%M') || ' before it was placed',
    from hold_rollup
    where first_release_at < placed_at
),

final as (
    select * from requests
    union all
    select * from holds
)

select * from final
where list_contains($logs, log_name)
order by started_at desc, log_name, ref_id  -- ties in one order (the limit cuts it)
limit $limit
