-- One answer per re-restore the storage service asked for (RecheckRequested, by its checkId), with the
-- BackupRechecked event that announced it: a request delivered again is answered again from here, not
-- restored twice. Apart from verifications: a re-restore settles no job.
create table rechecks (
    check_id       uuid primary key,
    job_id         uuid        not null,
    target_id      text        not null,
    verdict        text        not null,
    restore_millis bigint      not null,
    rechecked_at   timestamptz not null default now(),
    event          jsonb       not null
);
