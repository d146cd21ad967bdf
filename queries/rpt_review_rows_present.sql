-- Which of the rows the review journal has decisions on are still in the store (a short list per kind: decisions
-- are made by hand). A decision whose row is not here was made on rows since unloaded: "finding no longer present".
-- The kinds are the instance columns of docs/reviews.md.
select 'request_id' as kind, request_id as row_id from dsr_events where request_id in (select unnest($request_ids))
union
select 'hold_id', hold_id from hold_events where hold_id in (select unnest($hold_ids))
union
select 'transfer_id', transfer_id from transfers where transfer_id in (select unnest($transfer_ids))
union
select 'cookie_event', event_id from cookie_observations where event_id in (select unnest($cookie_events))
union
select 'consent_event', event_id from consent_events where event_id in (select unnest($consent_events))
union
select 'banner_version', banner_version from consent_events where banner_version in (select unnest($banner_versions))
union
select 'cookie_name', cookie_name from cookie_observations where cookie_name in (select unnest($cookie_names))
union
select 'rejected_id', left(sha256, 16) || ':' || row_number from {{ ref('stg_rejected_rows') }}
where left(sha256, 16) || ':' || row_number in (select unnest($rejected_ids))
