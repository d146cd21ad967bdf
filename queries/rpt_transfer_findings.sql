-- Each transfer rule broken in the period: how often, how many records, which recipients, first and last day.
with broken as (
    select
        unnest(findings) as rule_id,
        recipient,
        record_count,
        local_day,
    from {{ ref('stg_transfers') }}
)

select
    rule_id,
    count(*) as transfers,
    cast(sum(record_count) as bigint) as records,
    string_agg(distinct recipient, ', ' order by recipient) as recipients,
    min(local_day) as first_day,
    max(local_day) as last_day,
from broken
group by rule_id
order by transfers desc
