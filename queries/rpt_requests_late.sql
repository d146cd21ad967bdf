-- Requests received in the period that were closed late (a flow), and every request overdue on $as_of whatever
-- its receipt day (a state: the backlog, docs/metrics.md), most days late first.
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
where (received_day between $date_from and $date_to and sla_status = 'late')
    or sla_status = 'overdue'
order by days_late desc, request_id
