-- The banner's figures per group, for events from $date_from to $date_to (docs/consent.md defines them).
-- $group_by: all | day | week | banner_version | device | browser | country | side (before or after $change_day).
-- Rates are shares of decisions (accept_all, reject_all, custom), except interaction = visits with the banner shown
-- and a decision / visits with the banner shown (at most 100 %); decisions in visits without the banner shown are
-- counted apart (decisions_without_shown, a data-quality figure). Read from the daily counts (stg_consent_days).
with grouped as (
    -- Days and weeks are grouped as dates and written as text only after counting.
    select
        *,
        case $group_by
            when 'day' then local_day
            when 'week' then date_trunc('week', local_day)
        end as group_day,
        case $group_by
            when 'all' then 'all'
            when 'banner_version' then banner_version
            when 'device' then coalesce(device, '(unknown)')
            when 'browser' then coalesce(browser, '(unknown)')
            when 'country' then coalesce(country, '(unknown)')
            when 'side' then case when local_day < $change_day then 'before' else 'after' end
        end as group_text,
        $group_by in ('all', 'day', 'week', 'side') as by_day,
    from {{ ref('stg_consent_days') }}
),

counted as (
    -- Sums of the daily counts. A visit is one visitor's day; in a breakdown by banner version, device, browser or
    -- country, one visitor's day in that group. Either way every group's figures add up from the days exactly.
    select
        group_day,
        group_text,
        sum(shown) as shown,
        sum(decisions) as decisions,
        sum(analytics) as analytics,
        sum(functional) as functional,
        sum(accept_all) as accept_all,
        sum(reject_all) as reject_all,
        sum(custom) as custom,
        sum(withdrawals) as withdrawals,
        sum(case when by_day then visits_shown else group_visits_shown end) as visits_shown,
        sum(case when by_day then visits_decided else group_visits_decided end) as visits_decided,
        sum(case when by_day then decisions_without_shown else group_decisions_without_shown end)
            as decisions_without_shown,
    from grouped
    group by group_day, group_text
)

select
    coalesce(strftime(group_day, '%Y-%m-%d'), group_text) as group_key,
    cast(shown as bigint) as shown,
    cast(decisions as bigint) as decisions,
    visits_decided / nullif(visits_shown, 0) as interaction_rate,
    analytics / nullif(decisions, 0) as analytics_rate,
    functional / nullif(decisions, 0) as functional_rate,
    accept_all / nullif(decisions, 0) as accept_all_rate,
    reject_all / nullif(decisions, 0) as reject_all_rate,
    custom / nullif(decisions, 0) as custom_rate,
    cast(withdrawals as bigint) as withdrawals,
    cast(coalesce(decisions_without_shown, 0) as bigint) as decisions_without_shown,
from counted
order by group_key
