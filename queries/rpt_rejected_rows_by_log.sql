-- Rows rejected at ingest per log, for a period: a rejected row is counted nowhere else, so the Overview shows it
-- beside its area and it keeps the area from reading "on track". A row is placed in the period by its own time
-- when that parses; a row whose time does not parse (often the very reason it was rejected) is counted in every
-- period, since it cannot be shown to lie outside it.
with rows_rejected as (
    select distinct
        log,
        sha256,
        row_number,
        try_cast(coalesce(json_extract_string(row_json, '$.occurred_at'), json_extract_string(row_json, '$.observed_at'))
            as timestamptz) as happened_at,
    from {{ ref('stg_rejected_rows') }}
),

final as (
    select
        log as log_name,
        count(*) as rejected_rows,
        count(*) filter (where happened_at is null) as undated,
    from rows_rejected
    where happened_at is null
        or (happened_at >= timezone($tz, cast($date_from as timestamp))
            and happened_at < timezone($tz, cast($date_to as timestamp) + interval 1 day))
    group by log
)

select * from final
order by log_name
