-- The request figures of a period (docs/metrics.md defines each): flows count the requests received in the period
-- ($date_from .. $date_to) in their state as of $as_of; the backlog (open, overdue, at risk, awaiting identity) is a
-- state: every request received on or before $as_of that is open on $as_of, whatever its receipt day.
with states as (
    select *, received_day between $date_from and $date_to as in_period
    from {{ ref('stg_request_states') }}
),

requests as (
    select * from states where in_period
),

backlog as (
    select
        count(*) as open,
        count(*) filter (where sla_status = 'overdue') as overdue,
        count(*) filter (where sla_status = 'at_risk') as at_risk,
        count(*) filter (where sla_status = 'awaiting_identity') as awaiting_identity,
        count(*) filter (where received_day < $date_from) as open_from_before,
    from states
    where state = 'open'
),

flows as (
    select
        count(*) as received,
        count(*) filter (where request_type = 'access') as received_access,
        count(*) filter (where request_type = 'rectification') as received_rectification,
        count(*) filter (where request_type = 'erasure') as received_erasure,
        count(*) filter (where request_type = 'objection') as received_objection,
        count(*) filter (where request_type = 'restriction') as received_restriction,
        count(*) filter (where request_type = 'portability') as received_portability,
        count(*) filter (where state in ('completed', 'rejected')) as closed,
        count(*) filter (where sla_status = 'on_time') as on_time,
        count(*) filter (where sla_status = 'late') as late,
        count(*) filter (where state = 'withdrawn') as withdrawn,
        count(*) filter (where is_extended) as extended,
        count(*) filter (where has_invalid_extension) as invalid_extensions,
        count(*) filter (where out_of_order is not null) as out_of_order,
        count(*) filter (where depends_on_calendar) as depends_on_calendar,
        count(*) filter (where asked_late) as identification_asked_late,
        count(*) filter (where internal_due is not null and state in ('completed', 'rejected')) as with_internal_target,
        count(*) filter (where met_internal_target) as met_internal_target,
        count(*) filter (where met_internal_target)
            / nullif(count(*) filter (where internal_due is not null and state in ('completed', 'rejected')), 0)
            as internal_target_rate,
        -- due by the as-of date: the deadline has passed (or the request was closed after it)
        count(*) filter (where sla_status in ('on_time', 'late', 'overdue') and deadline < $as_of) as due,
        count(*) filter (where sla_status in ('late', 'overdue'))
            / nullif(count(*) filter (where sla_status in ('on_time', 'late', 'overdue') and deadline < $as_of), 0)
            as missed_deadline_rate,
        count(*) filter (where sla_status = 'on_time')
            / nullif(count(*) filter (where state in ('completed', 'rejected')), 0) as on_time_rate,
        median(days_to_close) filter (where state in ('completed', 'rejected')) as median_days_to_close,
        quantile_cont(days_to_close, 0.9) filter (where state in ('completed', 'rejected'))
            as p90_days_to_close,
    from requests
)

select flows.*, backlog.* from flows, backlog
