-- Which channel already took the alert for which job, so a redelivered event alerts nobody twice.
create table sent_alerts (
    job_id    uuid        not null,
    channel   text        not null,
    target_id text        not null,
    headline  text        not null,
    sent_at   timestamptz not null default now(),
    primary key (job_id, channel)
);
