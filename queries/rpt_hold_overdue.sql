-- Holds whose obligation has ended (retain_until passed) but that were never released, oldest first.
select
    hold_id,
    request_id,
    data_category,
    legal_basis,
    record_count,
    placed_day,
    retain_until,
    days_overdue,
from {{ ref('stg_hold_states') }}
where is_overdue
order by retain_until, hold_id
