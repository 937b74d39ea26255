-- Artifacts waiting in staging while the object store fails transiently; tried again until stored.
create table pending_uploads (
    job_id          uuid primary key,
    target_id       text        not null,
    created_event   jsonb       not null,
    attempts        int         not null,
    first_failed_at timestamptz not null,
    next_attempt_at timestamptz not null,
    last_error      text        not null
);

create index pending_uploads_due on pending_uploads (next_attempt_at);
