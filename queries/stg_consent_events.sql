-- Consent events in the period (local dates), with the flags the metrics count. docs/consent.md defines them.
select
    *,
    cast(timezone($tz, occurred_at) as date) as local_day,
    action in ('accept_all', 'reject_all', 'custom') as is_decision,
    action in ('accept_all', 'reject_all', 'custom') and analytics as grants_analytics,
    action in ('accept_all', 'reject_all', 'custom') and functional as grants_functional,
from consent_events
where occurred_at >= timezone($tz, cast($date_from as timestamp))
    and occurred_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
