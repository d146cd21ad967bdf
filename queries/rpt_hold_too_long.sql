-- Active holds set to last beyond what their legal basis allows (storage limitation, GDPR Art. 5(1)(e)).
select
    hold_id,
    request_id,
    data_category,
    legal_basis,
    record_count,
    placed_day,
    retain_until,
    latest_allowed,
    retain_until - latest_allowed as days_too_long,
from {{ ref('stg_hold_states') }}
where is_active and is_kept_too_long
order by days_too_long desc, hold_id
