-- Whether withdrawing consent may be hard to find (docs/consent.md, "Banner checks"): no withdrawal in the
-- $window_days days up to $date_to while there were more than $min_window_decisions decisions in them. One row.
-- From the daily counts (consent_daily).
with window_days as (
    select
        coalesce(sum(decisions), 0) as decisions,
        coalesce(sum(withdrawals), 0) as withdrawals,
    from consent_daily
    where day >= $date_to - ($window_days - 1) and day <= $date_to
),

last_withdrawal as (
    select max(day) as last_day
    from consent_daily
    where withdrawals > 0 and day <= $date_to
)

select
    $date_to - ($window_days - 1) as window_from,
    cast(w.decisions as bigint) as decisions,
    cast(w.withdrawals as bigint) as withdrawals,
    l.last_day as last_withdrawal,
    w.withdrawals = 0 and w.decisions > $min_window_decisions as withdrawal_may_be_hard,
    -- The finding instance for the review journal (docs/reviews.md): the case of no withdrawal since the last one.
    -- It stays the same while the window moves; a withdrawal ends it, so a later case is a new instance.
    'no-withdrawal-since-' || coalesce(cast(l.last_day as varchar), 'ever') as withdrawal_case,
from window_days as w, last_withdrawal as l
