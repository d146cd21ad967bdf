-- Holds released before they were placed (a data error: the release is ignored, so the hold counts as active), as
-- of $as_of: the rows the finding "Holds released before they were placed" counts.
select
    hold_id,
    request_id,
    data_category,
    legal_basis,
    record_count,
    placed_day,
    retain_until,
from {{ ref('stg_hold_states') }}
where released_before_placed
order by placed_day, hold_id
