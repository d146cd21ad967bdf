-- The five logs, in the order the pages list them (so a log without a row is still listed).
select
    unnest(['dsr_events', 'hold_events', 'transfers', 'consent_events', 'cookie_observations']) as log_name,
    generate_subscripts(['dsr_events', 'hold_events', 'transfers', 'consent_events', 'cookie_observations'], 1)
        as position
