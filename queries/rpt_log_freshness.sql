-- How fresh each log is: its last event (local day, $tz) on or before $as_of, and its events in the period
-- ($date_from .. $date_to). An area whose logs are empty in the period reads "no data", one whose log ends before
-- $as_of reads "data ends <day>" (docs/metrics.md): missing data is never shown as compliant.
-- From the days each log has events on (log_days, kept by its refresh job: docs/refresh.md): a local day is on or
-- before $as_of exactly when its events are.
select
    l.log_name,
    max(d.day) filter (where d.day <= $as_of) as last_day,
    cast(coalesce(sum(d.events) filter (where d.day >= $date_from and d.day <= $date_to), 0) as bigint)
        as rows_in_period,
from {{ ref('stg_log_names') }} as l
left join log_days as d using (log_name)
group by l.log_name, l.position
order by l.position
