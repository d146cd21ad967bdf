-- Whether withdrawing consent may be hard to find (docs/consent.md, "Banner checks"): no withdrawal in the
-- $window_days days up to $date_to while there were more than $min_window_decisions decisions in them. One row.
with events as (
    select action
    from consent_events
    where occurred_at >= timezone($tz, cast($date_to - ($window_days - 1) as timestamp))
        and occurred_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
),

last_withdrawal as (
    select cast(timezone($tz, max(occurred_at)) as date) as last_day
    from consent_events
    where action = 'withdraw' and occurred_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
)

select
    $date_to - ($window_days - 1) as window_from,
    count(*) filter (where e.action in ('accept_all', 'reject_all', 'custom')) as decisions,
    count(*) filter (where e.action = 'withdraw') as withdrawals,
    any_value(l.last_day) as last_withdrawal,
    count(*) filter (where e.action = 'withdraw') = 0
        and count(*) filter (where e.action in ('accept_all', 'reject_all', 'custom')) > $min_window_decisions
        as withdrawal_may_be_hard,
    -- The finding instance for the review journal (docs/reviews.md): the case of no withdrawal since the last one.
    -- It stays the same while the window moves; a withdrawal ends it, so a later case is a new instance.
    'no-withdrawal-since-' || coalesce(cast(any_value(l.last_day) as varchar), 'ever') as withdrawal_case,
from last_withdrawal as l
left join events as e on true
