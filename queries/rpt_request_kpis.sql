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
        case when in_period and state in ('completed', 'rejected') then days_to_close end as close_days,
        count(*) as n,
    from states
    group by all
),

closing_days as (
    -- The period's closed requests by days to close, with how many close in that many days or fewer: the median and
    -- the 90th percentile are read from these few rows rather than by sorting every closed request (quantile_cont
    -- over a second pass of the states; at 10x, a year: 0.54 s -> 0.45 s for the figures).
    select close_days as days, sum(n) as n, sum(sum(n)) over (order by close_days) as up_to,
    from groups
    where close_days is not null
    group by close_days
),

positions as (
    -- quantile_cont's rule: the position (count - 1) * p in the sorted days, interpolated between its neighbours
    select i, (cast(sum(n) as double) - 1) * p as h
    from closing_days, (values (1, 0.5), (2, 0.9)) as q(i, p)
    group by i, p
),

durations as (
    select list(lo + (h - floor(h)) * (hi - lo) order by i) as quantiles
    from (
        select
            p.i,
            any_value(p.h) as h,
            cast(min(c.days) filter (where c.up_to > floor(p.h)) as double) as lo,
            cast(min(c.days) filter (where c.up_to > ceil(p.h)) as double) as hi,
        from positions as p, closing_days as c
        group by p.i
    )
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
        -- the Requests page's "Doubtful verdicts": either of the two above (rpt_requests_doubtful, $doubt = 'all')
        coalesce(sum(n) filter (where depends_on_calendar or asked_late), 0) as doubtful,
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
),

counts as (
    -- a sum of counts is a 128-bit number in DuckDB: each is cast back to the 64-bit count it is
    select cast(columns(*) as bigint) from flows, backlog
)

select
    c.received,
    c.received_access,
    c.received_rectification,
    c.received_erasure,
    c.received_objection,
    c.received_restriction,
    c.received_portability,
    c.closed,
    c.on_time,
    c.late,
    c.withdrawn,
    c.extended,
    c.invalid_extensions,
    c.out_of_order,
    c.depends_on_calendar,
    c.identification_asked_late,
    c.doubtful,
    c.with_internal_target,
    c.met_internal_target,
    c.met_internal_target / nullif(c.with_internal_target, 0) as internal_target_rate,
    c.due,
    c.missed / nullif(c.due, 0) as missed_deadline_rate,
    c.on_time / nullif(c.closed, 0) as on_time_rate,
    d.quantiles[1] as median_days_to_close,
    d.quantiles[2] as p90_days_to_close,
    c.open,
    c.overdue,
    c.at_risk,
    c.awaiting_identity,
    c.open_from_before,
from counts as c, durations as d
