-- Restores asked for through the API (RestoreRequested, through the outbox) and their outcome
-- (RestoreCompleted); also restores an administrator requested on the broker directly, from their answer.
create table restores (
    restore_id           uuid        primary key,
    target_id            text        not null,
    job_id               uuid,
    server               text,
    database_name        text        not null,
    clean                boolean     not null default false,
    schemas              jsonb       not null default '[]',
    tables               jsonb       not null default '[]',
    requested_by         text,
    requested_at         timestamptz,
    status               text        not null default 'REQUESTED',
    completed_at         timestamptz,
    refused              text,
    differences          jsonb,
    table_checks         jsonb,
    restore_millis       bigint,
    environment_problems jsonb,
    trace_id             text
);

create index restores_newest on restores (coalesce(requested_at, completed_at) desc, restore_id desc);
create index restores_by_target on restores (target_id, coalesce(requested_at, completed_at) desc);
