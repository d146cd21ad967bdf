-- The most recent ingest runs, newest first: refused files (nothing stored) and unloaded runs say so.
select
    run_id,
    file,
    log as log_name,
    format,
    outcome,
    outcome_detail,
    rows_read,
    rows_accepted,
    rows_rejected,
    rows_duplicate,
    timezone($tz, finished_at) as finished_at,
    date_diff('millisecond', started_at, finished_at) / 1000.0 as seconds,
from {{ ref('stg_ingest_runs') }}
order by run_id desc
limit $limit
