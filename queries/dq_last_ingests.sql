-- The most recent ingest runs, newest first: refused files (nothing stored) and unloaded runs say so.
select
    run_id,
    file,
    log as log_name,
    format,
    case
        when refused is not null then 'refused: ' || refused
        when unloaded_at is not null then 'unloaded ' || strftime(timezone($tz, unloaded_at), '%Y-%m-%d %H:%M')
        else 'loaded'
    end as outcome,
    rows_read,
    rows_accepted,
    rows_rejected,
    rows_duplicate,
    timezone($tz, finished_at) as finished_at,
    date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds,
from ingest_runs
order by run_id desc
limit $limit
