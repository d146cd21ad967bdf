-- One page of the access log, newest first, filtered by day, event, page and user (contains).
with log as (
    select * from {{ ref('stg_access_log') }}
),

final as (
    select
        occurred_at,
        event,
        user_email,
        role,
        page,
        detail,
        row_count,
        count(*) over () as total_rows,
    from log
    where occurred_day between $date_from and $date_to
        and (len($events) = 0 or list_contains($events, event))
        and ($page = '' or page = $page)
        and ($user = '' or contains(lower(user_email), lower($user)))
)

select * from final
-- ties in one order, so that pages neither repeat nor skip an entry
order by occurred_at desc, event, user_email, page, detail, role, row_count
limit $limit offset $offset
