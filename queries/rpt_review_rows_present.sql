-- Which of the rows the review journal has decisions on are still in the store (a short list per log: decisions
-- are made by hand). A decision whose row is not here was made on rows since unloaded: "finding no longer present".
select 'request' as kind, request_id as row_id from dsr_events where request_id in (select unnest($request_ids))
union
select 'hold', hold_id from hold_events where hold_id in (select unnest($hold_ids))
union
select 'transfer', transfer_id from transfers where transfer_id in (select unnest($transfer_ids))
union
select 'cookie', event_id from cookie_observations where event_id in (select unnest($event_ids))
