-- Per erasure request whose holds were placed in the period: holds and records left blocked, and since released.
-- One page ($limit rows from $offset; a null limit: every row, for an export); total_rows counts every request.
with per_request as (
    select
        request_id,
        min(placed_day) as placed_day,
        count(*) as holds,
        cast(sum(record_count) as bigint) as records,
        count(*) filter (where not is_active) as holds_released,
        coalesce(cast(sum(record_count) filter (where is_active) as bigint), 0) as records_still_blocked,
        max(released_day) as last_release,
    from {{ ref('stg_hold_states') }}
    where request_id is not null
        and placed_day between $date_from and $date_to
    group by request_id
)

select *, count(*) over () as total_rows
from per_request
order by placed_day desc, request_id  -- one request per row: the order is total, pages neither repeat nor skip
limit $limit offset $offset
