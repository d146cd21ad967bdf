-- Every ingest run with its outcome (a code the pages show as words: loaded, refused, unloaded) and what it rests
-- on: why a file was refused (nothing stored), or when a run was unloaded.
select
    *,
    case
        when refused is not null then 'refused'
        when unloaded_at is not null then 'unloaded'
        else 'loaded'
    end as outcome,
    case
        when refused is not null then refused
        when unloaded_at is not null then strftime(timezone($tz, unloaded_at), '%Y-%m-%d %H:%M')
    end as outcome_detail,
from ingest_runs
