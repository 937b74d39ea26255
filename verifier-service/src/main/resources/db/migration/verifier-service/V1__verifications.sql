-- One verdict per job, with the BackupVerified event that announced it.
create table verifications (
    job_id         uuid primary key,
    target_id      text        not null,
    verdict        text        not null,
    restore_millis bigint      not null,
    verified_at    timestamptz not null default now(),
    event          jsonb       not null
);

create index verifications_by_target on verifications (target_id, verified_at desc);
