-- Where the data went: transfers and records per destination country.
select
    country,
    bool_or(is_eea) as is_eea,
    cast(sum(transfers) as bigint) as transfers,
    cast(sum(records) as bigint) as records,
    cast(coalesce(sum(transfers) filter (where len(findings) > 0), 0) as bigint) as with_findings,
from {{ ref('stg_transfers', counts=true) }}
group by country
order by records desc, country  -- ties in one order
