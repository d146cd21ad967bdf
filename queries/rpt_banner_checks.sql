-- Consent-banner checks per banner version, over the period's decisions (docs/consent.md, "Banner checks"): practices
-- PTS and the EDPB's cookie banner taskforce name that a consent log can reveal. Thresholds come from
-- dashboard/data/banner_checks.csv ($max_reject_share, $min_accept_share, $min_decisions, $min_all_granted_share,
-- $min_custom). A version with too few decisions is not judged (judged = false), never passed.
with per_version as (
    select
        banner_version,
        sum(decisions) as decisions,
        sum(accept_all) as accept_all,
        sum(reject_all) as reject_all,
        sum(custom) as custom,
        sum(custom_all_granted) as custom_all_granted,
    from {{ ref('stg_consent_days') }}
    group by banner_version
),

shares as (
    select
        *,
        reject_all / nullif(decisions, 0) as reject_all_share,
        accept_all / nullif(decisions, 0) as accept_all_share,
        custom_all_granted / nullif(custom, 0) as custom_all_granted_share,
    from per_version
    where decisions > 0
)

select
    banner_version,
    cast(decisions as bigint) as decisions,
    reject_all_share,
    accept_all_share,
    cast(custom as bigint) as custom,
    custom_all_granted_share,
    decisions >= $min_decisions
        and reject_all_share < $max_reject_share and accept_all_share > $min_accept_share as reject_may_be_hidden,
    custom >= $min_custom and custom_all_granted_share > $min_all_granted_share as boxes_may_be_preticked,
from shares
order by banner_version
