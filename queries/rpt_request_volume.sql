-- Requests received per week or month ($grain) and type, in the period. A count of receipts needs no deadline, so
-- it reads the receipts alone (stg_request_receipts), not the request states.
select
    cast(date_trunc($grain, received_day) as date) as period_start,
    request_type,
    count(*) as requests,
from {{ ref('stg_request_receipts', open_too=false) }}
where received_day between $date_from and $date_to
group by all
order by period_start, request_type
