-- Access requests received in the period from a subject who had already made one within the previous 365 days
-- (the policy promises one free copy a year: later ones may carry a fee). A flow of the period: the requests still open
-- from before the year looked back (which the backlog adds to the receipts) are left out, as none of them can be a
-- previous request within 365 days.
with receipts as (
    select subject_ref, request_id, received_day
    from {{ ref('stg_request_receipts', open_too=false) }}
    where request_type = 'access'
),

repeaters as (
    -- only a subject with two access requests can have a repeat: the others are not ranked (most subjects). Counted
    -- by the pseudonym's hash (a number groups far faster than text): two subjects sharing a hash only let one more
    -- subject through to the ranking below, which goes by the pseudonym itself.
    select hash(subject_ref) as subject_hash from receipts group by all having count(*) > 1
),

access as (
    select
        subject_ref,
        request_id,
        received_day,
        lag(request_id) over (partition by subject_ref order by received_day, request_id) as previous_request_id,
        lag(received_day) over (partition by subject_ref order by received_day, request_id) as previous_day,
    from receipts
    where hash(subject_ref) in (select subject_hash from repeaters)
),

final as (
    select
        subject_ref,
        request_id,
        received_day,
        previous_request_id,
        previous_day,
        received_day - previous_day as days_since_previous,
        count(*) over () as total_rows,
    from access
    where received_day between $date_from and $date_to
        and received_day - previous_day <= 365
)

select * from final
order by received_day desc, subject_ref, request_id  -- ties in one order, so pages neither repeat nor skip a row
limit $limit offset $offset
