-- Exactly the requests a request finding counts ($rule, dashboard/findings.py), as rpt_request_kpis counts them:
-- the backlog rules (overdue, at risk) over every request open on $as_of, the others over the requests received in
-- the period. "Show the rows" on the Overview lands on these rows, so the table and the figure cannot differ.
select
    request_id,
    request_type,
    channel,
    sla_status,
    received_day,
    deadline,
    closed_day,
    days_late,
    calendar_days_left,
    is_extended,
    has_invalid_extension,
    out_of_order,
from {{ ref('stg_request_states') }}
where case $rule
    when 'request_overdue' then state = 'open' and sla_status = 'overdue'
    when 'request_at_risk' then state = 'open' and sla_status = 'at_risk'
    when 'request_late' then received_day between $date_from and $date_to and sla_status = 'late'
    when 'invalid_extension' then received_day between $date_from and $date_to and has_invalid_extension
    when 'depends_on_calendar' then received_day between $date_from and $date_to and depends_on_calendar
    when 'identification_asked_late' then received_day between $date_from and $date_to and asked_late
    when 'requests_out_of_order' then received_day between $date_from and $date_to and out_of_order is not null
    else false
end
order by days_late desc nulls last, calendar_days_left nulls last, received_day, request_id
