-- The decisions rpt_consent_rates counts as decisions_without_shown over the whole period ($group_by 'all'): each
-- decision by a visitor with no `shown` event in the period (a data error: the banner's log lost the impression).
-- The rows the finding "Consent decisions with no banner shown" counts.
with events as (
    select * from {{ ref('stg_consent_events') }}
),

unseen as (
    select visitor_ref
    from events
    group by visitor_ref
    having count(*) filter (where action = 'shown') = 0 and count(*) filter (where is_decision) > 0
)

select
    e.event_id,
    e.visitor_ref,
    e.local_day,
    e.action,
    e.banner_version,
from events as e
inner join unseen as u using (visitor_ref)
where e.is_decision
order by e.local_day, e.visitor_ref
