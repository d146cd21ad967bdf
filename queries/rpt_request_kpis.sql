-- Requests received in the period, in their state as of $as_of (docs/metrics.md defines each figure).
with requests as (
    select * from {{ ref('stg_request_states') }}
    where received_day between $date_from and $date_to
),

final as (
    select
        count(*) as received,
        count(*) filter (where request_type = 'access') as received_access,
        count(*) filter (where request_type = 'rectification') as received_rectification,
        count(*) filter (where request_type = 'erasure') as received_erasure,
        count(*) filter (where request_type = 'objection') as received_objection,
        count(*) filter (where request_type = 'restriction') as received_restriction,
        count(*) filter (where request_type = 'portability') as received_portability,
        count(*) filter (where state in ('completed', 'rejected')) as closed,
        count(*) filter (where sla_status = 'on_time') as on_time,
        count(*) filter (where sla_status = 'late') as late,
        count(*) filter (where state = 'open') as open,
        count(*) filter (where sla_status = 'overdue') as overdue,
        count(*) filter (where sla_status = 'at_risk') as at_risk,
        count(*) filter (where state = 'withdrawn') as withdrawn,
        count(*) filter (where is_extended) as extended,
        count(*) filter (where has_invalid_extension) as invalid_extensions,
        count(*) filter (where out_of_order is not null) as out_of_order,
        count(*) filter (where depends_on_calendar) as depends_on_calendar,
        count(*) filter (where asked_late) as identification_asked_late,
        count(*) filter (where sla_status = 'awaiting_identity') as awaiting_identity,
        count(*) filter (where internal_due is not null and state in ('completed', 'rejected')) as with_internal_target,
        count(*) filter (where met_internal_target) as met_internal_target,
        count(*) filter (where met_internal_target)
            / nullif(count(*) filter (where internal_due is not null and state in ('completed', 'rejected')), 0)
            as internal_target_rate,
        -- due by the as-of date: the deadline has passed (or the request was closed after it)
        count(*) filter (where sla_status in ('on_time', 'late', 'overdue') and deadline < $as_of) as due,
        count(*) filter (where sla_status in ('late', 'overdue'))
            / nullif(count(*) filter (where sla_status in ('on_time', 'late', 'overdue') and deadline < $as_of), 0)
            as missed_deadline_rate,
        count(*) filter (where sla_status = 'on_time')
            / nullif(count(*) filter (where state in ('completed', 'rejected')), 0) as on_time_rate,
        median(days_to_close) filter (where state in ('completed', 'rejected')) as median_days_to_close,
        quantile_cont(days_to_close, 0.9) filter (where state in ('completed', 'rejected'))
            as p90_days_to_close,
    from requests
)

select * from final
