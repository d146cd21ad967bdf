-- What the refresh jobs still have to redo (docs/refresh.md): per derived table, the local days pending after an
-- ingest, an unload or an interrupted refresh, and tables built for another time zone than $tz (to rebuild).
-- Empty when every derived table agrees with the logs.
select
    job,
    min(day_from) as day_from,
    max(day_to) as day_to,
    bool_or(day_from is null) as rebuild,
from refresh_pending
group by job
union all
select job, null, null, true
from refresh_state
where tz <> $tz
order by job
