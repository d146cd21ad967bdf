-- The request figures of a period (docs/metrics.md defines each): flows count the requests received in the period
-- ($date_from .. $date_to) in their state as of $as_of; the backlog (open, overdue, at risk, awaiting identity) is a
-- state: every request received on or before $as_of that is open on $as_of, whatever its receipt day.
with states as (
    select *, received_day between $date_from and $date_to as in_period
    from {{ ref('stg_request_states') }}
),

groups as (
    -- The requests counted by every distinction a figure makes (a few dozen groups at any volume): each figure
    -- below adds up a few groups, rather than filtering every request again (at 10x, a year: 0.70 s -> 0.57 s).
    select
        in_period,
        received_day < $date_from as from_before,
        request_type,
        state,
        sla_status,
        is_extended,
        has_invalid_extension,
        out_of_order is not null as has_out_of_order,
        depends_on_calendar,
        asked_late,
        internal_due is not null as has_internal_target,
        met_internal_target,
        deadline < $as_of as deadline_passed,
        count(*) as n,
    from states
    group by all
),

durations as (
    -- the median and the 90th percentile of days to close, of the period's closed requests, in one sort
    select quantile_cont(days_to_close, [0.5, 0.9]) as quantiles
    from states
    where in_period and state in ('completed', 'rejected')
),

flows as (
    select
        coalesce(sum(n), 0) as received,
        coalesce(sum(n) filter (where request_type = 'access'), 0) as received_access,
        coalesce(sum(n) filter (where request_type = 'rectification'), 0) as received_rectification,
        coalesce(sum(n) filter (where request_type = 'erasure'), 0) as received_erasure,
        coalesce(sum(n) filter (where request_type = 'objection'), 0) as received_objection,
        coalesce(sum(n) filter (where request_type = 'restriction'), 0) as received_restriction,
        coalesce(sum(n) filter (where request_type = 'portability'), 0) as received_portability,
        coalesce(sum(n) filter (where state in ('completed', 'rejected')), 0) as closed,
        coalesce(sum(n) filter (where sla_status = 'on_time'), 0) as on_time,
        coalesce(sum(n) filter (where sla_status = 'late'), 0) as late,
        coalesce(sum(n) filter (where state = 'withdrawn'), 0) as withdrawn,
        coalesce(sum(n) filter (where is_extended), 0) as extended,
        coalesce(sum(n) filter (where has_invalid_extension), 0) as invalid_extensions,
        coalesce(sum(n) filter (where has_out_of_order), 0) as out_of_order,
        coalesce(sum(n) filter (where depends_on_calendar), 0) as depends_on_calendar,
        coalesce(sum(n) filter (where asked_late), 0) as identification_asked_late,
        coalesce(sum(n) filter (where has_internal_target and state in ('completed', 'rejected')), 0)
            as with_internal_target,
        coalesce(sum(n) filter (where met_internal_target), 0) as met_internal_target,
        coalesce(sum(n) filter (where sla_status in ('on_time', 'late', 'overdue') and deadline_passed), 0) as due,
        coalesce(sum(n) filter (where sla_status in ('late', 'overdue')), 0) as missed,
    from groups
    where in_period
),

backlog as (
    select
        coalesce(sum(n), 0) as open,
        coalesce(sum(n) filter (where sla_status = 'overdue'), 0) as overdue,
        coalesce(sum(n) filter (where sla_status = 'at_risk'), 0) as at_risk,
        coalesce(sum(n) filter (where sla_status = 'awaiting_identity'), 0) as awaiting_identity,
        coalesce(sum(n) filter (where from_before), 0) as open_from_before,
    from groups
    where state = 'open'
)

-- (a sum of counts is a 128-bit number in DuckDB: each count is cast back to the 64-bit count it is)
select
    cast(f.received as bigint) as received,
    cast(f.received_access as bigint) as received_access,
    cast(f.received_rectification as bigint) as received_rectification,
    cast(f.received_erasure as bigint) as received_erasure,
    cast(f.received_objection as bigint) as received_objection,
    cast(f.received_restriction as bigint) as received_restriction,
    cast(f.received_portability as bigint) as received_portability,
    cast(f.closed as bigint) as closed,
    cast(f.on_time as bigint) as on_time,
    cast(f.late as bigint) as late,
    cast(f.withdrawn as bigint) as withdrawn,
    cast(f.extended as bigint) as extended,
    cast(f.invalid_extensions as bigint) as invalid_extensions,
    cast(f.out_of_order as bigint) as out_of_order,
    cast(f.depends_on_calendar as bigint) as depends_on_calendar,
    cast(f.identification_asked_late as bigint) as identification_asked_late,
    cast(f.with_internal_target as bigint) as with_internal_target,
    cast(f.met_internal_target as bigint) as met_internal_target,
    f.met_internal_target / nullif(f.with_internal_target, 0) as internal_target_rate,
    cast(f.due as bigint) as due,
    f.missed / nullif(f.due, 0) as missed_deadline_rate,
    f.on_time / nullif(f.closed, 0) as on_time_rate,
    d.quantiles[1] as median_days_to_close,
    d.quantiles[2] as p90_days_to_close,
    cast(b.open as bigint) as open,
    cast(b.overdue as bigint) as overdue,
    cast(b.at_risk as bigint) as at_risk,
    cast(b.awaiting_identity as bigint) as awaiting_identity,
    cast(b.open_from_before as bigint) as open_from_before,
from flows as f, backlog as b, durations as d
