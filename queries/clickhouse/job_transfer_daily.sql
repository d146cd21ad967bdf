-- ClickHouse's version of queries/job_transfer_daily.sql (docs/scale.md): transfers per local day
-- ({day_from}..{day_to}) and everything the rules and filters look at, with how many transfers and records.
select
    toDate32(occurred_at, {tz:String}) as day,
    recipient,
    recipient_type,
    country,
    mechanism,
    legal_basis,
    purpose,
    data_categories,
    count() as transfers,
    sum(record_count) as records
from transfers
where occurred_at >= toDateTime64(toString({day_from:Date32}), 6, {tz:String})
    and occurred_at < toDateTime64(toString({day_to:Date32} + 1), 6, {tz:String})
group by day, recipient, recipient_type, country, mechanism, legal_basis, purpose, data_categories
