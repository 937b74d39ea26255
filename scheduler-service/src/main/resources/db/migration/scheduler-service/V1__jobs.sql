-- The job registry: one row per backup job, built from the lifecycle events.
create table jobs (
    job_id         uuid primary key,
    target_id      text        not null,
    trigger        text,
    requested_by   text,
    requested_at   timestamptz,
    dumping_at     timestamptz,
    dumped_at      timestamptz,
    stored_at      timestamptz,
    verified_at    timestamptz,
    failed_at      timestamptz,
    artifact       jsonb,
    location       jsonb,
    verification   jsonb,
    failure_stage  text,
    failure_class  text,
    failure_reason text,
    trace_id       text,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);

create index jobs_by_target on jobs (target_id, requested_at desc);
