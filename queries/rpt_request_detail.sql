-- One request's deadline and how it was computed, as of $as_of (docs/sla.md): receipt, identification (asked,
-- answered, days suspended), extension and whether it was in time, the deadline under the reading in force and under
-- the other, the internal target, and days left or late. deadlines.how() says it in words, in the page's language.
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
    -- the request's last note up to $as_of (what the handler wrote last)
    (select n.note from dsr_events as n
     where n.request_id = $request_id and n.note is not null and n.note <> ''
         and cast(timezone($tz, n.occurred_at) as date) <= $as_of
     order by n.occurred_at desc, n.event_id desc limit 1) as last_note,
from {{ ref('stg_request_states') }}
where request_id = $request_id
