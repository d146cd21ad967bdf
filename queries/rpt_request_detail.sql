-- One request's deadline and how it was computed, as of $as_of (docs/sla.md): receipt, identification (asked,
-- answered, days suspended), extension and whether it was in time, the deadline under the reading in force and under
-- the other, the internal target, and days left or late. The "how" column says it in words for the timeline.
select
    request_id,
    request_type,
    state,
    sla_status,
    received_day,
    requested_day,
    verified_day,
    suspended_days,
    asked_late,
    extended_day,
    is_extended,
    has_invalid_extension,
    one_month_deadline,
    deadline,
    deadline_strict,
    deadline_statute,
    depends_on_calendar,
    internal_due,
    closed_day,
    calendar_days_left,
    days_late,
    concat_ws('; ',
        'received ' || strftime(received_day, '%Y-%m-%d'),
        case
            when requested_day is not null and $clock_start = 'suspended' and suspended_days > 0
                then 'identification asked ' || strftime(requested_day, '%Y-%m-%d')
                    || coalesce(', answered ' || strftime(verified_day, '%Y-%m-%d'), ', not answered yet')
                    || ': clock suspended ' || suspended_days || ' days (EDPB Guidelines 01/2022 para. 159)'
            when requested_day is not null and asked_late
                then 'identification asked ' || strftime(requested_day, '%Y-%m-%d')
                    || ', more than ' || $ask_within_days || ' working days after receipt: nothing suspended'
            when requested_day is not null
                then 'identification asked ' || strftime(requested_day, '%Y-%m-%d')
        end,
        case when $clock_start = 'identity_verified' and verified_day is not null
            then 'month counted from verification ' || strftime(verified_day, '%Y-%m-%d') || ' (UK model)' end,
        'one month ends ' || strftime(one_month_deadline, '%Y-%m-%d'),
        case
            when is_extended then 'extended ' || strftime(extended_day, '%Y-%m-%d') || ' (in time): three months'
            when has_invalid_extension then 'extended ' || strftime(extended_day, '%Y-%m-%d')
                || ' (too late: does not count)'
        end,
        'deadline ' || strftime(deadline, '%Y-%m-%d')
            || case when $count_eves then ' (Swedish-statute reading)' else ' (strict reading)' end,
        case when depends_on_calendar then 'under the other reading ' || strftime(
            case when $count_eves then deadline_strict else deadline_statute end, '%Y-%m-%d') end,
        case when internal_due is not null then 'internal target ' || strftime(internal_due, '%Y-%m-%d') end,
        case
            when closed_day is not null then state || ' ' || strftime(closed_day, '%Y-%m-%d')
                || coalesce(', ' || days_late || ' days late', '')
            when days_late is not null then days_late || ' days overdue'
            when calendar_days_left is not null then calendar_days_left || ' days left'
        end
    ) as how,
    -- the request's last note up to $as_of (what the handler wrote last)
    (select n.note from dsr_events as n
     where n.request_id = $request_id and n.note is not null and n.note <> ''
         and cast(timezone($tz, n.occurred_at) as date) <= $as_of
     order by n.occurred_at desc, n.event_id desc limit 1) as last_note,
from {{ ref('stg_request_states') }}
where request_id = $request_id
