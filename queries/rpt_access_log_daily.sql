-- Access-log lines per day and event (the chart), with the distinct users of the whole selection on every row.
with log as (
    select * from {{ ref('stg_access_log') }}
    where occurred_day between $date_from and $date_to
        and (len($events) = 0 or list_contains($events, event))
        and ($page = '' or page = $page)
        and ($user = '' or contains(lower(user_email), lower($user)))
),

users as (
    select count(distinct user_email) as users_in_selection from log
)

select
    log.occurred_day,
    log.event,
    count(*) as events,
    coalesce(sum(log.row_count), 0) as rows_exported,
    any_value(users.users_in_selection) as users_in_selection,
from log
cross join users
group by all
order by log.occurred_day, log.event
