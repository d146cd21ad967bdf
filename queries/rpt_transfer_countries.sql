-- Where the data went: transfers and records per destination country.
select
    country,
    bool_or(is_eea) as is_eea,
    count(*) as transfers,
    cast(sum(record_count) as bigint) as records,
    count(*) filter (where len(findings) > 0) as with_findings,
from {{ ref('stg_transfers') }}
group by country
order by records desc
