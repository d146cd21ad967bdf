-- Transfers and records by recipient type and mechanism.
select
    recipient_type,
    mechanism,
    cast(sum(transfers) as bigint) as transfers,
    cast(sum(records) as bigint) as records,
from {{ ref('stg_transfers', counts=true) }}
group by all
order by recipient_type, mechanism
