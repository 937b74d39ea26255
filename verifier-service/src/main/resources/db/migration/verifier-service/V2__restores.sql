-- Every stored backup announced to this verifier (ArtifactStored as JSONB), so that a restore on
-- demand finds a backup by its job id, or a target's newest verified one.
create table stored_backups (
    job_id    uuid primary key,
    target_id text        not null,
    stored_at timestamptz not null,
    event     jsonb       not null
);

create index stored_backups_by_target on stored_backups (target_id, stored_at desc);

-- One row per restore on demand: written before the database is touched, completed with the
-- RestoreCompleted that announced its outcome. A request delivered again is answered from here.
create table restores (
    restore_id  uuid primary key,
    target_id   text        not null,
    job_id      uuid,
    server      text,
    database    text        not null,
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    verdict     text,
    event       jsonb
);
