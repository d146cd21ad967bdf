-- One row per data subject request: its statutory deadline and its state as of $as_of.
-- The rules (docs/sla.md): the deadline is one month after the clock starts, counted per Regulation 1182/71
-- Art. 3 (same date next month, else that month's last day, moved to the next working day), three months when
-- validly extended (an extended event on or before the one-month deadline). Events after $as_of are ignored.
-- $holidays: the weekdays that are not working days (public holidays and days treated as Sundays).
-- $scope_from / $scope_to (null = no bound): only requests received between these local days are computed
-- (stg_request_receipts); $only_open: only requests still open on $as_of (the queue).
with requests as (
    -- A request without a received event is an orphan (a data quality finding), not a request: receipts start it.
    select * from {{ ref('stg_request_receipts') }}
),

clocked as (
    select
        *,
        case
            when $clock_start = 'identity_verified' and verified_day is not null then verified_day
            else received_day
        end as clock_start_day,
    from requests
),

span as (
    select
        least(min(received_day), $as_of) - 7 as first_day,
        greatest(max(coalesce(closed_day, received_day)), $as_of) + 130 as last_day,
    from clocked
),

days as (
    select
        cast(r.d as date) as day,
        isodow(r.d) < 6 and not list_contains(cast($holidays as date[]), cast(r.d as date)) as is_working,
    from span, range(span.first_day, span.last_day + interval 1 day, interval 1 day) as r(d)
),

calendar as (
    select
        day,
        is_working,
        min(case when is_working then day end) over (
            order by day rows between current row and unbounded following
        ) as next_working_day,
        count(case when is_working then 1 end) over (
            order by day rows between unbounded preceding and current row
        ) as working_day_number,
    from days
),

deadlines as (
    select
        c.*,
        one.next_working_day as one_month_deadline,
        three.next_working_day as three_month_deadline,
        c.extended_day is not null and c.extended_day <= one.next_working_day as is_extended,
        c.extended_day is not null and c.extended_day > one.next_working_day as has_invalid_extension,
    from clocked as c
    inner join calendar as one on one.day = cast(c.clock_start_day + interval 1 month as date)
    inner join calendar as three on three.day = cast(c.clock_start_day + interval 3 month as date)
),

stated as (
    select
        d.*,
        case when d.is_extended then d.three_month_deadline else d.one_month_deadline end as deadline,
        coalesce(d.outcome, 'open') as state,
    from deadlines as d
),

final as (
    select
        s.request_id,
        s.request_type,
        s.channel,
        s.subject_ref,
        s.received_day,
        s.verified_day,
        s.clock_start_day,
        s.extended_day,
        s.is_extended,
        s.has_invalid_extension,
        s.one_month_deadline,
        s.deadline,
        s.closed_day,
        s.state,
        s.out_of_order,
        case
            when s.state = 'withdrawn' then 'outside_sla'
            when s.state in ('completed', 'rejected') and s.closed_day <= s.deadline then 'on_time'
            when s.state in ('completed', 'rejected') then 'late'
            when $as_of > s.deadline then 'overdue'
            when dl.working_day_number - on_as_of.working_day_number <= $at_risk_days then 'at_risk'
            else 'pending'
        end as sla_status,
        s.closed_day - s.received_day as days_to_close,
        cl.working_day_number - rc.working_day_number as working_days_to_close,
        case when s.state = 'open' then dl.working_day_number - on_as_of.working_day_number end as working_days_left,
        case when s.state = 'open' then s.deadline - $as_of end as calendar_days_left,
        case
            when s.state in ('completed', 'rejected') and s.closed_day > s.deadline then s.closed_day - s.deadline
            when s.state = 'open' and $as_of > s.deadline then $as_of - s.deadline
        end as days_late,
    from stated as s
    inner join calendar as dl on dl.day = s.deadline
    inner join calendar as rc on rc.day = s.received_day
    inner join calendar as on_as_of on on_as_of.day = $as_of
    left join calendar as cl on cl.day = s.closed_day
)

select * from final
