-- Refresh job (docs/refresh.md): transfers per local day ($day_from..$day_to) and everything the rules and the
-- page's filters look at (recipient, its type, country, mechanism, legal basis, purpose, data categories), with
-- how many transfers and records. stg_transfers classifies these rows exactly as it classifies single transfers.
select
    cast(timezone($tz, occurred_at) as date) as day,
    recipient,
    recipient_type,
    country,
    mechanism,
    legal_basis,
    purpose,
    data_categories,
    count(*) as transfers,
    cast(sum(record_count) as bigint) as records,
from transfers
where occurred_at >= timezone($tz, cast($day_from as timestamp))
    and occurred_at < timezone($tz, cast($day_to as timestamp) + interval 1 day)
group by all
order by day
