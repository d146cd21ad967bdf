-- Each transfer rule broken in the period: how often, how many records, which recipients, first and last day.
with broken as (
    select
        unnest(findings) as rule_id,
        recipient,
        transfers,
        records,
        local_day,
    from {{ ref('stg_transfers', counts=true) }}
)

select
    rule_id,
    cast(sum(transfers) as bigint) as transfers,
    cast(sum(records) as bigint) as records,
    string_agg(distinct recipient, ', ' order by recipient) as recipients,
    min(local_day) as first_day,
    max(local_day) as last_day,
from broken
group by rule_id
order by transfers desc, rule_id  -- ties in one order: page, report and tests agree
