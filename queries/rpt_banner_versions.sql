-- Each banner version and the local day it was first shown (all time: a change is marked wherever it falls).
select
    banner_version,
    cast(timezone($tz, min(occurred_at)) as date) as first_day,
    cast(timezone($tz, max(occurred_at)) as date) as last_day,
from consent_events
group by banner_version
order by first_day
