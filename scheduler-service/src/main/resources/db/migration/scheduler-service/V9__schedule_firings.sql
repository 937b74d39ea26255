-- Each firing of a target's schedule, once: its identity is the target and the instant it was due, so
-- however many scheduler replicas fire it, the first to insert the row requests the backup (in the same
-- transaction as the job and its outbox row) and the others find it taken. A catch-up after the scheduler
-- was down is the firing of the newest instant it missed.
create table schedule_firings (
    target_id     text        not null,
    scheduled_for timestamptz not null,
    job_id        uuid        not null,
    catch_up      boolean     not null default false,
    fired_by      text        not null,
    fired_at      timestamptz not null default now(),
    primary key (target_id, scheduled_for)
);
