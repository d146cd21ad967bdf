-- One row per data subject request: its statutory deadline and its state as of $as_of.
-- The rules (docs/sla.md): the deadline is one month after the clock starts, counted per Regulation 1182/71
-- Art. 3 (same date next month, else that month's last day, moved to the next working day), three months when
-- validly extended (an extended event on or before the one-month deadline). Events after $as_of are ignored.
-- Working days, two readings (docs/sla.md): $holidays are the weekdays that are public holidays (the strict reading:
-- the days of the Official Journal list); $eves are the weekday eves (midsummer, Christmas, New Year's) that only
-- the Swedish-statute reading (Lag 1930:173 2 §) adds; $count_eves says which reading is in force. Both are computed
-- so that a request whose verdict differs between them is shown (depends_on_calendar).
-- $clock_start: received (default) | suspended (EDPB Guidelines 01/2022 para. 159: the days from identity_requested
-- to identity_verified do not count, when identification was asked within $ask_within_days working days) |
-- identity_verified (the UK model: the month starts at verification).
-- $internal_default / $internal_types / $internal_days: the internal target in working days from receipt (null and
-- empty lists: none), per request type where listed.
-- $scope_from / $scope_to (null = no bound): only requests received between these local days are computed
-- (stg_request_receipts); $only_open: only requests still open on $as_of (the queue).
with requests as (
    -- A request without a received event is an orphan (a data quality finding), not a request: receipts start it.
    select * from {{ ref('stg_request_receipts') }}
),

span as (
    -- The calendar's days: from a week before the first receipt to 130 days past the last day any request can
    -- reach (its closing, its receipt or $as_of; a deadline is at most three months and the days suspended, which
    -- end by $as_of, past its receipt). Read from every request kept, not the ones in scope: a few more days of
    -- calendar cost nothing, and the requests in scope are then read once (reading them twice made DuckDB hold them).
    select
        least(min(received_day), $as_of) - 7 as first_day,
        greatest(max(closed_day), max(received_day), $as_of) + 130 as last_day,
    from request_rollup
),

days as (
    select
        cast(r.d as date) as day,
        isodow(r.d) < 6 and not list_contains(cast($holidays as date[]), cast(r.d as date)) as is_working_strict,
    from span, range(span.first_day, span.last_day + interval 1 day, interval 1 day) as r(d)
),

readings as (
    select
        day,
        is_working_strict,
        is_working_strict and not list_contains(cast($eves as date[]), day) as is_working_statute,
    from days
),

calendar as (
    select
        day,
        case when $count_eves then is_working_statute else is_working_strict end as is_working,
        min(case when is_working_strict then day end) over following as next_strict,
        min(case when is_working_statute then day end) over following as next_statute,
        count(case when (case when $count_eves then is_working_statute else is_working_strict end) then 1 end)
            over (order by day rows between unbounded preceding and current row) as working_day_number,
    from readings
    window following as (order by day rows between current row and unbounded following)
),

lookup as (
    -- The calendar as lists, a day at position (day - first_day + 1): looking a request's days up is a list access.
    -- Joining 2 M requests to the calendar eight times took a fifth of a year's figures at 10x (docs/refresh.md). A day
    -- looked up is never before first_day (a request's days are not before its receipt; $as_of is in the span), so a
    -- position is never below 1; past the span the lookup is null, as a join would have found no day.
    -- working_days lists the working days in order, so the n-th working day is working_days[n].
    select
        min(day) as first_day,
        list(next_strict order by day) as next_strict,
        list(next_statute order by day) as next_statute,
        list(working_day_number order by day) as number,
        list(day order by day) filter (where is_working) as working_days,
    from calendar
),

clocked as (
    select
        r.*,
        k.number[r.requested_day - k.first_day + 1] - k.number[r.received_day - k.first_day + 1] <= $ask_within_days
            as asked_in_time,
        case
            when $clock_start = 'identity_verified' and r.verified_day is not null then r.verified_day
            else r.received_day
        end as clock_start_day,
        -- calendar days the clock stood still (suspended mode; still running while the subject has not answered)
        case
            when $clock_start = 'suspended' and r.requested_day is not null
                and k.number[r.requested_day - k.first_day + 1] - k.number[r.received_day - k.first_day + 1]
                    <= $ask_within_days
                then cast(greatest(coalesce(r.verified_day, $as_of) - r.requested_day, 0) as integer)
            else 0
        end as suspended_days,
        coalesce(cast($internal_days as integer[])[list_position(cast($internal_types as varchar[]), r.request_type)],
                 cast($internal_default as integer)) as internal_target_days,
    from requests as r, lookup as k
),

months as (
    -- the positions of the days one and three months (plus the days suspended) after the clock started
    select
        c.*,
        cast(c.clock_start_day + interval 1 month as date) + c.suspended_days - k.first_day + 1 as one_month_at,
        cast(c.clock_start_day + interval 3 month as date) + c.suspended_days - k.first_day + 1 as three_month_at,
    from clocked as c, lookup as k
),

deadlines as (
    select
        m.* exclude (one_month_at, three_month_at),
        k.next_strict[m.one_month_at] as one_month_strict,
        k.next_statute[m.one_month_at] as one_month_statute,
        k.next_strict[m.three_month_at] as three_month_strict,
        k.next_statute[m.three_month_at] as three_month_statute,
        -- the internal target: the working day that many working days after receipt
        k.working_days[k.number[m.received_day - k.first_day + 1] + m.internal_target_days] as internal_due,
    from months as m, lookup as k
),

readings_applied as (
    select
        d.*,
        case when $count_eves then d.one_month_statute else d.one_month_strict end as one_month_deadline,
        case when $count_eves then d.three_month_statute else d.three_month_strict end as three_month_deadline,
        -- each reading's own deadline, to see whether the verdict depends on the reading
        case when d.extended_day <= d.one_month_strict then d.three_month_strict else d.one_month_strict end
            as deadline_strict,
        case when d.extended_day <= d.one_month_statute then d.three_month_statute else d.one_month_statute end
            as deadline_statute,
        coalesce(d.outcome, 'open') as state,
    from deadlines as d
),

stated as (
    select
        a.*,
        a.extended_day is not null and a.extended_day <= a.one_month_deadline as is_extended,
        a.extended_day is not null and a.extended_day > a.one_month_deadline as has_invalid_extension,
        case when a.extended_day <= a.one_month_deadline then a.three_month_deadline else a.one_month_deadline end
            as deadline,
    from readings_applied as a
),

final as (
    select
        s.request_id,
        s.request_type,
        s.channel,
        s.received_day,
        s.requested_day,
        s.verified_day,
        s.clock_start_day,
        s.suspended_days,
        coalesce(not s.asked_in_time, false) as asked_late,
        s.extended_day,
        s.is_extended,
        s.has_invalid_extension,
        s.one_month_deadline,
        s.deadline,
        s.deadline_strict,
        s.deadline_statute,
        s.internal_due,
        s.closed_day,
        s.state,
        s.out_of_order,
        case
            when s.state = 'withdrawn' then 'outside_sla'
            when s.state in ('completed', 'rejected') and s.closed_day <= s.deadline then 'on_time'
            when s.state in ('completed', 'rejected') then 'late'
            when $clock_start = 'suspended' and s.asked_in_time and s.verified_day is null then 'awaiting_identity'
            when $as_of > s.deadline then 'overdue'
            when k.number[s.deadline - k.first_day + 1] - k.number[$as_of - k.first_day + 1] <= $at_risk_days
                then 'at_risk'
            else 'pending'
        end as sla_status,
        -- on time under one reading of the holidays and late under the other (docs/sla.md)
        (s.state in ('completed', 'rejected')
            and (s.closed_day <= s.deadline_strict) <> (s.closed_day <= s.deadline_statute))
        or (s.state = 'open' and s.extended_day is not null
            and (s.extended_day <= s.one_month_strict) <> (s.extended_day <= s.one_month_statute))
            as depends_on_calendar,
        s.state in ('completed', 'rejected') and s.closed_day <= s.internal_due as met_internal_target,
        s.closed_day - s.received_day as days_to_close,
        -- days left until the deadline day (0 on it); none once it has passed, when days_late counts instead
        case when s.state = 'open' and $as_of <= s.deadline
            then k.number[s.deadline - k.first_day + 1] - k.number[$as_of - k.first_day + 1] end as working_days_left,
        case when s.state = 'open' and $as_of <= s.deadline then s.deadline - $as_of end as calendar_days_left,
        case
            when s.state in ('completed', 'rejected') and s.closed_day > s.deadline then s.closed_day - s.deadline
            when s.state = 'open' and $as_of > s.deadline then $as_of - s.deadline
        end as days_late,
    from stated as s, lookup as k
)

select * from final
