-- The last imports of each privacy tool's export (docs/importers.md), newest first, $per_format per format: what was
-- read, what it became in the contract's logs, what was skipped and why, and the importer's notes.
with imports as (
    select
        *,
        row_number() over (partition by format order by run_id desc) as nth,
    from {{ ref('stg_ingest_runs') }}
    where format not in ('csv', 'jsonl', 'parquet')
),

reports as (
    select
        *,
        try_cast(json_extract(import_report, '$.records_read') as bigint) as records_read,
        json_transform(json_extract(import_report, '$.skipped'), '"MAP(VARCHAR, BIGINT)"') as skipped_map,
        json_extract_string(import_report, '$.notes[*]') as notes_list,
    from imports
    where nth <= $per_format
)

select
    format,
    run_id,
    file,
    outcome,
    outcome_detail,
    records_read,
    rows_accepted,
    rows_rejected,
    rows_duplicate,
    cast(coalesce(list_sum(map_values(skipped_map)), 0) as bigint) as records_skipped,
    array_to_string(list_transform(map_entries(skipped_map), lambda e: e.value || ' × ' || e.key), '; ') as skipped_why,
    array_to_string(notes_list, ' · ') as notes,
    timezone($tz, finished_at) as finished_at,
from reports
order by format, run_id desc
