-- Active holds and blocked records by legal basis and data category, as of $as_of.
select
    legal_basis,
    data_category,
    count(*) as holds,
    cast(sum(record_count) as bigint) as records,
from {{ ref('stg_hold_states') }}
where is_active
group by all
order by records desc, legal_basis, data_category  -- ties in one order
