-- Transfers per week or month ($grain), and the share of them going outside the EU/EEA.
select
    cast(date_trunc($grain, local_day) as date) as period_start,
    count(*) as transfers,
    count(*) filter (where not is_eea) as non_eea,
    count(*) filter (where not is_eea) / count(*) as non_eea_share,
from {{ ref('stg_transfers') }}
group by all
order by period_start
