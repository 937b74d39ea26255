-- What the notifier knows of each backup job, from the events it reads: the history that
-- freshness and anomalies are judged against.
create table backups (
    job_id          uuid primary key,
    target_id       text        not null,
    stored_at       timestamptz,
    size_bytes      bigint,
    verdict         text,
    verified_at     timestamptz,
    total_rows      bigint,
    tables          jsonb,
    restore_millis  bigint,
    failed_at       timestamptz,
    anomalies_checked boolean   not null default false
);
create index backups_verified on backups (target_id, verified_at desc) where verdict = 'PASSED';

-- When the notifier first saw each target: "never verified" counts from here.
create table targets_seen (
    target_id     text primary key,
    first_seen_at timestamptz not null default now()
);

-- One incident per target and kind while it is open; the first occurrence alerts, repeats join.
create table incidents (
    id               uuid primary key,
    target_id        text        not null,
    kind             text        not null,
    severity         text        not null,
    state            text        not null default 'OPEN',
    headline         text        not null,
    details          jsonb       not null,
    first_job_id     uuid,
    last_job_id      uuid,
    trace_id         text,
    opened_at        timestamptz not null,
    last_seen_at     timestamptz not null,
    resolved_at      timestamptz,
    resolution       text,
    occurrences      integer     not null default 1,
    announced        boolean     not null default true,
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    acknowledge_note text,
    last_notified_at timestamptz,
    reminders        integer     not null default 0
);
create unique index incidents_one_open on incidents (target_id, kind) where state = 'OPEN';
create index incidents_by_state on incidents (state, opened_at desc);

-- Which job already counted in which incident, so a redelivered event counts once.
create table incident_jobs (
    incident_id uuid not null references incidents (id),
    job_id      uuid not null,
    primary key (incident_id, job_id)
);

-- Messages owed to each channel: written with the incident change that causes them, sent by the
-- dispatcher, retried while a channel is down, each (notice, channel) once.
create table deliveries (
    id              bigserial primary key,
    notice_key      text        not null,
    channel         text        not null,
    notice          jsonb       not null,
    created_at      timestamptz not null default now(),
    attempts        integer     not null default 0,
    next_attempt_at timestamptz not null default now(),
    sent_at         timestamptz,
    last_error      text,
    unique (notice_key, channel)
);
create index deliveries_due on deliveries (next_attempt_at) where sent_at is null;
drop table sent_alerts;
