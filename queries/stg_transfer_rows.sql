-- The filtered transfers as people read them: local time, categories and findings as text.
select
    transfer_id,
    timezone($tz, occurred_at) as occurred_at,
    recipient,
    recipient_type,
    country,
    is_eea,
    mechanism,
    legal_basis,
    purpose,
    array_to_string(data_categories, ';') as data_categories,
    record_count,
    reference,
    array_to_string(findings, ', ') as findings,
from {{ ref('stg_transfers', counts=false) }}
