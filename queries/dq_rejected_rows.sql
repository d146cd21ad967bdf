-- One page of rejected rows, filtered, of the logs the viewer may see ($logs); pseudonyms in row_json were masked
-- and other identifiers replaced by markers at ingest.
select
    file,
    log as log_name,
    row_number,
    column_name,
    reason,
    row_json,
    count(*) over () as total_rows,
from {{ ref('stg_rejected_rows') }}
where list_contains($logs, log)
    and ($log_name = '' or log = $log_name)
    and ($column_name = '' or column_name = $column_name)
    and ($search = '' or contains(lower(reason), lower($search)) or contains(lower(file), lower($search)))
order by run_id desc, file, row_number, column_name
limit $limit offset $offset
