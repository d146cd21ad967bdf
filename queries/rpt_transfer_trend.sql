-- Transfers per week or month ($grain), and the share of them going outside the EU/EEA.
select
    cast(date_trunc($grain, local_day) as date) as period_start,
    cast(sum(transfers) as bigint) as transfers,
    cast(coalesce(sum(transfers) filter (where not is_eea), 0) as bigint) as non_eea,
    coalesce(sum(transfers) filter (where not is_eea), 0) / sum(transfers) as non_eea_share,
from {{ ref('stg_transfers', counts=true) }}
group by all
order by period_start
