-- Each banner version and the local day it was first shown (all time: a change is marked wherever it falls),
-- from the daily counts (consent_daily: a version has a row on each day it had an event).
select
    banner_version,
    min(day) as first_day,
    max(day) as last_day,
from consent_daily
group by banner_version
order by first_day, banner_version
