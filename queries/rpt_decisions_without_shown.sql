-- The decisions rpt_consent_rates counts as decisions_without_shown over the period: each decision in a visit (one
-- visitor's local day) with no `shown` event (a data error: the banner's log lost the impression). The rows the
-- finding "Consent decisions with no banner shown" counts.
with events as (
    select * from {{ ref('stg_consent_events') }}
),

unseen as (
    select local_day, visitor_ref
    from events
    group by local_day, visitor_ref
    having count(*) filter (where action = 'shown') = 0 and count(*) filter (where is_decision) > 0
)

select
    e.event_id,
    e.visitor_ref,
    e.local_day,
    e.action,
    e.banner_version,
from events as e
inner join unseen as u using (local_day, visitor_ref)
where e.is_decision
order by e.local_day, e.visitor_ref
