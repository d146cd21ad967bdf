-- One page of the filtered transfer log, sorted by $sort_by (an allowed column name) in either direction, as people
-- read it: local time, categories and findings as text. Narrow first, wide last: the rows are sorted and cut to the
-- page first, and only the page's rows are written out as text.
-- Sorted by time, the rows are in local time's order, which is their instants' order except within the hour a clock
-- goes back: a row more than an hour beyond the page's last row by instant cannot be on the page. The page's instants
-- are found first, reading only the instants and the columns the filters need; the rows within an hour of them are
-- then read in full (DuckDB skips the rest of the log by that bound) and sorted by local time.
with edge as (
    select
        case when $sort_by = 'occurred_at' and $descending then min(occurred_at) - interval 1 hour end as after,
        case when $sort_by = 'occurred_at' and not $descending then max(occurred_at) + interval 1 hour end as before,
    from (
        select occurred_at
        from {{ ref('stg_transfers', counts=false) }}
        where $sort_by = 'occurred_at'
        order by
            case when $descending then occurred_at end desc,
            case when not $descending then occurred_at end asc
        limit $limit + $offset
    )
),

keyed as (
    select
        f.*,
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
        -- local time, as shown (in the hour a clock goes back, the order people read)
        case $sort_by when 'occurred_at' then timezone($tz, occurred_at) end as time_key,
    from {{ ref('stg_transfers', counts=false) }} as f, edge as e
    where f.occurred_at >= coalesce(e.after, '-infinity') and f.occurred_at <= coalesce(e.before, 'infinity')
),

page as (
    select *
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
)

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
from page
-- the page's order again (SQL keeps no order through a select; written once in a single select, DuckDB would write
-- out every row as text before cutting the page: 40 % slower)
order by
    case when $descending then text_key end desc,
    case when not $descending then text_key end asc,
    case when $descending then number_key end desc,
    case when not $descending then number_key end asc,
    case when $descending then time_key end desc,
    case when not $descending then time_key end asc,
    transfer_id
