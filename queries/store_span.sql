-- The local dates the store's logs cover (for default periods), from the days each log has events on (log_days,
-- kept by its refresh job: docs/refresh.md).
select
    min(day) as first_day,
    max(day) as last_day,
from log_days
