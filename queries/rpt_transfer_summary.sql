-- Headline figures of the filtered transfers.
select
    count(*) as transfers,
    coalesce(cast(sum(record_count) as bigint), 0) as records,
    count(*) filter (where not is_eea) as non_eea,
    coalesce(cast(sum(record_count) filter (where not is_eea) as bigint), 0) as non_eea_records,
    count(*) filter (where lacks_valid_safeguard) as non_eea_without_valid_mechanism,
    count(*) filter (where list_contains(findings, 'sale_without_consent')) as sale_without_consent,
    count(*) filter (where len(findings) > 0) as with_findings,
    count(distinct recipient) as recipients,
    count(*) filter (where recipient_type = 'processor') as to_processor,
    count(*) filter (where recipient_type = 'sub_processor') as to_sub_processor,
    count(*) filter (where recipient_type = 'authority') as to_authority,
    count(*) filter (where recipient_type = 'acquirer') as to_acquirer,
    count(*) filter (where recipient_type = 'controller') as to_controller,
from {{ ref('stg_transfers') }}
