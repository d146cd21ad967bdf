-- Disclosures to authorities in the period, with their references, newest first. One page ($limit, $offset; a year
-- of a large retailer's transfers holds tens of thousands); total_rows counts every one.
select
    transfer_id,
    timezone($tz, occurred_at) as occurred_at,
    recipient,
    purpose,
    legal_basis,
    array_to_string(data_categories, ';') as data_categories,
    record_count,
    reference,
    count(*) over () as total_rows,
from transfers
where recipient_type = 'authority'
    and occurred_at >= timezone($tz, cast($date_from as timestamp))
    and occurred_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
order by occurred_at desc, transfer_id
limit $limit offset $offset
