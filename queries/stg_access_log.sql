-- The dashboard's own access log (data/access-log/access-YYYY-MM.jsonl), typed, with the local day of each line.
-- $files is the list of month files to read (dashboard/access_log.py); never the audit store.
select
    timezone($tz, cast("at" as timestamptz)) as occurred_at,  -- local time, as every page shows times
    cast(timezone($tz, cast("at" as timestamptz)) as date) as occurred_day,
    event,
    "user" as user_email,
    coalesce(role, '') as role,
    coalesce(page, '') as page,
    coalesce(detail, '') as detail,
    "rows" as row_count,
    coalesce(iss, '') as issuer,
    coalesce(sub, '') as subject,
from read_json(
    $files,
    format = 'newline_delimited',
    ignore_errors = true,  -- a line cut short by a crash is reported by the integrity check, not read
    columns = {
        'at': 'varchar', 'event': 'varchar', 'user': 'varchar', 'role': 'varchar', 'page': 'varchar',
        'detail': 'varchar', 'rows': 'bigint', 'iss': 'varchar', 'sub': 'varchar',
        'prev': 'varchar'
    }
)
