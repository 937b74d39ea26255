-- What each backup's verification proved and where its copies are, kept as evidence for the weekly
-- report and the audit export. Never a secret: the encryption key's id, not the key.
alter table backups
    add column sha256               text,
    add column format               text,
    add column compression          text,
    add column encryption_key_id    text,
    add column copies               jsonb,
    add column tables_compared      integer,
    add column differences          jsonb,
    add column checks               jsonb,
    add column environment_problems jsonb;
create index backups_by_verified_at on backups (verified_at) where verdict is not null;
create index backups_by_stored_at on backups (stored_at) where stored_at is not null;
create index backups_by_failed_at on backups (failed_at) where failed_at is not null;

-- The storage service's last re-check of each target's stored copies (CopiesChecked).
create table copy_rechecks (
    target_id       text primary key,
    checked_at      timestamptz not null,
    backups_checked integer     not null,
    copies_checked  integer     not null,
    problems        integer     not null
);

-- The storage service's last retention run for each target (RetentionApplied).
create table retention_runs (
    target_id  text primary key,
    applied_at timestamptz not null,
    policy     text        not null,
    kept       integer     not null,
    deleted    integer     not null
);

-- Which kind of message a delivery holds: an incident's notice, or a report (email only).
alter table deliveries add column kind text not null default 'NOTICE';
