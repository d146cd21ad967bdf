-- Open requests as of $as_of, whatever their receipt date: by deadline, so the most overdue first, then by working
-- days left; days overdue beside the deadline, where a reader looks first.
-- Empty filter values mean "all". One page ($limit, $offset); total_rows counts every match.
select
    request_id,
    request_type,
    channel,
    sla_status,
    received_day,
    deadline,
    days_late,
    working_days_left,
    calendar_days_left,
    internal_due,
    is_extended,
    count(*) over () as total_rows,
from {{ ref('stg_request_states') }}
where state = 'open'
    and (len($types) = 0 or list_contains($types, request_type))
    and (len($statuses) = 0 or list_contains($statuses, sla_status))
    and (len($channels) = 0 or list_contains($channels, channel))
order by deadline, received_day, request_id
limit $limit offset $offset
