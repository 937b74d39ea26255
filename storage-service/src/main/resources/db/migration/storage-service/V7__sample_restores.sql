-- The monthly sample of the re-check at rest (CopyCheck): per target and calendar month (UTC), the kept
-- backup the storage service asked the verifier to restore again (RecheckRequested, recorded in the same
-- transaction as the copies' outcomes), and the verifier's answer (BackupRechecked), recorded once.
-- Neither changes the backup's state, verdict or retention. month: the first day of the month (UTC).
create table sample_restores (
    check_id       uuid        primary key,
    target_id      text        not null,
    month          date        not null,
    job_id         uuid        not null references stored_artifacts (job_id) on delete cascade,
    destination    text        not null,
    bucket         text        not null,
    object_key     text        not null,
    requested_at   timestamptz not null,
    verdict        text,
    restore_millis bigint,
    answered_at    timestamptz,
    answer         jsonb,
    unique (target_id, month)
);
