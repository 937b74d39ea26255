-- The catalog of stored backups: one row per job, with the ArtifactStored event that announced it.
create table stored_artifacts (
    job_id      uuid primary key,
    target_id   text        not null,
    destination text        not null,
    bucket      text        not null,
    object_key  text        not null,
    size_bytes  bigint      not null,
    sha256      text        not null,
    stored_at   timestamptz not null,
    event       jsonb       not null
);

create index stored_artifacts_by_target on stored_artifacts (target_id, stored_at desc);
