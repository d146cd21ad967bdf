-- Rejected rows grouped by log, column and reason (the value-free part of the reason).
with rejected as (
    select
        log as log_name,
        column_name,
        regexp_replace(reason, '^''.*'' ', '… ') as reason_kind,
        file,
        row_number,
    from {{ ref('stg_rejected_rows') }}
    where ($log_name = '' or log = $log_name)
),

final as (
    select
        log_name,
        column_name,
        reason_kind,
        count(*) as rejections,
        count(distinct file) as files,
    from rejected
    group by all
    order by rejections desc, log_name, column_name
)

select * from final
