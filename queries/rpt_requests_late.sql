-- Requests received in the period that were closed late or are overdue as of $as_of, latest first.
select
    request_id,
    request_type,
    channel,
    sla_status,
    received_day,
    deadline,
    closed_day,
    days_late,
    is_extended,
    has_invalid_extension,
from {{ ref('stg_request_states') }}
where received_day between $date_from and $date_to
    and sla_status in ('late', 'overdue')
order by days_late desc, request_id
