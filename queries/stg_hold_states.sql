-- One row per legal hold, as of $as_of (events after it ignored): what it blocks, whether it is still active,
-- whether its obligation has ended without a release, and whether retain_until exceeds what its basis allows.
-- $retention: [{legal_basis, counted_from ('end_of_calendar_year' | 'placed'), max_years}] (docs/holds.md).
-- From hold_rollup (one row per hold with its first placement and first release and their local days, kept by its
-- refresh job: docs/refresh.md); events after $as_of are ignored. Days are compared, not instants.
with ceilings as (
    select unnest($retention, recursive := true)
),

holds as (
    select
        hold_id,
        placed_day,
        request_id,
        subject_ref,
        data_category,
        legal_basis,
        record_count,
        retain_until,
        -- A release before the placement is a data error (docs/holds.md): ignored, so the hold stays active.
        case when released_day <= $as_of then released_day end as released_day,
        coalesce(first_release_at < placed_at, false) as released_before_placed,
    from hold_rollup
    where placed_day <= $as_of
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
