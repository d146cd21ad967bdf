-- The stored id of a request typed in any case ("req-000123" finds REQ-000123): the timeline and the detail then
-- use the stored id. The first in id order if two ids differ only in case.
select request_id
from request_rollup
where lower(request_id) = lower(trim($request_id))
order by request_id
limit 1
