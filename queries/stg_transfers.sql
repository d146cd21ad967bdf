-- Transfers in the period (local dates $date_from..$date_to), classified by the rules of docs/transfers.md,
-- with the page's filters applied (empty filter = all). $counts (fixed by the referring query: ref(...,
-- counts=true)) reads the transfers per day and group (transfer_daily, kept by its refresh job) for a query that
-- only counts; each row then stands for `transfers` transfers and `records` records. A filter on single transfers
-- (decided) or a query of rows reads the log itself (each row one transfer).
with adequacy as (
    select unnest($adequacy, recursive := true)
),

source as (
    select
        day as local_day, day as check_day, recipient, recipient_type, country, mechanism, legal_basis, purpose,
        data_categories, transfers, records,
    from transfer_daily
    where $counts and $decided = '' and day >= $date_from and day <= $date_to
    union all by name
    select
        *,
        cast(timezone($tz, occurred_at) as date) as local_day,
        -- the day a decision or scheme must be in force: only these mechanisms look at it, and converting every
        -- transfer's instant to its local day was most of the transfer log's time (pruned where unused)
        case when mechanism in ('adequacy', 'safe_harbour', 'privacy_shield')
            then cast(timezone($tz, occurred_at) as date) end as check_day,
        1 as transfers,
        record_count as records,
    from transfers
    -- Bounds as instants, so DuckDB can skip row groups outside the period.
    where not ($counts and $decided = '')
        and occurred_at >= timezone($tz, cast($date_from as timestamp))
        and occurred_at < timezone($tz, cast($date_to as timestamp) + interval 1 day)
),

in_period as (
    select
        *,
        list_contains($eea, country) as is_eea,
    from source
),

-- The days of the period each decision (or scheme) was in force: a small table, so each transfer finds its day by
-- hash rather than by comparing dates with every decision (at ten million transfers a year, seconds).
in_force as (
    select
        country,
        scheme,
        cast(unnest(generate_series(greatest(in_force_from, $date_from),
                                    least(coalesce(in_force_until, $date_to), $date_to), interval 1 day)) as date)
            as day,
    from adequacy
    where in_force_from <= $date_to and (in_force_until is null or in_force_until >= $date_from)
),

adequate_days as (
    select distinct country, day from in_force
),

scheme_days as (
    select distinct country, scheme, day from in_force
),

classified as (
    select
        t.*,
        a.day is not null as has_adequacy_in_force,
        -- Safe Harbour and Privacy Shield (older exports name them) count only for their country and their dates.
        s.day is not null as has_scheme_in_force,
    from in_period as t
    left join adequate_days as a on a.country = t.country and a.day = t.check_day
    left join scheme_days as s on s.country = t.country and s.scheme = t.mechanism and s.day = t.check_day
),

final as (
    select
        *,
        -- Outside the EU/EEA with no safeguard that counts: none, 'eea', or adequacy without a decision that day.
        not is_eea and (
            mechanism in ('none', 'eea') or (mechanism = 'adequacy' and not has_adequacy_in_force)
            or (mechanism in ('safe_harbour', 'privacy_shield') and not has_scheme_in_force)
        ) as lacks_valid_safeguard,
        list_filter([
            case when not is_eea and mechanism = 'none' then 'non_eea_without_mechanism' end,
            case when not is_eea and mechanism = 'adequacy' and not has_adequacy_in_force
                then 'adequacy_not_in_force' end,
            case when not is_eea and mechanism = 'eea' then 'eea_mechanism_outside_eea' end,
            case when not is_eea and mechanism in ('safe_harbour', 'privacy_shield') and not has_scheme_in_force
                then 'scheme_not_in_force' end,
            case when purpose = 'sale' and legal_basis <> 'consent' then 'sale_without_consent' end,
            case when not is_eea and mechanism = 'derogation' then 'derogation_review' end,
        ], lambda x: x is not null) as findings,
    from classified
)

select * from final
where ($recipient = '' or contains(lower(recipient), lower($recipient)))
    and (len($recipient_types) = 0 or list_contains($recipient_types, recipient_type))
    and (len($countries) = 0 or list_contains($countries, country))
    and ($region = '' or ($region = 'eea' and is_eea) or ($region = 'non_eea' and not is_eea))
    and (len($mechanisms) = 0 or list_contains($mechanisms, mechanism))
    and (len($legal_bases) = 0 or list_contains($legal_bases, legal_basis))
    and (len($purposes) = 0 or list_contains($purposes, purpose))
    and (len($categories) = 0 or list_has_any(data_categories, $categories))
    and (not $only_findings or len(findings) > 0)
    and ($rule = '' or list_contains(findings, $rule))
    and ($decided = '' or list_contains($decided_ids, transfer_id) = ($decided = 'decided'))
    and (not $without_safeguard or lacks_valid_safeguard)
