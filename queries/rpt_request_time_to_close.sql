-- How many requests received in the period closed after how many calendar days, by type.
select
    request_type,
    days_to_close,
    count(*) as requests,
from {{ ref('stg_request_states') }}
where received_day between $date_from and $date_to
    and state in ('completed', 'rejected')
group by all
order by request_type, days_to_close
