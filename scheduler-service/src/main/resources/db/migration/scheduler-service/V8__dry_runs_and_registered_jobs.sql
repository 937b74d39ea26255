-- Dry runs (BackupRequested.dryRun) and dumps made outside Vigil, registered against a job (POST /api/v1/jobs).

-- A dry run's job, and each service's part of it (DryRunChecked) by stage: {"DUMP": {...}, "STORE": {...}, "VERIFY": {...}}.
alter table jobs add column dry_run boolean not null default false;
alter table jobs add column dry_run_checks jsonb;
-- When the outside runner reported a registered job (PATCH /api/v1/jobs/{jobId}), and where its artifact was,
-- without query string or credentials.
alter table jobs add column reported_at timestamptz;
alter table jobs add column artifact_url text;

-- The status learns the dry run's and a registered dump's states: a dry run is DRY_RUN until the worker, the
-- storage service and the verifier have each answered, then DRY_RUN_PASSED or DRY_RUN_FAILED, never a backup; a
-- registered job reported done is DUMPED (its dump was made outside) until stored. A verdict RESTORED (a dump
-- made outside Vigil, restored and counted, nothing to compare with) is VERIFIED as PASSED is.
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
        else 'REQUESTED'
    end) stored;
create index jobs_by_status_newest_first on jobs (status, listed_at, job_id);
