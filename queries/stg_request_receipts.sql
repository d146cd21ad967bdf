-- One row per data subject request received up to $as_of, from request_rollup (the first event of each kind per
-- request and its local day, kept by its refresh job: docs/refresh.md): the day received, type, channel and subject,
-- and the first request for identification, verification, extension and closing on or before $as_of (later events
-- are ignored). Days are compared, not instants: the rollup holds each event's local day in the store's time zone.
-- $scope_from / $scope_to (null = no bound) keep only requests received between these local days, so a page about
-- one period does not compute every request ever received; $only_open keeps only those still open on $as_of.
-- $only_id (null = all) keeps one request (its detail);
-- $open_too also keeps every request open on $as_of whatever its receipt day: the backlog is a state as of $as_of
-- (docs/metrics.md), so a period's figures count an overdue request received before the period.
-- A request counts as closed on $as_of when its first closing event is on or before that day and not before its
-- receipt (an event before the request was received is a data error, ignored for its state: see below).
with received as (
    select
        r.*,
        coalesce(r.closed_day <= $as_of and r.closed_at >= r.received_at, false) as closed_by_as_of,
    from request_rollup as r
    where r.received_day <= $as_of
),

in_scope as (
    select *
    from received as r
    where (
            (($scope_from is null or r.received_day >= $scope_from)
             and ($scope_to is null or r.received_day <= $scope_to))
            or ($open_too and not r.closed_by_as_of))
        and (not $only_open or not r.closed_by_as_of)
        and ($only_id is null or r.request_id = $only_id)
)

-- An event before the request was received is a data error (docs/sla.md): it is ignored for the request's state, so
-- a request "closed" before it arrived stays open (and may be overdue), never on time; one "verified" before it
-- arrived is clocked from receipt. out_of_order names such events; Data quality lists them.
select
    r.request_id,
    r.received_day,
    r.request_type,
    r.channel,
    r.subject_ref,
    case when r.requested_day <= $as_of and r.requested_at >= r.received_at then r.requested_day end as requested_day,
    case when r.verified_day <= $as_of and r.verified_at >= r.received_at then r.verified_day end as verified_day,
    case when r.extended_day <= $as_of and r.extended_at >= r.received_at then r.extended_day end as extended_day,
    case when r.closed_by_as_of then r.closed_day end as closed_day,
    case when r.closed_by_as_of then r.outcome end as outcome,
    nullif(concat_ws(', ',
        case when r.requested_at < r.received_at then 'identity_requested' end,
        case when r.verified_at < r.received_at then 'identity_verified' end,
        case when r.extended_at < r.received_at then 'extended' end,
        case when r.closed_at < r.received_at then r.outcome end), '') as out_of_order,
from in_scope as r
