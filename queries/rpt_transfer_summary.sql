-- Headline figures of the filtered transfers (each row of stg_transfers stands for `transfers` transfers).
select
    cast(coalesce(sum(transfers), 0) as bigint) as transfers,
    cast(coalesce(sum(records), 0) as bigint) as records,
    cast(coalesce(sum(transfers) filter (where not is_eea), 0) as bigint) as non_eea,
    cast(coalesce(sum(records) filter (where not is_eea), 0) as bigint) as non_eea_records,
    cast(coalesce(sum(transfers) filter (where lacks_valid_safeguard), 0) as bigint)
        as non_eea_without_valid_mechanism,
    cast(coalesce(sum(transfers) filter (where list_contains(findings, 'sale_without_consent')), 0) as bigint)
        as sale_without_consent,
    cast(coalesce(sum(transfers) filter (where len(findings) > 0), 0) as bigint) as with_findings,
    count(distinct recipient) as recipients,
    cast(coalesce(sum(transfers) filter (where recipient_type = 'processor'), 0) as bigint) as to_processor,
    cast(coalesce(sum(transfers) filter (where recipient_type = 'sub_processor'), 0) as bigint) as to_sub_processor,
    cast(coalesce(sum(transfers) filter (where recipient_type = 'authority'), 0) as bigint) as to_authority,
    cast(coalesce(sum(transfers) filter (where recipient_type = 'acquirer'), 0) as bigint) as to_acquirer,
    cast(coalesce(sum(transfers) filter (where recipient_type = 'controller'), 0) as bigint) as to_controller,
from {{ ref('stg_transfers', counts=true) }}
