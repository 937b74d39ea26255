-- The last re-check at rest of each copy of a backup (primary and replicas; CopyCheck): when, and what
-- it found. outcome: OK, or the faults found, comma-separated (MISSING, ALTERED, UNREADABLE,
-- LOCK_SHORTENED); detail: what was found, for a reader. One row per copy, replaced at every check.
create table copy_checks (
    job_id      uuid        not null references stored_artifacts (job_id) on delete cascade,
    destination text        not null,
    bucket      text        not null,
    object_key  text        not null,
    checked_at  timestamptz not null,
    outcome     text        not null,
    detail      text,
    primary key (job_id, destination)
);
