-- Transfers and records by recipient type and mechanism.
select
    recipient_type,
    mechanism,
    count(*) as transfers,
    cast(sum(record_count) as bigint) as records,
from {{ ref('stg_transfers') }}
group by all
order by recipient_type, mechanism
