-- Every filtered transfer (for export), in time order.
select * from {{ ref('stg_transfer_rows') }}
order by occurred_at, transfer_id
