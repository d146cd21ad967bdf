-- Legal holds as of $as_of: active holds, blocked records, overdue, due for release within 90 days, too long.
select
    count(*) filter (where is_active) as active,
    coalesce(cast(sum(record_count) filter (where is_active) as bigint), 0) as blocked_records,
    count(*) filter (where is_overdue) as overdue,
    count(*) filter (where is_active and retain_until between $as_of and $as_of + 89) as release_due_90d,
    count(*) filter (where is_active and is_kept_too_long) as kept_too_long,
    count(*) filter (where not is_active) as released,
    count(*) filter (where released_before_placed) as out_of_order,
from {{ ref('stg_hold_states') }}
