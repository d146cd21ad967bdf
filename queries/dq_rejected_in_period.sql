-- The rejected rows of one log ($log_name) that rpt_rejected_rows_by_log counts for the period: one line per
-- rejected row (its reasons joined), placed in the period by its own time, or undated (counted in every period).
-- The rows the finding "Rows rejected at ingest, counted nowhere else" counts; pseudonyms were masked at ingest.
with rows_rejected as (
    select
        log,
        sha256,
        row_number,
        any_value(file) as file,
        string_agg(distinct column_name || ': ' || reason, '; ') as reasons,
        try_cast(coalesce(json_extract_string(any_value(row_json), '$.occurred_at'),
                          json_extract_string(any_value(row_json), '$.observed_at')) as timestamptz) as happened_at,
    from {{ ref('stg_rejected_rows') }}
    where log = $log_name and list_contains($logs, log)
    group by log, sha256, row_number
)

select
    left(sha256, 16) || ':' || row_number as rejected_id,  -- the file's content and its row (docs/reviews.md)
    file,
    row_number,
    timezone($tz, happened_at) as happened_at,
    reasons,
from rows_rejected
where happened_at is null
    or (happened_at >= timezone($tz, cast($date_from as timestamp))
        and happened_at < timezone($tz, cast($date_to as timestamp) + interval 1 day))
order by file, row_number
