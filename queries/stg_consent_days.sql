-- The banner's daily counts (consent_daily, kept by its refresh job: docs/refresh.md) for the local days
-- $date_from..$date_to. Each row is one day, banner version, device, browser and country.
select
    *,
    day as local_day,
from consent_daily
where day >= $date_from and day <= $date_to
