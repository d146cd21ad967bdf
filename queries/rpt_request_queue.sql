-- Open requests as of $as_of, whatever their receipt date: overdue first, then by working days left.
-- Empty filter values mean "all". One page ($limit, $offset); total_rows counts every match.
select
    request_id,
    request_type,
    channel,
    sla_status,
    received_day,
    deadline,
    internal_due,
    is_extended,
    working_days_left,
    calendar_days_left,
    days_late,
    count(*) over () as total_rows,
from {{ ref('stg_request_states') }}
where state = 'open'
    and (len($types) = 0 or list_contains($types, request_type))
    and (len($statuses) = 0 or list_contains($statuses, sla_status))
    and (len($channels) = 0 or list_contains($channels, channel))
order by working_days_left, received_day, request_id
limit $limit offset $offset
