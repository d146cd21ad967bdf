-- The rejected rows that stand (docs/data-contract.md, "What happens to a file"): a file's content (its sha256) can be
-- loaded more than once, again after an unload, after the rows it conflicted with were unloaded, or after the
-- rules changed. Each run records every row it rejected, and a row's verdict is that of the latest loaded run of its
-- content: a row an earlier run rejected and a later one stored is no longer counted, and is counted again if that
-- later run is unloaded. Runs recorded before this rule (rejections_complete not set) kept a row's rejection only
-- once per content, under the first run that rejected it: for a content whose loaded runs are all such, every
-- record counts, as it did then.
with latest as (
    select
        sha256,
        max(run_id) as run_id,
    from ingest_runs
    where refused is null and unloaded_at is null and rejections_complete
    group by sha256
)

select r.*
from rejected_rows r
left join latest l using (sha256)
where l.run_id is null or r.run_id = l.run_id
