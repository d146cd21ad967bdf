-- Active holds whose obligation ends in each coming month (by retain_until), from $as_of on.
select
    cast(date_trunc('month', retain_until) as date) as month,
    legal_basis,
    count(*) as holds,
    cast(sum(record_count) as bigint) as records,
from {{ ref('stg_hold_states') }}
where is_active and retain_until >= $as_of
group by all
order by month, legal_basis
