-- Requests received in the period that were closed late (a flow), and every request overdue on $as_of whatever
-- its receipt day (a state: the backlog, docs/metrics.md), most days late first. One page ($limit, $offset; a
-- year of a large retailer's requests lists over a thousand).
-- The review journal's decisions (docs/reviews.md): $late_decided_ids and $overdue_decided_ids are the requests with a
-- decision in force on the finding request_late and request_overdue; $decided ('' or 'all': every row, 'without',
-- 'decided') keeps the rows without one or with one. finding is the row's finding (the rule its decision is on).
-- all_rows and without_decision count the whole list whatever $decided keeps; total_rows counts the rows kept.
with late as (
    select
        request_id,
        request_type,
        channel,
        sla_status,
        received_day,
        deadline,
        closed_day,
        days_late,
        is_extended,
        has_invalid_extension,
        case when sla_status = 'overdue' then 'request_overdue' else 'request_late' end as finding,
        list_contains(
            cast(case when finding = 'request_overdue' then $overdue_decided_ids else $late_decided_ids end
                 as varchar[]),
            request_id
        ) as has_decision,
    from {{ ref('stg_request_states') }}
    where (received_day between $date_from and $date_to and sla_status = 'late')
        or sla_status = 'overdue'
),

counted as (
    select
        *,
        count(*) over () as all_rows,
        count(*) filter (where not has_decision) over () as without_decision,
    from late
)

select
    * exclude (has_decision),
    count(*) over () as total_rows,
from counted
where $decided not in ('without', 'decided') or has_decision = ($decided = 'decided')
order by days_late desc, request_id
limit $limit offset $offset
