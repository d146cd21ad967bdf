-- Every ingest run with its outcome in words: refused files (nothing stored) and unloaded runs say so.
select
    *,
    case
        when refused is not null then 'refused: ' || refused
        when unloaded_at is not null then 'unloaded ' || strftime(timezone($tz, unloaded_at), '%Y-%m-%d %H:%M')
        else 'loaded'
    end as outcome,
from ingest_runs
