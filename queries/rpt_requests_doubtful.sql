-- Requests received in the period whose verdict deserves a second look (docs/sla.md): on time under one reading of
-- the holidays and late under the other ($doubt = 'calendar'), identification asked later than $ask_within_days
-- working days after receipt ($doubt = 'identification'), or both ($doubt = 'all'). One page ($limit, $offset);
-- total_rows counts every match.
select
    request_id,
    request_type,
    sla_status,
    received_day,
    case
        when depends_on_calendar and asked_late then 'holiday reading; identification asked late'
        when depends_on_calendar then 'holiday reading'
        else 'identification asked late'
    end as why,
    deadline_strict,
    deadline_statute,
    extended_day,
    closed_day,
    requested_day,
    verified_day,
    count(*) over () as total_rows,
from {{ ref('stg_request_states') }}
where received_day between $date_from and $date_to
    and (($doubt in ('all', 'calendar') and depends_on_calendar)
        or ($doubt in ('all', 'identification') and asked_late))
order by received_day desc, request_id
limit $limit offset $offset
