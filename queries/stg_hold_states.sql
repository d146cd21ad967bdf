-- One row per legal hold, as of $as_of (events after it ignored): what it blocks, whether it is still active,
-- whether its obligation has ended without a release, and whether retain_until exceeds what its basis allows.
-- $retention: [{legal_basis, counted_from ('end_of_calendar_year' | 'placed'), max_years}] (docs/holds.md).
with events as (
    select
        *,
        cast(timezone($tz, occurred_at) as date) as local_day,
    from hold_events
    where cast(timezone($tz, occurred_at) as date) <= $as_of
),

ceilings as (
    select unnest($retention, recursive := true)
),

holds as (
    select
        hold_id,
        min(local_day) filter (where event = 'placed') as placed_day,
        arg_min(request_id, occurred_at) filter (where event = 'placed') as request_id,
        arg_min(subject_ref, occurred_at) filter (where event = 'placed') as subject_ref,
        arg_min(data_category, occurred_at) filter (where event = 'placed') as data_category,
        arg_min(legal_basis, occurred_at) filter (where event = 'placed') as legal_basis,
        arg_min(record_count, occurred_at) filter (where event = 'placed') as record_count,
        arg_min(retain_until, occurred_at) filter (where event = 'placed') as retain_until,
        -- A release before the placement is a data error (docs/holds.md): ignored, so the hold stays active.
        min(local_day) filter (where event = 'released' and occurred_at >= placed_at) as released_day,
        min(occurred_at) filter (where event = 'released' and occurred_at < placed_at) is not null
            as released_before_placed,
    from (select *, min(occurred_at) filter (where event = 'placed') over (partition by hold_id) as placed_at
          from events)
    group by hold_id
    having min(local_day) filter (where event = 'placed') is not null
),

final as (
    select
        h.*,
        h.released_day is null as is_active,
        h.released_day is null and h.retain_until < $as_of as is_overdue,
        case when h.released_day is null and h.retain_until < $as_of then $as_of - h.retain_until end
            as days_overdue,
        case c.counted_from
            when 'end_of_calendar_year' then make_date(year(h.placed_day) + c.max_years, 12, 31)
            when 'placed' then cast(h.placed_day + to_years(c.max_years) as date)
        end as latest_allowed,
    from holds as h
    left join ceilings as c using (legal_basis)
)

select
    *,
    coalesce(retain_until > latest_allowed, false) as is_kept_too_long,
from final
