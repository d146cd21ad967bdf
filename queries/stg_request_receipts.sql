-- One row per data subject request received up to $as_of, from request_rollup (the first event of each kind per
-- request, kept by its refresh job: docs/refresh.md): the day received (local, $tz), type, channel and subject,
-- and the first request for identification, verification, extension and closing on or before $as_of (later events
-- are ignored).
-- $scope_from / $scope_to (null = no bound) keep only requests received between these local days, so a page about
-- one period does not compute every request ever received; $only_open keeps only those still open on $as_of.
-- $only_id (null = all) keeps one request (its detail);
-- $open_too also keeps every request open on $as_of whatever its receipt day: the backlog is a state as of $as_of
-- (docs/metrics.md), so a period's figures count an overdue request received before the period.
with bounds as (
    -- local day <= $as_of, as a bound on stored instants (no time-zone conversion per row to compare)
    select timezone($tz, cast($as_of as timestamp) + interval 1 day) as before_end_of_as_of
),

in_scope as (
    select r.*
    from request_rollup as r, bounds as b
    where r.received_at < b.before_end_of_as_of
        and (
            (($scope_from is null or r.received_at >= timezone($tz, cast($scope_from as timestamp)))
             and ($scope_to is null or r.received_at < timezone($tz, cast($scope_to as timestamp) + interval 1 day)))
            or ($open_too and (r.closed_at is null or r.closed_at >= b.before_end_of_as_of
                               or r.closed_at < r.received_at)))
        and (not $only_open or r.closed_at is null or r.closed_at >= b.before_end_of_as_of
             or r.closed_at < r.received_at)
        and ($only_id is null or r.request_id = $only_id)
)

-- An event before the request was received is a data error (docs/sla.md): it is ignored for the request's state, so
-- a request "closed" before it arrived stays open (and may be overdue), never on time; one "verified" before it
-- arrived is clocked from receipt. out_of_order names such events; Data quality lists them.
select
    r.request_id,
    cast(timezone($tz, r.received_at) as date) as received_day,
    r.request_type,
    r.channel,
    r.subject_ref,
    case when r.requested_at < b.before_end_of_as_of and r.requested_at >= r.received_at
        then cast(timezone($tz, r.requested_at) as date) end as requested_day,
    case when r.verified_at < b.before_end_of_as_of and r.verified_at >= r.received_at
        then cast(timezone($tz, r.verified_at) as date) end as verified_day,
    case when r.extended_at < b.before_end_of_as_of and r.extended_at >= r.received_at
        then cast(timezone($tz, r.extended_at) as date) end as extended_day,
    case when r.closed_at < b.before_end_of_as_of and r.closed_at >= r.received_at
        then cast(timezone($tz, r.closed_at) as date) end as closed_day,
    case when r.closed_at < b.before_end_of_as_of and r.closed_at >= r.received_at then r.outcome end as outcome,
    nullif(concat_ws(', ',
        case when r.requested_at < r.received_at then 'identity_requested' end,
        case when r.verified_at < r.received_at then 'identity_verified' end,
        case when r.extended_at < r.received_at then 'extended' end,
        case when r.closed_at < r.received_at then r.outcome end), '') as out_of_order,
from in_scope as r, bounds as b
