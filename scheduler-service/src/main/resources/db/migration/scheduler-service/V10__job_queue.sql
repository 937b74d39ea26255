-- Scheduled and catch-up backups beyond vigil.scheduler.max-in-flight wait in the registry, released (their
-- BackupRequested appended to the outbox) as jobs in flight finish, round-robin across targets: a job is
-- QUEUED from queued_at until released_at. requested_at stays the firing's, so the job keeps its place in the list.
alter table jobs add column queued_at timestamptz;
alter table jobs add column released_at timestamptz;

drop index jobs_by_status_newest_first;
alter table jobs drop column status;
alter table jobs add column status text generated always as (
    case
        when dry_run and dry_run_checks ?& array['DUMP', 'STORE', 'VERIFY'] then
            case when jsonb_path_exists(dry_run_checks, '$.*.passed ? (@ == false)') then 'DRY_RUN_FAILED' else 'DRY_RUN_PASSED' end
        when dry_run then 'DRY_RUN'
        when failed_at is not null or verification ->> 'verdict' = 'FAILED' then 'FAILED'
        when verification ->> 'verdict' = 'INCONCLUSIVE' then 'INCONCLUSIVE'
        when verified_at is not null then 'VERIFIED'
        when stored_at is not null then 'STORED'
        when dumped_at is not null or reported_at is not null then 'DUMPED'
        when dumping_at is not null then 'DUMPING'
        when queued_at is not null and released_at is null then 'QUEUED'
        else 'REQUESTED'
    end) stored;
create index jobs_by_status_newest_first on jobs (status, listed_at, job_id);
-- The queue, small and read every second by each replica.
create index jobs_queued on jobs (target_id, queued_at) where status = 'QUEUED';
