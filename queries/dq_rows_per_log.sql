-- Rows per log and the local dates they cover (every log listed, an empty one with 0 rows), from log_days.
select
    l.log_name,
    cast(coalesce(sum(d.events), 0) as bigint) as row_count,
    min(d.day) as first_day,
    max(d.day) as last_day,
from {{ ref('stg_log_names') }} as l
left join log_days as d using (log_name)
group by l.log_name, l.position
order by l.position
