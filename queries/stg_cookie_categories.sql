-- Every cookie name seen (cookie_daily), with its category from the inventory ($inventory): an exact row first,
-- else a prefix row; null when no row names it (the cookie is "unknown", docs/consent.md). And what the policy
-- calls it, from the same inventory row (null: the policy gives no category).
with inventory as (
    select unnest($inventory, recursive := true)
),

names as (
    select distinct cookie_name from cookie_daily
)

select
    n.cookie_name,
    coalesce(
        max(i.category) filter (where i.match = 'exact'),
        max(i.category) filter (where i.match = 'prefix')
    ) as category,
    case when count(*) filter (where i.match = 'exact') > 0
        then max(i.policy_category) filter (where i.match = 'exact')
        else max(i.policy_category) filter (where i.match = 'prefix')
    end as policy_category,
from names as n
left join inventory as i
    on (i.match = 'exact' and n.cookie_name = i.cookie_name)
    or (i.match = 'prefix' and starts_with(n.cookie_name, i.cookie_name))
group by n.cookie_name
