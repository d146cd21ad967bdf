-- Exactly the holds a hold finding counts ($rule, dashboard/findings.py), as rpt_hold_summary counts them, as of
-- $as_of: overdue for release, kept longer than the law allows, released before placed (a data error).
select
    hold_id,
    request_id,
    data_category,
    legal_basis,
    record_count,
    placed_day,
    retain_until,
    days_overdue,
    latest_allowed,
from {{ ref('stg_hold_states') }}
where case $rule
    when 'hold_overdue' then is_overdue
    when 'hold_kept_too_long' then is_active and is_kept_too_long
    when 'holds_out_of_order' then released_before_placed
    else false
end
order by retain_until, hold_id
