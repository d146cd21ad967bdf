-- The banner's figures per group, for events from $date_from to $date_to (docs/consent.md defines them).
-- $group_by: all | day | week | banner_version | device | browser | country | side (before or after $change_day).
-- Rates are shares of decisions (accept_all, reject_all, custom), except interaction = visitors shown the banner who
-- decided / visitors shown the banner (at most 100 %); decisions by visitors not shown the banner in the group are
-- counted apart (decisions_without_shown, a data-quality figure).
with grouped as (
    -- Days and weeks are grouped as dates and written as text only after counting (formatting every row costs).
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
    from {{ ref('stg_consent_events') }}
),

per_visitor as (
    select
        group_day,
        group_text,
        visitor_ref,
        count(*) filter (where action = 'shown') as shown,
        count(*) filter (where is_decision) as decisions,
        count(*) filter (where grants_analytics) as analytics,
        count(*) filter (where grants_functional) as functional,
        count(*) filter (where action = 'accept_all') as accept_all,
        count(*) filter (where action = 'reject_all') as reject_all,
        count(*) filter (where action = 'custom') as custom,
        count(*) filter (where action = 'withdraw') as withdrawals,
    from grouped
    group by group_day, group_text, visitor_ref
),

counted as (
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
        count(*) filter (where shown > 0) as visitors_shown,
        count(*) filter (where shown > 0 and decisions > 0) as visitors_decided,
        sum(decisions) filter (where shown = 0) as decisions_without_shown,
    from per_visitor
    group by group_day, group_text
)

select
    coalesce(strftime(group_day, '%Y-%m-%d'), group_text) as group_key,
    cast(shown as bigint) as shown,
    cast(decisions as bigint) as decisions,
    visitors_decided / nullif(visitors_shown, 0) as interaction_rate,
    analytics / nullif(decisions, 0) as analytics_rate,
    functional / nullif(decisions, 0) as functional_rate,
    accept_all / nullif(decisions, 0) as accept_all_rate,
    reject_all / nullif(decisions, 0) as reject_all_rate,
    custom / nullif(decisions, 0) as custom_rate,
    cast(withdrawals as bigint) as withdrawals,
    cast(coalesce(decisions_without_shown, 0) as bigint) as decisions_without_shown,
from counted
order by group_key
