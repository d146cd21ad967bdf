-- One page of the filtered transfer log, sorted by $sort_by (an allowed column name) in either direction.
with keyed as (
    select
        *,
        case $sort_by
            when 'recipient' then recipient
            when 'recipient_type' then recipient_type
            when 'country' then country
            when 'mechanism' then mechanism
            when 'legal_basis' then legal_basis
            when 'purpose' then purpose
            when 'transfer_id' then transfer_id
        end as text_key,
        case $sort_by when 'record_count' then record_count end as number_key,
        case $sort_by when 'occurred_at' then occurred_at end as time_key,
    from {{ ref('stg_transfer_rows') }}
)

select * exclude (text_key, number_key, time_key)
from keyed
order by
    case when $descending then text_key end desc,
    case when not $descending then text_key end asc,
    case when $descending then number_key end desc,
    case when not $descending then number_key end asc,
    case when $descending then time_key end desc,
    case when not $descending then time_key end asc,
    transfer_id
limit $limit offset $offset
